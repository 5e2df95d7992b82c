import type { Clock } from './clock';
import type { Invocation } from './invocation';

/**
 * The run's time, owned in one place: the deadline (Timeout, or CloudFormation's own wait when sooner), the end of
 * this Lambda invocation, and the margins kept out of both, each named once here with why. A step asks its budget
 * "until when may this call go on" (`callUntil`) and "must this invocation hand off now" (`mustHandOff`); `tasks/`
 * is given the budget and reports that time ran short, `run/` decides what follows.
 *
 * Not margins, and so kept where they are used: the poll intervals (tasks/poll-schedule.ts), how long Outputs are
 * waited for (OUTPUT_* in tasks/task-outputs.ts), MISSING_GRACE_MS and SLOW_START_WARNING_MS (tasks/watch-tasks.ts:
 * facts about ECS, not shares of an invocation), DELETE_RELIST_AFTER_MS (requests/delete-resource.ts: how long
 * ListTasks may miss a task just started), the deadline's own margin before CloudFormation stops waiting with
 * LATE_AFTER_MS (run/deadline.ts: they decide the deadline itself, from CloudFormation's wait), and the times of
 * event-driven completion and the sweep (PARK_AFTER_MS, QUIET_FALLBACK_MS, CONFIRM_WAIT_MS in run/parking/ and
 * run/steps/; SWEEP_MARGIN_MS, SWEEP_QUIET_MS, SWEEP_CALL_GAP_MS in sweep/: when a run parks or is swept, not what
 * an invocation keeps).
 */

/**
 * A Create or Update refuses to start tasks in an invocation with less time than this: with a shorter function
 * timeout every invocation would hand off almost at once, and the watch would become a storm of invocations. Calls
 * made before tasks start (DescribeStacks, an earlier run's lookup) stop retrying with this much left, so that what
 * follows them still fits.
 */
export const MIN_INVOCATION_MS = 55_000;

/**
 * Kept of an invocation's time for handing off: the Invoke call, and stopping the tasks and answering FAILED if the
 * hand-off fails. Also what a watch's invocation does not count as watching time (run/checks/invocation-chain.ts).
 */
export const HAND_OFF_MARGIN_MS = 30_000;

/**
 * Kept, while a failed hand-off is sent again, to stop the tasks and answer FAILED if it never goes through: one round
 * of StopTask calls (in parallel) and the answer's PUT with a retry or two (as ANSWER_TIME_MS). What is left of
 * HAND_OFF_MARGIN_MS beyond it, about ten seconds, is the time for resends.
 */
export const HAND_OFF_GIVE_UP_MS = 20_000;

/**
 * Kept of an invocation for answering after work it may cut short (reading the Outputs, a log tail): the PUT, with
 * a retry or two (response/send-response.ts).
 */
export const ANSWER_TIME_MS = 20_000;

/**
 * How long StopTask is asked again through throttling once the tasks must stop (the deadline, a Delete): a stop that
 * ECS refused leaves the task running past the FAILED answer, or beside a teardown.
 */
export const STOP_TIME_MS = 10_000;

/**
 * How long the diagnostics of one failure may take (the EC2 and ECS calls that say why a task did not start: ENI
 * capacity, the subnets' routes and endpoints): past it, the Reason says the diagnosis was cut short. Each call has
 * the SDK's 20 s request timeout, retried (aws/client-config.ts), so without this bound a slow EC2 could hold the
 * answer for a minute.
 */
export const DIAGNOSIS_TIME_MS = 15_000;

/**
 * Kept, at the deadline, for what follows it: stop the tasks (STOP_TIME_MS), diagnose (DIAGNOSIS_TIME_MS) and
 * answer (ANSWER_TIME_MS). A deadline within reach (this much before the invocation ends) needs no hand-off; one
 * that is not is never met in this invocation (tasks/watch-tasks.ts hands off first).
 */
export const DEADLINE_WORK_MS = STOP_TIME_MS + DIAGNOSIS_TIME_MS + ANSWER_TIME_MS;

/**
 * The longest a throttled or transient GetLogEvents of a log tail is asked again: the FAILED answer waits for the
 * tail, and a tail is worth a short wait, not a long one. GetLogEvents' rate quota cannot be raised and is shared
 * with every reader of the account's logs (`readStream` in src/tasks/task-outputs.ts cites the sources).
 */
export const LOG_TAIL_RETRY_MS = 20_000;

