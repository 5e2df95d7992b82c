/**
 * Default longest wait between two DescribeTasks calls. One call covers every task of the resource, so this fixes
 * the cost: 60 / 2.75 ≈ 22 calls per task-minute (budget: 24), while the outcome is seen on average 1.4 s and at
 * worst 2.75 s after the last essential container stops (target: p95 ≤ 3 s).
 */
export const DEFAULT_POLL_INTERVAL_SECONDS = 2.75;

/** How long to wait before the next DescribeTasks: the poll interval, but never past the deadline. */
export function nextPollDelayMs(pollIntervalSeconds: number, msUntilDeadline: number): number {
  return Math.max(0, Math.min(pollIntervalSeconds * 1000, msUntilDeadline));
}
