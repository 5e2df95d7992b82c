/**
 * Default longest wait between two DescribeTasks calls. One call covers every task of the resource, so this fixes
 * the cost: 60 / 2.75 ≈ 22 calls per task-minute (budget: 24), while the outcome is seen on average 1.4 s and at
 * worst 2.75 s after the last essential container stops (target: p95 ≤ 3 s).
 */
export const DEFAULT_POLL_INTERVAL_SECONDS = 2.75;

/** Enough lines of a failed migration's log to show its error, few enough to fit the Reason. */
export const DEFAULT_LOG_LINES = 10;
