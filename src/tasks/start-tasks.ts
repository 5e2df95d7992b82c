import type { Failure, RunTaskCommandInput, RunTaskCommandOutput } from '@aws-sdk/client-ecs';
import { conflictingTaskArns, errorName, isTransient } from '../aws/aws-errors';
import type { EcsApi } from '../aws/ports';
import type { RunnerProperties } from '../properties/runner-properties';
import type { Clock } from '../runtime/clock';
import type { Log } from '../runtime/log';
import { throttledCallDelayMs } from '../runtime/delays';
import { retry } from '../runtime/retry';
import { stopTasks } from './stop-tasks';
import { REQUEST_TAG_KEY } from '../shared/request-tag';

/** What RunTask did: started every task, refused the call, or placed fewer tasks than asked (those were stopped). */
export type StartResult =
  /** `adopted`: RunTask's ConflictException named the tasks this clientToken already started. */
  | { kind: 'started'; taskArns: string[]; adopted?: true }
  | { kind: 'refused'; error: unknown }
  | { kind: 'not-placed'; failures: Failure[]; startedCount: number };

/** The properties RunTask's input is made of. */
export type RunTaskSettings = Pick<
  RunnerProperties,
  | 'cluster'
  | 'network'
  | 'launchType'
  | 'capacityProviderStrategy'
  | 'platformVersion'
  | 'overrides'
  | 'group'
  | 'tags'
  | 'propagateTags'
  | 'enableExecuteCommand'
  | 'enableEcsManagedTags'
  | 'placementConstraints'
  | 'placementStrategy'
  | 'volumeConfigurations'
>;

export interface StartRequest {
  properties: RunTaskSettings;
  /** The task definition's ARN with its revision, as the pre-flight check resolved it. */
  taskDefinitionArn: string;
  /** Tasks to start: `Count`, or on a start retry as many as failed to start. */
  count: number;
  /** Same token for a duplicate delivery of the same request (and attempt): ECS then starts nothing new. */
  clientToken: string;
  startedBy: string;
  /** The request the tasks belong to, tagged on each (REQUEST_TAG_KEY). */
  requestTag: string;
  /** Epoch milliseconds after which a refused RunTask is no longer retried. */
  retryUntil: number;
}

export interface StartDependencies {
  ecs: EcsApi;
  clock: Clock;
  log: Log;
}

/**
 * Calls RunTask. Throttling (also EC2's, passed through as InvalidParameterException "Rate exceeded"), 5xx and
 * unreadable answers are retried with backoff and the same clientToken, so a retry never starts a second set of
 * tasks. A ConflictException for the clientToken names the tasks that token already started: they are adopted and
 * watched. When ECS starts fewer tasks than asked, the ones it did start are stopped again: the resource fails as a
 * whole.
 */
export async function startTasks(request: StartRequest, deps: StartDependencies): Promise<StartResult> {
  const { properties } = request;
  const { ecs, log } = deps;
  let response: RunTaskCommandOutput;
  try {
    response = await runTaskWithRetries(request, deps);
  } catch (error) {
    const adopted = conflictingTaskArns(error);
    if (adopted && adopted.length > 0) {
      log.warn('RunTask: this clientToken already started tasks; watching those', { taskArns: adopted });
      return { kind: 'started', taskArns: adopted, adopted: true };
    }
    return { kind: 'refused', error };
  }
  const taskArns = (response.tasks ?? []).flatMap((task) => (task.taskArn === undefined ? [] : [task.taskArn]));
  const failures = response.failures ?? [];
  log.info('RunTask answered', { taskArns, failures });
  if (failures.length > 0 || taskArns.length < request.count) {
    await stopTasks(ecs, properties.cluster, taskArns, 'ecs-task-runner: RunTask could not start every task', log);
    return { kind: 'not-placed', failures, startedCount: taskArns.length };
  }
  return { kind: 'started', taskArns };
}

async function runTaskWithRetries(request: StartRequest, deps: StartDependencies): Promise<RunTaskCommandOutput> {
  const input = runTaskInput(request);
  return retry(
    () => deps.ecs.runTask(input),
    {
      retryable: isTransient,
      delay: (failures) => throttledCallDelayMs(failures - 1),
      until: { time: request.retryUntil, lastWait: 'must-fit' },
      onRetry: ({ attempt, error, delayMs }) =>
        deps.log.warn('RunTask failed; retrying with the same clientToken', {
          attempt,
          error: errorName(error),
          delayMs,
        }),
    },
    deps.clock,
  );
}

function runTaskInput(request: StartRequest): RunTaskCommandInput {
  const { properties } = request;
  return {
    cluster: properties.cluster,
    // The ARN with its revision: every task of this request runs the same revision even if a new one is registered.
    taskDefinition: request.taskDefinitionArn,
    count: request.count,
    clientToken: request.clientToken,
    startedBy: request.startedBy,
    ...(properties.network ? { networkConfiguration: { awsvpcConfiguration: properties.network } } : {}),
    ...(properties.launchType ? { launchType: properties.launchType } : {}),
    ...(properties.capacityProviderStrategy ? { capacityProviderStrategy: properties.capacityProviderStrategy } : {}),
    ...(properties.platformVersion ? { platformVersion: properties.platformVersion } : {}),
    ...(properties.overrides ? { overrides: properties.overrides } : {}),
    ...(properties.group ? { group: properties.group } : {}),
    tags: [...(properties.tags ?? []), { key: REQUEST_TAG_KEY, value: request.requestTag }],
    ...(properties.propagateTags ? { propagateTags: properties.propagateTags } : {}),
    ...(properties.enableExecuteCommand !== undefined ? { enableExecuteCommand: properties.enableExecuteCommand } : {}),
    ...(properties.enableEcsManagedTags !== undefined ? { enableECSManagedTags: properties.enableEcsManagedTags } : {}),
    ...(properties.placementConstraints ? { placementConstraints: properties.placementConstraints } : {}),
    ...(properties.placementStrategy ? { placementStrategy: properties.placementStrategy } : {}),
    ...(properties.volumeConfigurations ? { volumeConfigurations: properties.volumeConfigurations } : {}),
  };
}
