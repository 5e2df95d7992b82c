import type { PropertyReader } from './property-reader';

/** RunTask's `startedBy`: "Up to 128 letters (uppercase and lowercase), numbers, hyphens (-), forward slash (/), and underscores (_)". */
const STARTED_BY = /^[A-Za-z0-9\-/_]{1,128}$/;

/**
 * The prefix of the `startedBy` ECS gives a service's tasks: "If a task is started by an Amazon ECS service, the
 * startedBy parameter contains the deployment ID of the service that starts it" (ECS API reference, RunTask,
 * `startedBy`), `ecs-svc/<digits>`.
 */
const ECS_SERVICE_PREFIX = 'ecs-svc/';

/**
 * `StartedBy`: RunTask's form, and never the one ECS gives a service's tasks. The resource's tag, not its startedBy,
 * decides which tasks Delete and IfRunning act on; refusing a service's value keeps a template from even naming a
 * service's tasks as its own.
 */
export function readStartedBy(reader: PropertyReader, value: unknown): string | undefined {
  const startedBy = reader.string('StartedBy', value, {
    pattern: STARTED_BY,
    patternHint: 'must be 1 to 128 letters, digits, hyphens, slashes or underscores',
  });
  if (startedBy?.toLowerCase().startsWith(ECS_SERVICE_PREFIX))
    return reader.problem(
      'StartedBy',
      `${JSON.stringify(startedBy)} is the form ECS gives the tasks of a service (${ECS_SERVICE_PREFIX}<deployment>): ` +
        `leave StartedBy out (the runner then uses cfn/<LogicalId>/<hash>) or choose a value that does not start with ${ECS_SERVICE_PREFIX}`,
    );
  return startedBy;
}
