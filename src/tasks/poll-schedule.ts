/**
 * When to ask DescribeTasks again. One call covers every task of a resource, and every call draws on ECS's
 * account-wide "Cluster resource read actions" bucket (DescribeTasks, ListTasks, ...: 100 tokens, refilled at 20 a
 * second, shared with the console and every other tool: "Request throttling for the Amazon ECS API", Amazon ECS
 * Developer Guide). So a young task is polled quickly (most migrations end within minutes, and someone is waiting),
 * an old one slowly: the answer comes within max(3 s, 5 % of the run so far) of the essential container's exit.
 */

/** Until this age a task is polled every YOUNG_POLL_MS: the answer comes at most that long after its exit. */
export const YOUNG_TASK_MS = 300_000;
export const YOUNG_POLL_MS = 2_750;

/**
 * After YOUNG_TASK_MS the wait is this share of the task's age: 12 s at 5 minutes (5 calls a minute), 60 s from 25
 * minutes on (with the default cap). Below the 5 % promise, so that the call itself and the answer fit in the rest.
 */
export const AGE_SHARE = 0.04;

/** While ECS throttled this watch within the last THROTTLE_MEMORY_MS, the wait is doubled, to at least this. */
export const THROTTLED_MIN_POLL_MS = 15_000;
/** ... and to at most this (or the cap, when that is longer). */
export const THROTTLED_MAX_POLL_MS = 60_000;
/** How long a ThrottlingException keeps slowing the polls of the watch that met it. */
export const THROTTLE_MEMORY_MS = 60_000;

export interface PollSituation {
  /** Since RunTask. */
  ageMs: number;
  /** PollInterval: the longest wait of the regular schedule. */
  capSeconds: number;
  /** ECS answered this watch with ThrottlingException lately (see `throttledRecently`). */
  throttledRecently: boolean;
}

/** The wait before the next DescribeTasks, from the task's age, the configured cap and recent throttling. */
export function pollIntervalMs({ ageMs, capSeconds, throttledRecently }: PollSituation): number {
  const capMs = capSeconds * 1000;
  const scheduled = Math.min(ageMs < YOUNG_TASK_MS ? YOUNG_POLL_MS : ageMs * AGE_SHARE, capMs);
  if (!throttledRecently) return scheduled;
  // A throttled account is busy for everyone in it: this watch steps back even below a short PollInterval.
  return Math.min(Math.max(2 * scheduled, THROTTLED_MIN_POLL_MS), Math.max(capMs, THROTTLED_MAX_POLL_MS));
}

/** Whether a throttling error at `lastThrottledAt` (undefined: never) still slows the polls at `now`. */
export function throttledRecently(lastThrottledAt: number | undefined, now: number): boolean {
  return lastThrottledAt !== undefined && now - lastThrottledAt < THROTTLE_MEMORY_MS;
}

/** How long to wait before the next DescribeTasks: the scheduled interval, but never past the deadline. */
export function nextPollDelayMs(situation: PollSituation, msUntilDeadline: number): number {
  return Math.max(0, Math.min(pollIntervalMs(situation), msUntilDeadline));
}
