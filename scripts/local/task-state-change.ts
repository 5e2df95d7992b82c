import { randomUUID } from 'node:crypto';
import type { Task } from '@aws-sdk/client-ecs';

/** What the builder needs besides the task: what the event's envelope says, and the task's version when moto has none. */
export interface TaskStateChangeOptions {
  /**
   * `detail.version`. ECS counts each change of a task; moto's tasks carry no `version`, so the local tools count
   * the changes they deliver themselves. Default: the task's own `version`, or 1.
   */
  version?: number;
  /** When EventBridge received the event; default now. */
  time?: Date;
  /** EventBridge's id of the event; default a fresh UUID (a duplicate delivery repeats one). */
  id?: string;
}

/**
 * An "ECS Task State Change" event as EventBridge delivers it to a rule's target, built from a task as DescribeTasks
 * returns it (moto emits no events). The detail is the task with its timestamps as ISO strings, as the ECS Developer
 * Guide describes it (in DescribeTasks they are timestamps); the envelope's account and region are the task ARN's.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_task_events.html
 */
export function taskStateChange(task: Task, options: TaskStateChangeOptions = {}): Record<string, unknown> {
  const taskArn = task.taskArn;
  // arn:PARTITION:ecs:REGION:ACCOUNT:task/...
  const [prefix, , , region, account] = taskArn?.split(':') ?? [];
  if (!taskArn || prefix !== 'arn' || !region || !account)
    throw new Error(`a task state change needs the task's ARN, not ${String(taskArn)}`);
  const time = options.time ?? new Date();
  return {
    version: '0',
    id: options.id ?? randomUUID(),
    'detail-type': 'ECS Task State Change',
    source: 'aws.ecs',
    account,
    // EventBridge's `time` has whole seconds ("2020-01-23T17:57:58Z").
    time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources: [taskArn],
    detail: { ...(withIsoDates(task) as Record<string, unknown>), version: options.version ?? task.version ?? 1 },
  };
}

/** The task with every Date, however deep, as an ISO string; nothing else changed. */
function withIsoDates(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(withIsoDates);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withIsoDates(item)]));
  return value;
}
