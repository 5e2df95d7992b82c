import type { Task } from '@aws-sdk/client-ecs';
import { errorName, errorSummary } from '../aws/aws-errors';
import type { StateTableApi } from '../aws/ports';
import { type AnswerDeps, answerWokenRun } from '../requests/answer-cloudformation';
import { resendClaimedAnswer } from '../requests/resend-answer';
import { recordWake } from '../requests/wake-metrics';
import { noMetrics } from '../runtime/metrics';
import { type RunItem, runItemOf } from '../run/parking/run-item';
import type { Run } from '../run/run-state';
import { sweepPace } from './sweep-pace';
import type { FreshRead } from '../run/parking/fresh-read';
import { claimOrphanedRun, claimParkedRun, holderGone, type Wake } from '../run/parking/wake-parked-run';

/**
 * How long a parked run is left to its events before the sweep looks at it: ECS sends the stop's events within
 * seconds, and EventBridge retries a failed delivery for a while; a run not heard from for this long may have lost
 * its event. Below the scheduled sweep's 5 minutes, so each sweep looks at every run parked before the last one.
 */
export const SWEEP_QUIET_MS = 4 * 60_000;

/** DescribeTasks takes at most 100 tasks. */
const DESCRIBE_BATCH = 100;

/** What one pass did. */
export interface ParkedRunsSweep {
  /** Parked runs quiet for SWEEP_QUIET_MS, their tasks read. */
  looked: number;
  /** Of those, woken: a task stopped (its event lost), ECS no longer knows it, or the deadline passed. */
  woken: number;
  /** Runs still `watching` whose holder is gone (HOLDER_GONE_AFTER_MS since its claim), taken over. */
  orphans: number;
  /** Claimed answers whose PUT had not completed, sent again. */
  resent: number;
  /** DescribeTasks calls or answers that failed: each logged. */
  failures: number;
}

/**
 * The safety net of event-driven completion: looks through the run items (a Scan of `run#` keys) for claimed answers
 * whose PUT did not complete (sent again until the ResponseURL expires) and for parked runs not heard from for
 * SWEEP_QUIET_MS. Their tasks are read with one DescribeTasks per 100 tasks of a cluster; a run whose task stopped
 * (a lost event), that ECS no longer knows, or whose deadline passed is woken as an event would wake it — its next
 * generation claimed by a conditional write, so a late event and the sweep cannot both carry it — and its own step
 * decides from DescribeTasks (parked-attempt.ts): the answer, or the stop and FAILED past the deadline. A run still
 * `watching` whose holder is gone (HOLDER_GONE_AFTER_MS after its generation's claim: its invocation timed out or
 * crashed before parking or answering) is taken over the same way (claimOrphanedRun). Never throws.
 */
export async function sweepParkedRuns(table: StateTableApi, deps: AnswerDeps): Promise<ParkedRunsSweep> {
  const { clock, log } = deps;
  const result: ParkedRunsSweep = { looked: 0, woken: 0, orphans: 0, resent: 0, failures: 0 };
  const now = clock.now();
  const items: RunItem[] = [];
  for (const stored of await table.scan('run#')) {
    try {
      items.push(runItemOf(stored));
    } catch (error) {
      log.warn('Sweep: a run item the runner cannot read', { pk: stored.pk, error: errorSummary(error) });
    }
  }
  for (const item of items) {
    if (!item.run || !item.answer || item.answered === true) continue;
    const sent = await resendClaimedAnswer(table, item.run, item.answer, deps);
    if (sent === 'sent') result.resent++;
    if (sent === 'failed') result.failures++;
  }
  for (const item of items) {
    const { run } = item;
    if (run?.state.kind === 'watching' && !item.answer && holderGone(item, now))
      await takeOver(run, 'orphan', () => claimOrphanedRun(table, run, clock.now()), deps, result);
  }
  const quiet = items.flatMap((item) =>
    item.run?.state.kind === 'parked' && !item.answer && now - item.run.state.parkedAt >= SWEEP_QUIET_MS
      ? [item.run]
      : [],
  );
  result.looked = quiet.length;
  const described = await describeAll(quiet, deps, result);
  for (const run of quiet) {
    if (worthWaking(run, described, now))
      await takeOver(
        run,
        'parked',
        () => claimParkedRun(table, run, clock.now()),
        deps,
        result,
        readOf(run, described),
      );
  }
  return result;
}

