/** How long to wait before the next DescribeTasks: the poll interval, but never past the deadline. */
export function nextPollDelayMs(pollIntervalSeconds: number, msUntilDeadline: number): number {
  return Math.max(0, Math.min(pollIntervalSeconds * 1000, msUntilDeadline));
}
