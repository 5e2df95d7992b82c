import type { EcsEventEnvelope } from '../runtime/ecs-event';

/**
 * The `detail-type` of the events ECS sends when a task changes state.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_task_events.html
 */
export const TASK_STATE_CHANGE = 'ECS Task State Change';

/** A container of the task as the event lists it: `exitCode` is absent when the container never ran. */
export interface EventContainer {
  name: string;
  lastStatus?: string;
  exitCode?: number;
  reason?: string;
}

/**
 * What an ECS Task State Change event says of a task, read but not believed: the runner confirms it with
 * DescribeTasks (event-news.ts) before it acts. The detail resembles DescribeTasks' `Task` (with ISO timestamps);
 * fields ECS may add later are ignored, as the ECS Developer Guide asks ("Amazon ECS events").
 */
export interface TaskStateChange {
  /** EventBridge's id of the event; a duplicate delivery may carry the same one. */
  eventId?: string;
  taskArn: string;
  clusterArn: string;
  lastStatus: string;
  desiredStatus: string;
  /**
   * The task's version when the event was sent: it grows with each change of the task, a duplicate has the same,
   * and events may arrive in any order ("Handling Amazon ECS events").
   */
  version: number;
  stoppedReason?: string;
  stopCode?: string;
  /** RunTask's `startedBy`; a service's tasks have `ecs-svc/…`. */
  startedBy?: string;
  /** `family:NAME` for a task started with RunTask; `service:NAME` for a service's task. */
  group?: string;
  containers: EventContainer[];
}

/** What reading an ECS event gave: a task's change, another kind of ECS event, or a detail that is not one. */
export type ReadEcsEvent =
  | { kind: 'task-state-change'; change: TaskStateChange }
  | { kind: 'other-ecs-event'; detailType: string }
  | { kind: 'malformed'; problem: string };

/**
 * Reads an ECS event from EventBridge. Never throws: an event the runner cannot read is a fact to log, as any
 * event for a task it did not start, since a thrown error would have Lambda retry the event and then keep it in
 * the failure queue.
 */
export function readEcsEvent(envelope: EcsEventEnvelope): ReadEcsEvent {
  const detailType = envelope['detail-type'];
  if (detailType !== TASK_STATE_CHANGE) return { kind: 'other-ecs-event', detailType };
  const detail = envelope.detail;
  if (!isRecord(detail)) return { kind: 'malformed', problem: 'detail is not an object' };
  const { taskArn, clusterArn, lastStatus, desiredStatus, version } = detail;
  for (const [name, value] of Object.entries({ taskArn, clusterArn, lastStatus, desiredStatus }))
    if (typeof value !== 'string' || value === '')
      return { kind: 'malformed', problem: `detail.${name} is not a non-empty string` };
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0)
    return { kind: 'malformed', problem: 'detail.version is not a whole number' };
  const containers = Array.isArray(detail.containers) ? detail.containers : [];
  const change: TaskStateChange = {
    taskArn: taskArn as string,
    clusterArn: clusterArn as string,
    lastStatus: lastStatus as string,
    desiredStatus: desiredStatus as string,
    version,
    containers: containers.filter(isRecord).flatMap(readContainer),
    ...optionalString('eventId', envelope.id),
    ...optionalString('stoppedReason', detail.stoppedReason),
    ...optionalString('stopCode', detail.stopCode),
    ...optionalString('startedBy', detail.startedBy),
    ...optionalString('group', detail.group),
  };
  return { kind: 'task-state-change', change };
}

/** A container without a name cannot be matched to the task definition's essential containers: left out. */
function readContainer(container: Record<string, unknown>): EventContainer[] {
  if (typeof container.name !== 'string') return [];
  const { exitCode } = container;
  return [
    {
      name: container.name,
      ...optionalString('lastStatus', container.lastStatus),
      ...(typeof exitCode === 'number' && Number.isInteger(exitCode) ? { exitCode } : {}),
      ...optionalString('reason', container.reason),
    },
  ];
}

function optionalString<K extends string>(key: K, value: unknown): Partial<Record<K, string>> {
  return typeof value === 'string' ? ({ [key]: value } as Partial<Record<K, string>>) : {};
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