/**
 * Claims `run` with `claim` (its next generation, as a wake claims it) and carries it on to its answer or its next
 * park; a claim that loses (an event woke it, another sweep took it) leaves it. Never throws: a failure is counted.
 */
async function takeOver(
  run: Run,
  why: 'parked' | 'orphan',
  claim: () => Promise<Wake>,
  deps: AnswerDeps,
  result: ParkedRunsSweep,
  read?: FreshRead,
): Promise<void> {
  const { log } = deps;
  try {
    const wake = await claim();
    // Its tasks read, the run was worth waking (or its holder was gone), but an event or another sweep took it first.
    if (wake.kind !== 'woken') {
      recordWake(deps.metrics ?? noMetrics, 'sweep', 'held-elsewhere');
      return;
    }
    log.info(
      why === 'parked'
        ? 'Sweep: woke a parked run (its event lost, or its deadline passed)'
        : 'Sweep: took over a run whose invocation ended without parking or answering it (a timeout, a crash)',
      {
        stackId: run.request.StackId,
        logicalResourceId: run.request.LogicalResourceId,
        generation: wake.run.generation,
      },
    );
    if (why === 'parked') result.woken++;
    else result.orphans++;
    recordWake(deps.metrics ?? noMetrics, 'sweep', await answerWokenRun(wake.run, wake.itemVersion, deps, read));
  } catch (error) {
    result.failures++;
    log.error('Sweep: could not take a run over', { error: errorName(error), message: errorSummary(error) });
  }
}

/** Whether the sweep wakes `run`: its deadline passed, or a task of it stopped, is stopping, or is unknown to ECS. */
function worthWaking(run: Run, described: ReadonlyMap<string, Task | 'unknown'>, now: number): boolean {
  if (now >= run.plan.deadline) return true;
  const { state } = run;
  if (state.kind !== 'parked') return false;
  return state.taskArns.some((taskArn) => {
    const task = described.get(taskArn);
    // Not read (DescribeTasks failed): the next sweep looks again.
    if (task === undefined) return false;
    return task === 'unknown' || task.desiredStatus === 'STOPPED' || task.lastStatus === 'STOPPED';
  });
}

/**
 * What the sweep's look read of a parked run's tasks, as the DescribeTasks the woken run's first step asks (its tasks
 * in its cluster): that step is then answered from it rather than asking ECS again (run/parking/fresh-read.ts). None
 * when a task was not read (a page ECS refused).
 */
function readOf(run: Run, described: ReadonlyMap<string, Task | 'unknown'>): FreshRead | undefined {
  if (run.state.kind !== 'parked') return undefined;
  const taskArns = run.state.taskArns;
  const found = taskArns.map((arn) => described.get(arn));
  if (found.some((task) => task === undefined)) return undefined;
  return {
    input: { cluster: run.plan.cluster, tasks: taskArns },
    output: {
      $metadata: {},
      tasks: found.filter((task): task is Task => typeof task === 'object'),
      failures: taskArns.filter((_, i) => found[i] === 'unknown').map((arn) => ({ arn, reason: 'MISSING' })),
    },
  };
}

/** Every parked task, by ARN: one DescribeTasks per 100 tasks of a cluster; `unknown` when ECS reports it missing. */
async function describeAll(
  runs: readonly Run[],
  deps: AnswerDeps,
  result: ParkedRunsSweep,
): Promise<Map<string, Task | 'unknown'>> {
  const byCluster = new Map<string, string[]>();
  for (const run of runs)
    if (run.state.kind === 'parked')
      byCluster.set(run.plan.cluster, [...(byCluster.get(run.plan.cluster) ?? []), ...run.state.taskArns]);
  const described = new Map<string, Task | 'unknown'>();
  const pace = sweepPace(deps.clock);
  for (const [cluster, taskArns] of byCluster)
    for (let i = 0; i < taskArns.length; i += DESCRIBE_BATCH) {
      const tasks = taskArns.slice(i, i + DESCRIBE_BATCH);
      try {
        await pace();
        const response = await deps.aws.ecs.describeTasks({ cluster, tasks });
        for (const task of response.tasks ?? []) if (task.taskArn) described.set(task.taskArn, task);
        for (const failure of response.failures ?? [])
          if (failure.arn && failure.reason === 'MISSING') described.set(failure.arn, 'unknown');
      } catch (error) {
        result.failures++;
        deps.log.warn('Sweep: DescribeTasks of parked runs failed; the next sweep looks again', {
          cluster,
          error: errorName(error),
          message: errorSummary(error),
        });
      }
    }
  return described;
}
