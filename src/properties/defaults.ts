/**
 * Default PollInterval: the longest wait between two DescribeTasks calls (unless ECS throttles them). The schedule
 * (tasks/poll-schedule.ts) polls a task every 2.75 s for its first 5 minutes, then every 4 % of its age, up to this:
 * one call a minute from minute 25 on, where the answer still comes within 5 % of the run's length.
 */
export const DEFAULT_POLL_INTERVAL_SECONDS = 60;

/** Enough lines of a failed migration's log to show its error, few enough to fit the Reason. */
export const DEFAULT_LOG_LINES = 10;
