import { isThrottled, isTransient } from '../aws/aws-errors';
import { timeBudget } from '../runtime/time-budget';
import { pollWaitMs } from '../runtime/delays';
import { failedAgain, type FailureStreak } from '../runtime/retry';
import type { TaskPollDeps, UnreadStatus } from './call-backoff';
import { nextPollDelayMs, throttledRecently } from './poll-schedule';
import type { AwsLogsLocation } from './task-definition-facts';
import { type DecidedTask, judgeTask, type PendingTask, type TaskOutcome } from './task-outcome';

/** What is being watched; carried from one invocation to the next on a hand-off. */
export interface Watch {
  cluster: string;
  taskArns: string[];
  essentialContainers: string[];
  /** Where the essential containers log (awslogs), to quote a failed one's last lines. */
  logs: Record<string, AwsLogsLocation>;
  /** The task reads secrets when it starts: the network diagnosis then also looks for their endpoints. */
  usesSecrets: boolean;
  /** Epoch milliseconds: tasks still running then are stopped and the resource fails. */
  deadline: number;
  /** Epoch milliseconds of RunTask: ECS may not know a task for a moment after it (eventual consistency). */
  startedAt: number;
  /** The Timeout in force, for the message when it passes. */
  timeoutSeconds: number;
  /** PollInterval: the longest wait of the poll schedule (see poll-schedule.ts; a throttled watch may wait longer). */
  pollIntervalSeconds: number;
}

export type WatchResult =
  | { kind: 'decided'; tasks: DecidedTask[] }
  /** `unread`: the polls had been failing (throttled, or a transient error) since `since` when the deadline passed. */
  | { kind: 'deadline'; pending: PendingTask[]; unread?: UnreadStatus }
  /** This invocation is about to run out of time: a fresh one must carry on. */
  | { kind: 'hand-off' };

/**
 * How long a task ECS calls MISSING after RunTask is still waited for. ECS's API is eventually consistent: AWS
 * recommends retrying DescribeTasks with backoff "up to about five minutes" for a task just started (Amazon ECS API
 * reference, "Request eventual consistency"). The deadline still applies within it.
 */
export const MISSING_GRACE_MS = 300_000;

/** A task still waiting to be placed or provisioned after this long gets its likely cause logged (once). */
export const SLOW_START_WARNING_MS = 180_000;

export interface WatchDeps extends TaskPollDeps {
  /** Called once when a task is still PROVISIONING or PENDING after SLOW_START_WARNING_MS. */
  onSlowStart?: () => Promise<void>;
  /**
   * Epoch ms after which the watch returns `hand-off` although the invocation has time left: the caller lets the
   * tasks go (a run parks: run/parking/parking.ts). A deadline within reach is still watched for.
   */
  letGoAt?: number;
  /** Whether each scheduled DescribeTasks is made (run/steps/quiet-watch.ts); without one, every one is. */
  gate?: DescribeGate;
}

/**
 * Decides whether a scheduled DescribeTasks is made: the caller knows whether anything happened to the tasks (an ECS
 * event recorded: run/steps/quiet-watch.ts). A skipped poll waits on as scheduled; the read at the deadline is always
 * made.
 */
export interface DescribeGate {
  /** Before each scheduled DescribeTasks: false skips it. */
  shouldDescribe(): Promise<boolean>;
  /** DescribeTasks answered, after `shouldDescribe` said yes: what that look saw is now read from ECS. */
  described(): void;
}

/**
 * Polls DescribeTasks (one call for up to 100 tasks) until every task's outcome is known, the deadline passes, or
 * this invocation must hand off. `pollFirst` skips the first wait (a fresh invocation that took over). A throttled or
 * transient failure of DescribeTasks never ends the watch: it is asked again with backoff until the deadline (a poll
 * that failed says nothing about the task, which must not be stopped for it); any other failure is thrown.
 */
