import type { RunTaskCommandInput, Task } from '@aws-sdk/client-ecs';
import type { AwsPorts } from '../aws/ports';
import { diagnosisContext, explainRunTaskFailures, warnAboutNetworkPath } from '../diagnostics/explain-failure';
import { describeAwsError } from '../diagnostics/failure-reason';
import { PreflightError } from '../errors';
import type { RunnerProperties } from '../properties/runner-properties';
import type { Log } from '../runtime/log';
import { checkNetwork } from './network-check';
import { describeNetwork } from './network-description';
import { stopTasks } from './stop-tasks';
import { type TaskDefinitionFacts, taskDefinitionFacts } from './task-definition-facts';

export type StartResult =
  | { started: true; taskArns: string[]; definition: TaskDefinitionFacts }
  | { started: false; reason: string };

export interface StartRequest {
  properties: RunnerProperties;
  /** Same token for a duplicate delivery of the same request: ECS then starts nothing new. */
  clientToken: string;
  startedBy: string;
}

/**
 * Checks what can be checked before starting anything (task definition, network mode, container names, subnets
 * and security groups), then calls RunTask. When ECS starts fewer tasks than asked, the ones it did start are
 * stopped again: the resource fails as a whole.
 */
export async function startTasks(aws: AwsPorts, request: StartRequest, log: Log): Promise<StartResult> {
  const { properties } = request;
  const definition = await describeTaskDefinition(aws, properties.taskDefinition);
  const problems = checkAgainstTaskDefinition(properties, definition);
  const network = properties.network ? { configuration: properties.network, description: await describeNetwork(await aws.ec2(), properties.network) } : undefined;
  if (network) problems.push(...checkNetwork(network.configuration, network.description));
  if (problems.length > 0) throw new PreflightError(problems);

  const diagnosis = diagnosisContext(aws, log, properties, definition);
  const input = runTaskInput(request, definition);
  let response;
  try {
    // The network path check only warns, so it runs beside RunTask rather than before it.
    [response] = await Promise.all([aws.ecs.runTask(input), network ? warnAboutNetworkPath(diagnosis, network.configuration, network.description) : undefined]);
  } catch (error) {
    return { started: false, reason: describeAwsError('RunTask', error) };
  }
  const taskArns = (response.tasks ?? []).map((task: Task) => task.taskArn).filter((arn): arn is string => arn !== undefined);
  const failures = response.failures ?? [];
  log.info('RunTask answered', { taskArns, failures });
  if (failures.length > 0 || taskArns.length < properties.count) {
    await stopTasks(aws.ecs, properties.cluster, taskArns, 'ecs-task-runner: RunTask could not start every task', log);
    return { started: false, reason: await explainRunTaskFailures(failures, taskArns.length, { ...diagnosis, wanted: properties.count }) };
  }
  return { started: true, taskArns, definition };
}

async function describeTaskDefinition(aws: AwsPorts, taskDefinition: string): Promise<TaskDefinitionFacts> {
  try {
    const response = await aws.ecs.describeTaskDefinition({ taskDefinition });
    if (!response.taskDefinition) throw new Error('ECS returned no task definition');
    return taskDefinitionFacts(response.taskDefinition, taskDefinition);
  } catch (error) {
    if (error instanceof Error && /unable to describe task definition|not found|does not exist/i.test(error.message)) {
      throw new PreflightError([`TaskDefinition: ${JSON.stringify(taskDefinition)} was not found in this account and region — give a family, family:revision or ARN of a registered task definition`]);
    }
    throw new PreflightError([describeAwsError(`DescribeTaskDefinition of ${taskDefinition}`, error)]);
  }
}

function checkAgainstTaskDefinition(properties: RunnerProperties, definition: TaskDefinitionFacts): string[] {
  const problems: string[] = [];
  const name = definition.arn.split('/').pop() ?? definition.arn;
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
        `Overrides.ContainerOverrides: task definition ${name} has no container ${JSON.stringify(container.name)}; its containers are ${definition.containerNames.map((n) => JSON.stringify(n)).join(', ')}`,
      );
    }
  }
  return problems;
}

function runTaskInput(request: StartRequest, definition: TaskDefinitionFacts): RunTaskCommandInput {
  const p = request.properties;
  return {
    cluster: p.cluster,
    // The ARN with its revision: every task of this request runs the same revision even if a new one is registered.
    taskDefinition: definition.arn,
    count: p.count,
    clientToken: request.clientToken,
    startedBy: request.startedBy,
    ...(p.network ? { networkConfiguration: { awsvpcConfiguration: p.network } } : {}),
    ...(p.launchType ? { launchType: p.launchType } : {}),
    ...(p.capacityProviderStrategy ? { capacityProviderStrategy: p.capacityProviderStrategy } : {}),
    ...(p.platformVersion ? { platformVersion: p.platformVersion } : {}),
    ...(p.overrides ? { overrides: p.overrides } : {}),
    ...(p.group ? { group: p.group } : {}),
    ...(p.tags ? { tags: p.tags } : {}),
    ...(p.propagateTags ? { propagateTags: p.propagateTags } : {}),
    ...(p.enableExecuteCommand !== undefined ? { enableExecuteCommand: p.enableExecuteCommand } : {}),
    ...(p.enableEcsManagedTags !== undefined ? { enableECSManagedTags: p.enableEcsManagedTags } : {}),
  };
}
