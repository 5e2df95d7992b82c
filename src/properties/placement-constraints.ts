import type { PlacementConstraint } from '@aws-sdk/client-ecs';
import type { PropertyReader } from './property-reader';

const KEYS = ['Type', 'Expression'] as const;
/**
 * ECS API reference, RunTask `placementConstraints` and PlacementConstraint: at most 10 constraints per task (those
 * of the task definition count too), `type` distinctInstance | memberOf, `expression` a cluster query language
 * expression of at most 2000 characters, not allowed with distinctInstance. Not supported on Fargate.
 */
const TYPES = ['distinctInstance', 'memberOf'] as const;
export const MAX_PLACEMENT_CONSTRAINTS = 10;
const MAX_EXPRESSION = 2000;

/** Why placement properties are refused for Fargate tasks. */
export const FARGATE_PLACES_ITSELF =
  'applies to tasks on EC2 and external instances only; Fargate places tasks itself' +
  ' — remove it, or use LaunchType EC2 (or a strategy of EC2 capacity providers)';

/** `PlacementConstraints: [{ Type, Expression }]`, as in `AWS::ECS::Service`; refused when the tasks run on Fargate. */
export function readPlacementConstraints(
  reader: PropertyReader,
  value: unknown,
  fargate: boolean | undefined,
): PlacementConstraint[] | undefined {
  if (value !== undefined && fargate === true) return reader.problem('PlacementConstraints', FARGATE_PLACES_ITSELF);
  return reader.objectList('PlacementConstraints', value, readConstraint, {
    max: MAX_PLACEMENT_CONSTRAINTS,
    tooMany: (count) =>
      `has ${count} entries; a task takes at most ${MAX_PLACEMENT_CONSTRAINTS}, those of the task definition included`,
  });
}

function readConstraint(reader: PropertyReader, item: Record<string, unknown>): PlacementConstraint | undefined {
  reader.rejectUnknown(item, KEYS);
  const type = reader.oneOf('Type', item.Type, TYPES, { required: true });
  const expression = reader.string('Expression', item.Expression, { maxLength: MAX_EXPRESSION });
  if (type === 'memberOf' && (item.Expression === undefined || item.Expression === '')) {
    return reader.problem(
      'Expression',
      'is required for memberOf: a cluster query language expression, e.g. "attribute:ecs.instance-type =~ c5.*"',
    );
  }
  if (type === 'distinctInstance' && expression !== undefined)
    return reader.problem('Expression', 'applies to memberOf only; distinctInstance takes none');
  return type === undefined ? undefined : { type, ...(expression === undefined ? {} : { expression }) };
}
