import type { Clock } from './clock';

/**
 * The one way the runner calls something again after it failed. Like smithy's `ConfiguredRetryStrategy` the wait is
 * a parameter (a function of the failure count and the error, from `delays.ts`), and like CDK's `withRetries` the
 * call is a plain function; unlike both, what is worth another call is a parameter too (the caller passes the one
 * classifier of AWS errors, `aws/aws-errors.ts`, or its own reading of an HTTP answer), the bound is a time (the
 * caller's TimeBudget, `time-budget.ts`) or a number of attempts, and the caller writes its own log lines through
 * the hooks. The failure that ends the retries is thrown unchanged.
 */

/** A failed call that is about to be made again after `delayMs`; `attempt` counts the failures so far (1, 2, …). */
export interface RetryEvent {
  attempt: number;
  error: unknown;
  delayMs: number;
}

/** The retries ran out at the bound: `error`, the last failure, is thrown after `attempts` calls. */
export interface GiveUpEvent {
  attempts: number;
  error: unknown;
}

/**
 * Where retrying stops.
 * - `time` (epoch ms), `lastWait: 'must-fit'`: a wait that would end after `time` is not begun — the caller keeps
 *   the rest of its time for what follows the call (RunTask, DescribeStacks, a denied call).
 * - `time`, `lastWait: 'cut'`: the last wait is cut to end at `time`, and no call starts after it — a read that is
 *   worth every moment it is allowed (a watch's lookup, a log tail, the Outputs).
 * - `attempts`: at most this many calls (the answer's PUT, whose waits are a fixed table).
 */
export type RetryBound = { time: number; lastWait: 'must-fit' | 'cut' } | { attempts: number };

export interface RetryOptions {
  /** Whether a failure is worth another call; any other failure is thrown at once. */
  retryable: (error: unknown) => boolean;
  /** The wait after the `failures`-th consecutive failure (1 for the first). */
  delay: (failures: number, error: unknown) => number;
  until: RetryBound;
  /** Called before each wait: the caller's log line. */
  onRetry?: (event: RetryEvent) => void;
  /** Called when a retryable failure meets the bound, before it is thrown. */
  onGiveUp?: (event: GiveUpEvent) => void;
}

/** `call`'s answer, calling it again after a retryable failure while `options.until` allows. */
export async function retry<T>(
  call: () => Promise<T>,
  options: RetryOptions,
  clock: Pick<Clock, 'now' | 'sleep'>,
): Promise<T> {
  for (let failures = 1; ; failures += 1) {
    try {
      return await call();
    } catch (error) {
      if (!options.retryable(error)) throw error;
      const wait = waitWithin(options.until, options.delay(failures, error), failures, clock.now());
      if (wait === undefined) {
        options.onGiveUp?.({ attempts: failures, error });
        throw error;
      }
      options.onRetry?.({ attempt: failures, error, delayMs: wait });
      await clock.sleep(wait);
    }
  }
}

/** The wait before the next call after `failures` calls, within `bound`; undefined when there is no next call. */
function waitWithin(bound: RetryBound, delay: number, failures: number, now: number): number | undefined {
  if ('attempts' in bound) return failures < bound.attempts ? delay : undefined;
  if (bound.lastWait === 'must-fit') return now + delay > bound.time ? undefined : delay;
  const left = bound.time - now;
  return left > 0 ? Math.min(delay, left) : undefined;
}

/**
 * A poll that keeps polling through failures (a watch, a wait for tasks to stop) does not stop at a failure, so it
 * does not go through `retry`: it keeps this record of its failing polls, waits `pollWaitMs` (delays.ts) from its
 * count, and reports `since` when its deadline passes unread.
 */
export interface FailureStreak {
  /** Epoch ms of the first failure of the streak. */
  since: number;
  /** Consecutive failures, 1 for the first. */
  count: number;
  error: unknown;
}

/** The streak after one more failing poll at `now`; a streak starts with `previous` undefined. */
export function failedAgain(previous: FailureStreak | undefined, error: unknown, now: number): FailureStreak {
  return { since: previous?.since ?? now, count: (previous?.count ?? 0) + 1, error };
}
