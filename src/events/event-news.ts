import type { Task } from '@aws-sdk/client-ecs';
import type { TaskStateChange } from './task-state-change';

/**
 * What an event may tell about a task the runner has heard of before. ECS sends each event at least once and in
 * any order; `detail.version` grows with each change of the task and a duplicate carries the same one, so an event
 * whose version is not above the last one seen says nothing new ("Handling Amazon ECS events":
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_cwet_handling.html).
 */
export type EventNews = { kind: 'news'; version: number } | { kind: 'stale'; version: number; lastSeen: number };

/** `lastSeen`: the highest version recorded for the task (by an event or DescribeTasks), undefined if none. */
export function newsOf(change: Pick<TaskStateChange, 'version'>, lastSeen: number | undefined): EventNews {
  if (lastSeen !== undefined && change.version <= lastSeen) return { kind: 'stale', version: change.version, lastSeen };
  return { kind: 'news', version: change.version };
}

/**
 * Whether DescribeTasks has caught up with an event. An event is never believed on its own (anyone allowed to
 * invoke the function could send one): the task is read from ECS, and the read counts only when the task's
 * `version` is at least the event's, since ECS documents comparing the API's version with the event's to know the
 * stream is current. Otherwise ECS is asked again; a task ECS does not know (stopped tasks stay visible for about an
 * hour, and a forged ARN never was) is a fact for the caller to judge.
 */
export type Confirmation =
  | { kind: 'caught-up'; task: Task }
  | { kind: 'ask-again'; taskVersion: number | undefined; eventVersion: number }
  | { kind: 'not-found' };

/** `described`: the task DescribeTasks returned for the event's ARN, undefined when it returned none (MISSING). */
export function confirmationOf(described: Task | undefined, eventVersion: number): Confirmation {
  if (described === undefined) return { kind: 'not-found' };
  const taskVersion = described.version;
  if (taskVersion !== undefined && taskVersion >= eventVersion) return { kind: 'caught-up', task: described };
  return { kind: 'ask-again', taskVersion, eventVersion };
}
