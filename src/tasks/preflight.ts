import type { AwsPorts } from '../aws/ports';
import { isTaskDefinitionNotFound } from '../aws/aws-errors';
import type { RunnerProperties } from '../properties/runner-properties';
import { resourceName } from '../shared/arns';
import { AwsCallError } from '../shared/errors';
import type { Clock } from '../runtime/clock';
import type { Log } from '../runtime/log';
import { askWithBackoff } from './call-backoff';
import { checkLaunchSettings, type LaunchSettings } from './launch-settings-check';
import { type TaskDefinitionFacts, taskDefinitionFacts } from './task-definition-facts';

/**
 * Checks what the task definition says against the properties (network mode, container names) before anything
 * starts: what the runner needs to know of it, or every problem found (the planning step refuses the run with
 * them). A DescribeTaskDefinition that fails for another reason than a missing task definition is not a problem of
 * the properties: it throws AwsCallError.
 *
 * Subnets and security groups are not described here: RunTask itself refuses a missing subnet or security group,
 * or one from another VPC, synchronously and before anything starts (InvalidParameterException naming the IDs), so
 * a run that succeeds makes no EC2 call; diagnostics describe the network only when RunTask refused it.
 */
/** What the pre-flight check compares with the task definition. */
export type PreflightProperties = Pick<RunnerProperties, 'taskDefinition' | 'network' | 'outputs' | 'overrides'> &
  LaunchSettings;

/** The task definition's facts when the properties fit it; otherwise every problem found, for the Reason. */
export type PreflightCheck =
  { kind: 'passed'; definition: TaskDefinitionFacts } | { kind: 'refused'; problems: readonly string[] };

/**
 * How DescribeTaskDefinition is asked again after a throttled or transient failure: with the one backoff of reads
 * (call-backoff.ts) until `until` (epoch ms). Without it, it is asked once.
 */
export interface PreflightRetry {
  clock: Clock;
  log: Log;
  until: number;
}

export async function checkBeforeStart(
  aws: AwsPorts,
  properties: PreflightProperties,
  retrying?: PreflightRetry,
): Promise<PreflightCheck> {
  const described = await describeTaskDefinition(aws, properties.taskDefinition, retrying);
  if (described.kind === 'refused') return described;
  const { definition } = described;
  const problems = checkAgainstTaskDefinition(properties, definition);
  problems.push(...checkLaunchSettings(properties, definition));
  if (problems.length > 0) return { kind: 'refused', problems };
  return described;
}

async function describeTaskDefinition(
  aws: AwsPorts,
  taskDefinition: string,
  retrying: PreflightRetry | undefined,
): Promise<PreflightCheck> {
  const describe = () => aws.ecs.describeTaskDefinition({ taskDefinition });
  let response;
  try {
    // ECS throttles DescribeTaskDefinition in the account's shared bucket: a busy minute is no reason to fail.
    response = await (retrying
      ? askWithBackoff(
          describe,
          { what: `DescribeTaskDefinition of ${taskDefinition}`, until: retrying.until, seed: taskDefinition },
          retrying,
        )
      : describe());
  } catch (error) {
    if (isTaskDefinitionNotFound(error)) {
      return {
        kind: 'refused',
        problems: [
          `TaskDefinition: ${JSON.stringify(taskDefinition)} was not found in this account and region` +
            ' — give a family, family:revision or ARN of a registered task definition',
        ],
      };
    }
    throw new AwsCallError(`DescribeTaskDefinition of ${taskDefinition}`, error);
  }
  if (!response.taskDefinition)
    return {
      kind: 'refused',
      problems: [`TaskDefinition: ECS returned no task definition for ${JSON.stringify(taskDefinition)}`],
    };
  return { kind: 'passed', definition: taskDefinitionFacts(response.taskDefinition, taskDefinition) };
}

function checkAgainstTaskDefinition(properties: PreflightProperties, definition: TaskDefinitionFacts): string[] {
  const problems: string[] = [];
  const name = resourceName(definition.arn);
  if (definition.networkMode === 'awsvpc' && !properties.network) {
    problems.push(
      `NetworkConfiguration: task definition ${name} uses network mode awsvpc, so RunTask needs subnets` +
        ' — add NetworkConfiguration.AwsvpcConfiguration (Subnets, SecurityGroups) or the Subnets/SecurityGroups shorthand',
    );
  }
  if (definition.networkMode !== 'awsvpc' && properties.network) {
    problems.push(
      `NetworkConfiguration: task definition ${name} uses network mode ${definition.networkMode};` +
        ' subnets and security groups apply only to awsvpc' +
        ' — remove the network configuration or register the task definition with NetworkMode awsvpc',
    );
  }
  if (properties.outputs && !Object.values(definition.logs).some((location) => location.streamPrefix !== undefined)) {
    problems.push(
      `Outputs: no essential container of task definition ${name} logs with the awslogs driver` +
        ' and an awslogs-stream-prefix, so the runner cannot read what it prints' +
        ' — add that log configuration, or remove Outputs',
    );
  }
  for (const container of properties.overrides?.containerOverrides ?? []) {
    if (container.name !== undefined && !definition.containerNames.includes(container.name)) {
      problems.push(
        `Overrides.ContainerOverrides: task definition ${name} has no container ${JSON.stringify(container.name)};` +
          ` its containers are ${definition.containerNames.map((known) => JSON.stringify(known)).join(', ')}`,
      );
    }
  }
  return problems;
}
