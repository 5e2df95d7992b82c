import type { EcsApi } from '../aws/ports';
import type { Log } from '../runtime/log';

/** Stops tasks, best effort: a task that cannot be stopped is logged, never a reason to skip the others. */
export async function stopTasks(
  ecs: EcsApi,
  cluster: string,
  taskArns: readonly string[],
  reason: string,
  log: Log,
): Promise<void> {
  await Promise.all(
    taskArns.map(async (task) => {
      try {
        await ecs.stopTask({ cluster, task, reason: reason.slice(0, 255) });
        log.info('Stopped task', { taskArn: task, reason });
      } catch (error) {
        log.warn('Could not stop task', { taskArn: task, error: String(error) });
      }
    }),
  );
}
