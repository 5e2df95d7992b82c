import type { Failure, RunTaskCommandInput } from '@aws-sdk/client-ecs';
import type { EcsApi } from '../aws/ports';
import type { RunnerProperties } from '../properties/runner-properties';
import type { Log } from '../runtime/log';
import { stopTasks } from './stop-tasks';
import type { TaskDefinitionFacts } from './task-definition-facts';

/** What RunTask did: started every task, refused the call, or placed fewer tasks than asked (those were stopped). */
export type StartResult =
  | { started: true; taskArns: string[] }
  | { started: false; kind: 'refused'; error: unknown }
  | { started: false; kind: 'not-placed'; failures: Failure[]; startedCount: number };

export interface StartRequest {
  properties: RunnerProperties;
  definition: TaskDefinitionFacts;
  /** Same token for a duplicate delivery of the same request: ECS then starts nothing new. */
  clientToken: string;
  startedBy: string;
}

/**
 * Calls RunTask. When ECS starts fewer tasks than asked, the ones it did start are stopped again: the resource
 * fails as a whole.
 */
export async function startTasks(ecs: EcsApi, request: StartRequest, log: Log): Promise<StartResult> {
  const { properties } = request;
  let response;
  try {
    response = await ecs.runTask(runTaskInput(request));
  } catch (error) {
    return { started: false, kind: 'refused', error };
  }
  const taskArns = (response.tasks ?? []).flatMap((task) => (task.taskArn === undefined ? [] : [task.taskArn]));
  const failures = response.failures ?? [];
  log.info('RunTask answered', { taskArns, failures });
  if (failures.length > 0 || taskArns.length < properties.count) {
    await stopTasks(ecs, properties.cluster, taskArns, 'ecs-task-runner: RunTask could not start every task', log);
    return { started: false, kind: 'not-placed', failures, startedCount: taskArns.length };
  }
  return { started: true, taskArns };
}

function runTaskInput(request: StartRequest): RunTaskCommandInput {
  const { properties } = request;
  return {
    cluster: properties.cluster,
    // The ARN with its revision: every task of this request runs the same revision even if a new one is registered.
    taskDefinition: request.definition.arn,
    count: properties.count,
    clientToken: request.clientToken,
    startedBy: request.startedBy,
    ...(properties.network ? { networkConfiguration: { awsvpcConfiguration: properties.network } } : {}),
    ...(properties.launchType ? { launchType: properties.launchType } : {}),
    ...(properties.capacityProviderStrategy ? { capacityProviderStrategy: properties.capacityProviderStrategy } : {}),
    ...(properties.platformVersion ? { platformVersion: properties.platformVersion } : {}),
    ...(properties.overrides ? { overrides: properties.overrides } : {}),
    ...(properties.group ? { group: properties.group } : {}),
    ...(properties.tags ? { tags: properties.tags } : {}),
    ...(properties.propagateTags ? { propagateTags: properties.propagateTags } : {}),
    ...(properties.enableExecuteCommand !== undefined ? { enableExecuteCommand: properties.enableExecuteCommand } : {}),
    ...(properties.enableEcsManagedTags !== undefined ? { enableECSManagedTags: properties.enableEcsManagedTags } : {}),
    ...(properties.placementConstraints ? { placementConstraints: properties.placementConstraints } : {}),
    ...(properties.placementStrategy ? { placementStrategy: properties.placementStrategy } : {}),
    ...(properties.volumeConfigurations ? { volumeConfigurations: properties.volumeConfigurations } : {}),
  };
}
