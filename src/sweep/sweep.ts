import type { Clock } from '../runtime/clock';
import type { Log } from '../runtime/log';
import { noMetrics, type RunnerMetrics } from '../runtime/metrics';
import type { AnswerDeps } from '../requests/answer-cloudformation';
import { parkingOf } from '../run/parking/parking';
import { sweepClusters } from './sweep-clusters';
import { sweepParkedRuns } from './sweep-parked-runs';
import { type SweepEcs, sweepExpiredTasks } from './sweep-expired-tasks';

/** What the scheduled sweep is given: ECS, time, the log, where to look, and where its figures go. */
export interface SweepDeps {
  ecs: SweepEcs;
  clock: Clock;
  log: Log;
  /** SWEEP_CLUSTERS as set: the clusters the runner may use, comma-separated. */
  clusters: string | undefined;
  metrics?: RunnerMetrics;
  /** Events on (EVENT_DRIVEN_COMPLETION, with the state table): what waking and answering a parked run needs. */
  parkedRuns?: AnswerDeps;
}

/**
 * One scheduled sweep (infra/task-runner.yml's SweepSchedule, every 5 minutes): the safety net for what no invocation
 * watches any more. One pass per concern, each independent of the others and never throwing, so a pass that fails
 * (logged) leaves the next to run: the tasks past their deadline (sweep-expired-tasks.ts), and with events on the
 * parked runs not heard from for a while and the claimed answers not sent (sweep-parked-runs.ts).
 */
export async function sweep(deps: SweepDeps): Promise<void> {
  const { log } = deps;
  const metrics = deps.metrics ?? noMetrics;
  const { clusters, ignored } = sweepClusters(deps.clusters);
  if (ignored.length > 0)
    log.warn('SWEEP_CLUSTERS has entries that are not cluster names or ARNs; they are ignored', { ignored });
  await sweepParked(deps);
  if (clusters.length === 0) {
    log.warn('SWEEP_CLUSTERS names no cluster: the sweep has nowhere to look, and tasks past their deadline run on');
    return;
  }
  try {
    const expired = await sweepExpiredTasks(clusters, deps);
    log.info('Sweep: tasks past their deadline', { clusters, ...expired });
    metrics.add('SweptTasks', expired.stopped, { Sweep: 'PastDeadline' });
  } catch (error) {
    // The pass catches what ECS refuses; this is for a fault of the runner's own, which must not end the sweep.
    log.error('Sweep: the pass for tasks past their deadline failed', { error: String(error) });
  }
}

/** The pass over parked runs, when events are on and the function has its state table. */
async function sweepParked({ parkedRuns, log }: SweepDeps): Promise<void> {
  if (!parkedRuns) return;
  try {
    const parking = await parkingOf(parkedRuns);
    if (!parking) return;
    log.info('Sweep: parked runs', { ...(await sweepParkedRuns(parking.table, parkedRuns)) });
  } catch (error) {
    log.error('Sweep: the pass for parked runs failed', { error: String(error) });
  }
}
