/**
 * The tag the runner puts on every task it starts, whose value identifies the CloudFormation request the task
 * belongs to. IfRunning reads it (DescribeTasks with `include: ['TAGS']`) to tell a task of this same request — a
 * duplicate delivery, a retried invocation — from one of an earlier run.
 */
export const REQUEST_TAG_KEY = 'ecs-task-runner:request';
