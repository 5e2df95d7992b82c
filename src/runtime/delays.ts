/**
 * Every wait between two attempts of a call, named once with why it is that long. `retry.ts` takes one of them as
 * its `delay`; nothing else computes a backoff.
 */

/**
 * After a throttled, 5xx or unreadable RunTask or DescribeStacks: doubling from 1 s, at most 20 s (`retry` 0 for
 * the first wait). No jitter: one invocation makes one such call at a time, and the SDK's own retries (which do
 * jitter) have already spread the account's callers out.
 */
export function throttledCallDelayMs(retry: number): number {
  return Math.min(20_000, 1000 * 2 ** retry);
}

/**
 * After an AccessDenied that may be IAM still propagating a new grant (`retry` 0 for the first): 2, 4, 8, then
 * every 10 s — IAM takes seconds to apply a grant, so asking more often than that only adds calls.
 */
export function deniedCallDelayMs(retry: number): number {
  return Math.min(10_000, 2_000 * 2 ** retry);
}

/**
 * Before start retry `retry` (1 for the first, StartRetries): 15 s, 30 s, then 60 s — capacity that a placement
 * lacked comes back in minutes, not seconds.
 */
export function startRetryDelayMs(retry: number): number {
  return Math.min(60_000, 15_000 * 2 ** (retry - 1));
}

/**
 * Before the hand-off (an asynchronous Invoke of this function) is sent again after its `failures`-th failure (1 for
 * the first): 1, 2, then every 4 s. The hand-off has about ten seconds for its resends (HAND_OFF_MARGIN_MS less
 * HAND_OFF_GIVE_UP_MS, time-budget.ts): longer waits would only leave fewer attempts, and the SDK has already retried
 * each Invoke with jitter.
 */
export function handOffResendDelayMs(failures: number): number {
  return Math.min(4_000, 1_000 * 2 ** (failures - 1));
}

/**
 * The waits between the PUTs of the answer to CloudFormation's ResponseURL: five attempts in about 15 seconds. A
 * fixed table: S3 answers at once or not at all, and the answer must leave before the invocation ends.
 */
export const ANSWER_PUT_DELAYS_MS: readonly number[] = [1000, 2000, 4000, 8000];

/** The wait after the answer's `failures`-th failed PUT (1 for the first), from ANSWER_PUT_DELAYS_MS. */
export function answerPutDelayMs(failures: number): number {
  return ANSWER_PUT_DELAYS_MS[Math.min(failures, ANSWER_PUT_DELAYS_MS.length) - 1] ?? 0;
}

export const BACKOFF_BASE_MS = 1_000;
export const BACKOFF_CAP_MS = 30_000;

/**
 * How long to wait before asking AWS again after a throttled or transient failure of a poll or a read: exponential
 * backoff with "full jitter" (a uniform wait between 0 and the exponential bound), so that the many watches of a
 * busy account do not retry in step ("Exponential Backoff And Jitter", AWS Architecture Blog; "Retry behavior",
 * AWS SDKs and Tools Reference Guide). The jitter is derived from a seed (the watched task) and the failure count
 * rather than drawn: watches of different tasks spread out, and a test replays exactly.
 *
 * The wait after the `failures`-th consecutive failure (1, 2, ...): uniform in [0, min(cap, base × 2^(failures-1))].
 */
export function fullJitterBackoffMs(failures: number, seed: string): number {
  const bound = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1));
  return Math.floor(bound * jitterFraction(`${seed}#${failures}`));
}

/**
 * The wait before the next poll of a poll that keeps polling through failures (a watch, a wait for tasks to stop):
 * its schedule's, or after `failures` failing polls in a row the full-jitter backoff when that is longer — a poll
 * that failed says nothing about the task, so the watch goes on, only slower — and never past the deadline.
 */
export function pollWaitMs(scheduledMs: number, failures: number, seed: string, untilDeadlineMs: number): number {
  const backoff = failures > 0 ? fullJitterBackoffMs(failures, seed) : 0;
  return Math.min(Math.max(scheduledMs, backoff), untilDeadlineMs);
}

/** A fraction in [0, 1) from a string (FNV-1a): the same string, the same fraction. */
export function jitterFraction(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash / 2 ** 32;
}
