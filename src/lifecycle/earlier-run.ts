import { explainEarlierRunLookupFailure } from '../diagnostics/cluster-call-refusal';
import type { RunnerProperties } from '../properties/runner-properties';
import { taskId } from '../shared/arns';
import { type EarlierTask, findEarlierRun } from '../tasks/running-tasks';
import { stopTasks } from '../tasks/stop-tasks';
import type { ContinuationEvent } from './continuation';
import type { LifecycleDependencies, RunRequest } from './contract';
import { defaultStartedBy, requestTag } from './resource-identity';

/**
 * The resource's tasks of an earlier run that still run, after IfRunning: their ARNs to wait for (Wait; Stop, once
 * stopped), or the Reason a run is refused (Fail, or the earlier run could not be looked for).
 */
export async function earlierRun(
  request: RunRequest,
  properties: RunnerProperties,
  deps: LifecycleDependencies,
): Promise<string[] | string> {
  const startedBy = properties.startedBy ?? defaultStartedBy(request);
  let tasks: EarlierTask[];
  try {
    tasks = await findEarlierRun(deps.aws.ecs, properties.cluster, startedBy, requestTag(request));
  } catch (error) {
    return explainEarlierRunLookupFailure(error, properties.cluster);
  }
  if (tasks.length === 0) return [];
  const named = tasks.map((task) => `${taskId(task.taskArn)} (${task.lastStatus})`).join(', ');
  const one = tasks.length === 1;
  deps.log.warn('Tasks of an earlier run of this resource still run', {
    ifRunning: properties.ifRunning,
    taskArns: tasks.map((task) => task.taskArn),
  });
  switch (properties.ifRunning) {
    case 'Fail':
      return (
        `Not started: IfRunning is Fail, and ${tasks.length} task${one ? '' : 's'} of an earlier run of this resource` +
        ` still run${one ? 's' : ''}: ${named}.` +
        ` Let ${one ? 'it' : 'them'} finish or stop ${one ? 'it' : 'them'}, or set IfRunning to Wait or Stop.`
      );
    case 'Stop':
      await stopTasks(
        deps.aws.ecs,
        properties.cluster,
        tasks.map((task) => task.taskArn),
        'ecs-task-runner: a new run of this resource starts (IfRunning Stop)',
        deps.log,
      );
      return tasks.map((task) => task.taskArn);
    case 'Wait':
      return tasks.map((task) => task.taskArn);
  }
}

/**
 * The Reason when the deadline passed while tasks that had to end first (an earlier run, or those a Delete stopped)
 * still ran.
 */
export function earlierRunTimeout(
  state: ContinuationEvent,
  properties: RunnerProperties,
  running: readonly EarlierTask[],
): string {
  const named = running.map((task) => `${taskId(task.taskArn)} (${task.lastStatus})`).join(', ');
  const what =
    state.phase?.kind === 'teardown'
      ? "the resource's stopped tasks to end before the teardown"
      : `an earlier run of this resource to end (IfRunning ${properties.ifRunning})`;
  const one = running.length === 1;
  return (
    `Timed out after ${state.watch.timeoutSeconds} s waiting for ${what}: ${named} still run${one ? 's' : ''};` +
    ` nothing was started. Stop ${one ? 'it' : 'them'}, or raise Timeout (and ServiceTimeout).`
  );
}
