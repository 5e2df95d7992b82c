import { isTransient } from '../aws/aws-errors';
import type { EcsApi } from '../aws/ports';
import type { Clock } from '../runtime/clock';
import { fullJitterBackoffMs } from '../runtime/delays';
import type { Log } from '../runtime/log';
import { retry } from '../runtime/retry';

/**
 * How a StopTask refused with throttling (ECS's token bucket is shared by every caller of the account: FACTS) or a
 * transient failure is asked again: with the one backoff of reads (full jitter, seeded by the task), until `until`
 * (epoch ms; a bound from the run's TimeBudget). Without it, each task is asked once.
 */
export interface StopRetry {
  clock: Pick<Clock, 'now' | 'sleep'>;
  until: number;
}

/**
 * Stops tasks, best effort: a task that cannot be stopped is logged, never a reason to skip the others. With
 * `retrying`, each task is asked again through throttling until ECS accepts its StopTask or the bound passes: a task
 * left running past a FAILED answer, or beside a teardown, is what a throttled StopTask would cost.
 */
export async function stopTasks(
  ecs: EcsApi,
  cluster: string,
  taskArns: readonly string[],
  reason: string,
  log: Log,
  retrying?: StopRetry,
): Promise<void> {
  await Promise.all(
    taskArns.map(async (task) => {
      const stop = () => ecs.stopTask({ cluster, task, reason: reason.slice(0, 255) });
      try {
        await (retrying
          ? retry(
              stop,
              {
                retryable: isTransient,
                delay: (failures) => fullJitterBackoffMs(failures, task),
                until: { time: retrying.until, lastWait: 'cut' },
                onRetry: ({ attempt, error }) =>
                  log.warn('StopTask failed; asking again with backoff', {
                    taskArn: task,
                    error: String(error),
                    failures: attempt,
                  }),
              },
              retrying.clock,
            )
          : stop());
        log.info('Stopped task', { taskArn: task, reason });
      } catch (error) {
        log.warn('Could not stop task', { taskArn: task, error: String(error) });
      }
    }),
  );
}