/**
 * How long the check before a RunTask keeps asking DescribeStacks through throttling: a minute of a busy
 * CloudFormation is no reason to hold the migration back longer.
 */
export const STACK_CHECK_PATIENCE_MS = 60_000;

/**
 * How long a Delete asks ListTasks, DescribeTasks and StopTask again through throttling (ECS's buckets are shared by
 * every caller of the account): long enough to ride out a busy minute, short enough to answer a Delete that cannot
 * know in time well before CloudFormation stops waiting.
 */
export const DELETE_LISTING_PATIENCE_MS = 120_000;

/**
 * A start retry begins only if at least this much of the Timeout is left after its backoff: a task needs time to
 * be placed and to run, and one started just before the deadline would only be stopped again.
 */
export const RETRY_MIN_LEFT_MS = 30_000;

/**
 * How long after a request arrives an AccessDenied may still be IAM catching up. IAM is eventually consistent
 * (IAM User Guide, troubleshooting): a role or policy created in the same deployment — the CDK construct grants
 * the runner's role next to the resource — can be refused for a few seconds after CloudFormation reports it
 * complete.
 */
export const IAM_PROPAGATION_MS = 60_000;

/** The latest a call may go on to: the deadline, `marginMs` before the invocation ends, whichever is sooner. */
export function callUntil(now: number, remainingMs: number, deadline: number, marginMs: number): number {
  return Math.min(deadline, now + remainingMs - marginMs);
}

export interface TimeBudget {
  /** Epoch milliseconds: the run's deadline (Infinity while it is not known yet). */
  readonly deadline: number;
  /** What is left of this invocation, in milliseconds. */
  invocationLeftMs(): number;
  /** Epoch ms until which a call may go on: the deadline, and `marginMs` (one of the margins above) kept. */
  callUntil(marginMs: number): number;
  /** Epoch ms until which a call worth at most `patienceMs` from now may go on; never past the deadline. */
  patienceUntil(patienceMs: number): number;
  /** Whether waiting `waitMs` would leave this invocation less than `marginMs`: it must hand off first. */
  mustHandOff(waitMs: number, marginMs?: number): boolean;
  /**
   * Epoch ms until which StopTask of tasks that must stop now is asked again: STOP_TIME_MS from now, and never into
   * the time kept for answering (ANSWER_TIME_MS before the invocation ends). Not bounded by the deadline: it is the
   * work the deadline's margin keeps time for.
   */
  stopUntil(): number;
  /**
   * Epoch ms until which the diagnostics of a failure may go on: DIAGNOSIS_TIME_MS from now, and never into the time
   * kept for answering. Not bounded by the deadline, like `stopUntil`.
   */
  diagnosisUntil(): number;
  /** Whether the deadline is close enough for this invocation to reach it and still stop, diagnose and answer. */
  deadlineWithinReach(): boolean;
  /** Whether waiting `waitMs` would reach the deadline. */
  deadlineWithin(waitMs: number): boolean;
  /** The same invocation's budget with another deadline (the run's, once it is planned). */
  withDeadline(deadline: number): TimeBudget;
}

/** The budget of a run with `deadline` (epoch ms), in the invocation `time.invocation`, on `time.clock`. */
export function timeBudget(deadline: number, time: { clock: Pick<Clock, 'now'>; invocation: Invocation }): TimeBudget {
  const { clock, invocation } = time;
  const left = (): number => invocation.remainingTimeMs();
  return {
    deadline,
    invocationLeftMs: left,
    callUntil: (marginMs) => callUntil(clock.now(), left(), deadline, marginMs),
    patienceUntil: (patienceMs) => Math.min(deadline, clock.now() + patienceMs),
    mustHandOff: (waitMs, marginMs = HAND_OFF_MARGIN_MS) => left() - waitMs < marginMs,
    stopUntil: () => Math.min(clock.now() + STOP_TIME_MS, clock.now() + left() - ANSWER_TIME_MS),
    diagnosisUntil: () => Math.min(clock.now() + DIAGNOSIS_TIME_MS, clock.now() + left() - ANSWER_TIME_MS),
    deadlineWithin: (waitMs) => clock.now() + waitMs >= deadline,
    deadlineWithinReach: () => deadline - clock.now() <= left() - DEADLINE_WORK_MS,
    withDeadline: (other) => timeBudget(other, time),
  };
}
