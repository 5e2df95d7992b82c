/**
 * The tag the runner puts on every task it starts, whose value is the run's deadline as ISO 8601 UTC
 * (`2026-12-07T18:00:00.000Z`): when the runner stops the tasks and answers FAILED. The scheduled sweep
 * (src/sweep/) stops a task still running past it, so a run whose runner was lost (throttled for hours, deleted,
 * crashed) does not run forever. A task without it (started by an earlier runner version) is never swept.
 */
export const DEADLINE_TAG_KEY = 'ecs-task-runner:deadline';

/**
 * The tag whose value is the StackId of the resource a task belongs to: what the sweep names when it stops a task
 * (the resource tag is a digest, which says nothing to whoever reads the log). A StackId is at most about 230
 * characters (a stack name has at most 128), within a tag value's 256.
 */
export const STACK_TAG_KEY = 'ecs-task-runner:stack';

/** The deadline tag's value for a deadline in epoch milliseconds. */
export function deadlineTagValue(deadline: number): string {
  return new Date(deadline).toISOString();
}

/** The deadline a tag value names, in epoch milliseconds; undefined for a value that is not an ISO 8601 UTC time. */
export function deadlineOfTag(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(value)) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}