export async function watchTasks(watch: Watch, deps: WatchDeps, pollFirst = false): Promise<WatchResult> {
  const { clock, log } = deps;
  // The watch returns `hand-off` when the run's time budget says this invocation must hand off.
  const budget = timeBudget(watch.deadline, deps);
  let failing: FailureStreak | undefined;
  let lastKnown: TaskOutcome[] = [];
  let slowStartReported = false;
  let lastThrottledAt: number | undefined;
  const nextWait = (): number =>
    nextPollDelayMs(
      {
        ageMs: clock.now() - watch.startedAt,
        capSeconds: watch.pollIntervalSeconds,
        throttledRecently: throttledRecently(lastThrottledAt, clock.now()),
      },
      watch.deadline - clock.now(),
    );
  // After a poll: the schedule's wait, longer while DescribeTasks keeps failing, never past the deadline.
  const waitAfterPoll = (): number =>
    pollWaitMs(nextWait(), failing?.count ?? 0, watch.taskArns[0] ?? watch.cluster, watch.deadline - clock.now());
  let wait = pollFirst ? 0 : nextWait();
  // A fresh invocation polls at least once before it may hand off again: every invocation makes progress, and the
  // deadline is always checked.
  let mayHandOff = !pollFirst;
  for (;;) {
    // A deadline within reach is waited for here: this invocation can stop the tasks, diagnose and answer itself.
    // One out of reach is never met here (too little would be left for that): the watch hands off before it. The
    // caller may let the tasks go sooner (`letGoAt`: a run that parks).
    if (
      mayHandOff &&
      !budget.deadlineWithinReach() &&
      (budget.mustHandOff(wait) ||
        budget.deadlineWithin(wait) ||
        (deps.letGoAt !== undefined && clock.now() + wait > deps.letGoAt))
    )
      return { kind: 'hand-off' };
    mayHandOff = true;
    await clock.sleep(wait);
    if (deps.gate && clock.now() < watch.deadline && !(await deps.gate.shouldDescribe())) {
      wait = waitAfterPoll();
      continue;
    }
    let outcomes: TaskOutcome[];
    try {
      outcomes = await describe(watch, deps);
      deps.gate?.described();
      lastKnown = outcomes;
      failing = undefined;
    } catch (error) {
      if (!isTransient(error)) throw error;
      if (isThrottled(error)) lastThrottledAt = clock.now();
      failing = failedAgain(failing, error, clock.now());
      log.warn('DescribeTasks failed; asking again with backoff', { error: String(error), failures: failing.count });
      outcomes = [];
    }
    const decided = outcomes.filter((outcome): outcome is Extract<TaskOutcome, { kind: 'decided' }> =>
      isDecided(outcome),
    );
    if (outcomes.length === watch.taskArns.length && decided.length === outcomes.length) {
      return { kind: 'decided', tasks: decided };
    }
    const waiting = outcomes.some(
      (outcome) => !isDecided(outcome) && (outcome.lastStatus === 'PROVISIONING' || outcome.lastStatus === 'PENDING'),
    );
    if (waiting && !slowStartReported && clock.now() - watch.startedAt > SLOW_START_WARNING_MS) {
      slowStartReported = true;
      await deps.onSlowStart?.();
    }
    const msUntilDeadline = watch.deadline - clock.now();
    if (msUntilDeadline <= 0) {
      const pending = (failing ? lastKnown : outcomes).filter((outcome) => !isDecided(outcome));
      return {
        kind: 'deadline',
        pending: pending.length > 0 ? pending : watch.taskArns.map((taskArn) => ({ taskArn, lastStatus: 'UNKNOWN' })),
        ...(failing ? { unread: { since: failing.since, error: failing.error } } : {}),
      };
    }
    wait = waitAfterPoll();
  }
}

function isDecided(outcome: TaskOutcome): boolean {
  return outcome.kind === 'decided';
}

/**
 * One DescribeTasks per 100 tasks of the watch, each task judged: what a woken run reads once
 * (run/steps/parked-attempt.ts). A task ECS does not report is pending within MISSING_GRACE_MS of RunTask, then decided
 * `unknown-to-ecs`.
 */
export async function describe(watch: Watch, deps: TaskPollDeps): Promise<TaskOutcome[]> {
  const outcomes: TaskOutcome[] = [];
  for (let i = 0; i < watch.taskArns.length; i += 100) {
    const tasks = watch.taskArns.slice(i, i + 100);
    const response = await deps.ecs.describeTasks({ cluster: watch.cluster, tasks });
    const byArn = new Map((response.tasks ?? []).map((task) => [task.taskArn, task] as const));
    for (const taskArn of tasks) {
      const task = byArn.get(taskArn);
      if (task) {
        outcomes.push(judgeTask(task, watch.essentialContainers));
        continue;
      }
      const failure = response.failures?.find((entry) => entry.arn === taskArn);
      if (deps.clock.now() - watch.startedAt < MISSING_GRACE_MS) {
        outcomes.push({ kind: 'pending', taskArn, lastStatus: failure?.reason ?? 'MISSING' });
      } else {
        const said = `${failure?.reason ?? 'MISSING'}${failure?.detail ? `: ${failure.detail}` : ''}`;
        outcomes.push({
          kind: 'decided',
          taskArn,
          lastStatus: failure?.reason ?? 'MISSING',
          verdict: 'unknown-to-ecs',
          failures: [],
          ecsSaid: said,
        });
      }
    }
  }
  deps.log.debug('Polled tasks', {
    tasks: outcomes.map((outcome) => ({
      taskArn: outcome.taskArn,
      lastStatus: outcome.lastStatus,
      decided: isDecided(outcome),
    })),
  });
  return outcomes;
}
