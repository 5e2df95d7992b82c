import { explainEarlierRunLookupFailure } from '../../diagnostics/cluster-call-refusal';
import type { RunnerProperties } from '../../properties/runner-properties';
import { type EarlierTask, byStopRequest, findEarlierRun } from '../../tasks/running-tasks';
import { taskOwner } from '../../tasks/task-ownership';
import { askWithBackoff } from '../../tasks/call-backoff';
import { stopTasks } from '../../tasks/stop-tasks';
import { MIN_INVOCATION_MS, type TimeBudget } from '../../runtime/time-budget';
import type { RunnerDeps } from '../contract';
import { type RequestIdentity, requestTag } from '../../shared/resource-identity';
import { earlierRunStillRuns } from '../../answers/wording';

/** What IfRunning makes of an earlier run: the tasks to wait for (none: start at once), or a refusal. */
export type EarlierRun = { kind: 'wait-for'; taskArns: string[] } | { kind: 'refused'; reason: string };

/**
 * The resource's tasks (those with its tag: task-ownership.ts) of an earlier run that still run, after IfRunning: their ARNs to wait for (Wait; Stop, once
 * stopped), or the Reason a run is refused (Fail, or the earlier run could not be looked for). A throttled or
 * transient failure of the lookup is asked again with backoff until the deadline, or until this invocation has only
 * the time left that a run needs.
 */
export async function earlierRun(
  request: RequestIdentity,
  properties: { cluster: string; startedBy: string; ifRunning: RunnerProperties['ifRunning'] },
  budget: TimeBudget,
  deps: Pick<RunnerDeps, 'aws' | 'clock' | 'log'>,
): Promise<EarlierRun> {
  const { startedBy } = properties;
  const until = budget.callUntil(MIN_INVOCATION_MS);
  let tasks: EarlierTask[];
  try {
    tasks = await askWithBackoff(
      () =>
        findEarlierRun(
          { ecs: deps.aws.ecs, log: deps.log },
          { cluster: properties.cluster, startedBy, owner: taskOwner(request) },
          requestTag(request),
        ),
      { what: "Looking for an earlier run's tasks", until, seed: startedBy },
      deps,
    );
  } catch (error) {
    return { kind: 'refused', reason: explainEarlierRunLookupFailure(error, properties.cluster) };
  }
  if (tasks.length === 0) return { kind: 'wait-for', taskArns: [] };
  const taskArns = tasks.map((task) => task.taskArn);
  deps.log.warn('Tasks of an earlier run of this resource still run', { ifRunning: properties.ifRunning, taskArns });
  switch (properties.ifRunning) {
    case 'Fail':
      return { kind: 'refused', reason: earlierRunStillRuns(tasks) };
    case 'Stop':
      // A task already asked to stop is waited for, not stopped again.
      await stopTasks(
        deps.aws.ecs,
        properties.cluster,
        byStopRequest(tasks).toStop,
        'ecs-task-runner: a new run of this resource starts (IfRunning Stop)',
        deps.log,
        { clock: deps.clock, until },
      );
      return { kind: 'wait-for', taskArns };
    case 'Wait':
      return { kind: 'wait-for', taskArns };
  }
}
