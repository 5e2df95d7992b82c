import type { Failure, RunTaskCommandOutput } from '@aws-sdk/client-ecs';
import { conflictingTaskArns, errorName, isTransient } from '../aws/aws-errors';
import type { EcsApi } from '../aws/ports';
import type { RunnerProperties } from '../properties/runner-properties';
import { type RunTaskLaunch, runTaskInput } from '../properties/run-task-input';
import type { Clock } from '../runtime/clock';
import type { Log } from '../runtime/log';
import { throttledCallDelayMs } from '../runtime/delays';
import { retry } from '../runtime/retry';
import { stopTasks } from './stop-tasks';

/** What RunTask did: started every task, refused the call, or placed fewer tasks than asked (those were stopped). */
export type StartResult =
  /** `adopted`: RunTask's ConflictException named the tasks this clientToken already started. */
  | { kind: 'started'; taskArns: string[]; adopted?: true }
  | { kind: 'refused'; error: unknown }
  | { kind: 'not-placed'; failures: Failure[]; startedCount: number };

export interface StartRequest extends RunTaskLaunch {
  /** RunTask's input is made of these, each where PROPERTY_TABLE puts it (runTaskInput). */
  properties: RunnerProperties;
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
  const input = runTaskInput(request.properties, request);
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
