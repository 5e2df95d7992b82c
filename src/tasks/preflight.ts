import type { AwsPorts } from '../aws/ports';
import { isTaskDefinitionNotFound } from '../aws/aws-errors';
import type { RunnerProperties } from '../properties/runner-properties';
import { resourceName } from '../shared/arns';
import { AwsCallError, PreflightError } from '../shared/errors';
import { checkLaunchSettings } from './launch-settings-check';
import { checkNetwork } from './network-check';
import { describeNetwork, type NetworkDescription } from './network-description';
import { type TaskDefinitionFacts, taskDefinitionFacts } from './task-definition-facts';

/** What the pre-flight check learnt: the task definition, and the network as EC2 describes it. */
export interface PreflightFacts {
  definition: TaskDefinitionFacts;
  network?: { configuration: NonNullable<RunnerProperties['network']>; description: NetworkDescription };
}

/**
 * Checks what can be checked before starting anything (task definition, network mode, container names, subnets
 * and security groups). Throws PreflightError with every problem found.
 */
export async function checkBeforeStart(aws: AwsPorts, properties: RunnerProperties): Promise<PreflightFacts> {
  const definition = await describeTaskDefinition(aws, properties.taskDefinition);
  const problems = checkAgainstTaskDefinition(properties, definition);
  problems.push(...checkLaunchSettings(properties, definition));
  const network = properties.network ? { configuration: properties.network, description: await describeNetwork(await aws.ec2(), properties.network) } : undefined;
  if (network) problems.push(...checkNetwork(network.configuration, network.description));
  if (problems.length > 0) throw new PreflightError(problems);
  return { definition, ...(network ? { network } : {}) };
}

async function describeTaskDefinition(aws: AwsPorts, taskDefinition: string): Promise<TaskDefinitionFacts> {
  let response;
  try {
    response = await aws.ecs.describeTaskDefinition({ taskDefinition });
  } catch (error) {
    if (isTaskDefinitionNotFound(error)) {
      throw new PreflightError(
        [`TaskDefinition: ${JSON.stringify(taskDefinition)} was not found in this account and region — give a family, family:revision or ARN of a registered task definition`],
        { cause: error },
      );
    }
    throw new AwsCallError(`DescribeTaskDefinition of ${taskDefinition}`, error);
  }
  if (!response.taskDefinition) throw new PreflightError([`TaskDefinition: ECS returned no task definition for ${JSON.stringify(taskDefinition)}`]);
  return taskDefinitionFacts(response.taskDefinition, taskDefinition);
}

function checkAgainstTaskDefinition(properties: RunnerProperties, definition: TaskDefinitionFacts): string[] {
  const problems: string[] = [];
  const name = resourceName(definition.arn);
  if (definition.networkMode === 'awsvpc' && !properties.network) {
    problems.push(
      `NetworkConfiguration: task definition ${name} uses network mode awsvpc, so RunTask needs subnets — add NetworkConfiguration.AwsvpcConfiguration (Subnets, SecurityGroups) or the Subnets/SecurityGroups shorthand`,
    );
  }
  if (definition.networkMode !== 'awsvpc' && properties.network) {
    problems.push(
      `NetworkConfiguration: task definition ${name} uses network mode ${definition.networkMode}; subnets and security groups apply only to awsvpc — remove the network configuration or register the task definition with NetworkMode awsvpc`,
    );
  }
  for (const container of properties.overrides?.containerOverrides ?? []) {
    if (container.name !== undefined && !definition.containerNames.includes(container.name)) {
      problems.push(
        `Overrides.ContainerOverrides: task definition ${name} has no container ${JSON.stringify(container.name)}; its containers are ${definition.containerNames.map((known) => JSON.stringify(known)).join(', ')}`,
      );
    }
  }
  return problems;
}
