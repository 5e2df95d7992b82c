import { isTransient } from '../aws/aws-errors';
import type { EcsApi } from '../aws/ports';
import type { Clock } from '../runtime/clock';
import type { Invocation } from '../runtime/invocation';
import type { Log } from '../runtime/log';
import { REQUEST_TAG_KEY } from '../shared/request-tag';
import { HAND_OFF_MARGIN_MS } from './watch-tasks';

/**
 * The resource's tasks whose desired status is RUNNING. "When you specify startedBy as the filter, it must be the
 * only filter that you use" (ECS API reference, ListTasks): the default desiredStatus, RUNNING, is the one wanted.
 */
export async function listRunningTasks(ecs: EcsApi, cluster: string, startedBy: string): Promise<string[]> {
  const taskArns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await ecs.listTasks({ cluster, startedBy, ...(nextToken ? { nextToken } : {}) });
    taskArns.push(...(page.taskArns ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return taskArns;
}

/**
 * The resource's tasks that have not stopped: those ListTasks names, less those DescribeTasks reports STOPPED or
 * no longer knows. ListTasks can still name a task that has just stopped (and moto names stopped tasks whatever
 * their desired status), and a task that has stopped needs no StopTask.
 */
export async function unstoppedTasks(ecs: EcsApi, cluster: string, startedBy: string): Promise<string[]> {
  const listed = await listRunningTasks(ecs, cluster, startedBy);
  if (listed.length === 0) return [];
  return (await stillRunning(ecs, cluster, listed)).map((task) => task.taskArn);
}

/** A task of an earlier run that has not stopped yet. */
export interface EarlierTask {
  taskArn: string;
  lastStatus: string;
}

/**
 * The resource's tasks that still run and belong to another request than `requestTag`: a task tagged with this
 * request (a duplicate delivery, a retried invocation) is this run's own, never an earlier one.
 */
export async function findEarlierRun(
  ecs: EcsApi,
  cluster: string,
  startedBy: string,
  requestTag: string,
): Promise<EarlierTask[]> {
  const running = await listRunningTasks(ecs, cluster, startedBy);
  const earlier: EarlierTask[] = [];
  for (let i = 0; i < running.length; i += 100) {
    const response = await ecs.describeTasks({ cluster, tasks: running.slice(i, i + 100), include: ['TAGS'] });
    for (const task of response.tasks ?? []) {
      if (!task.taskArn || task.lastStatus === 'STOPPED') continue;
      if (task.tags?.some((tag) => tag.key === REQUEST_TAG_KEY && tag.value === requestTag)) continue;
      earlier.push({ taskArn: task.taskArn, lastStatus: task.lastStatus ?? 'UNKNOWN' });
    }
  }
  return earlier;
}

export interface StopWaitDependencies {
  ecs: EcsApi;
  clock: Clock;
  invocation: Invocation;
  log: Log;
}

export type StopWaitResult =
  | { kind: 'stopped' }
  /** The deadline passed with these tasks still running. */
  | { kind: 'deadline'; running: EarlierTask[] }
  /** This invocation is about to run out of time: a fresh one must wait on. */
  | { kind: 'hand-off'; running: EarlierTask[] };

/** Waiting for someone else's tasks needs no quick answer: at most one DescribeTasks call this often. */
export const STOP_WAIT_POLL_MS = 10_000;

/**
 * Polls DescribeTasks until every task is STOPPED (or ECS no longer knows it), the deadline passes, or this
 * invocation must hand off. It polls before it may hand off, so that every invocation makes progress.
 */
export async function waitUntilStopped(
  cluster: string,
  taskArns: readonly string[],
  deadline: number,
  deps: StopWaitDependencies,
): Promise<StopWaitResult> {
  const { clock, invocation } = deps;
  let running: EarlierTask[] = taskArns.map((taskArn) => ({ taskArn, lastStatus: 'RUNNING' }));
  for (;;) {
    try {
      running = await stillRunning(
        deps.ecs,
        cluster,
        running.map((task) => task.taskArn),
      );
    } catch (error) {
      if (!isTransient(error)) throw error;
      deps.log.warn('DescribeTasks failed while waiting for tasks to stop; polling on', { error: String(error) });
    }
    if (running.length === 0) return { kind: 'stopped' };
    const untilDeadline = deadline - clock.now();
    if (untilDeadline <= 0) return { kind: 'deadline', running };
    const wait = Math.min(STOP_WAIT_POLL_MS, untilDeadline);
    if (invocation.remainingTimeMs() - wait < HAND_OFF_MARGIN_MS) return { kind: 'hand-off', running };
    await clock.sleep(wait);
  }
}

async function stillRunning(ecs: EcsApi, cluster: string, taskArns: readonly string[]): Promise<EarlierTask[]> {
  const running: EarlierTask[] = [];
  for (let i = 0; i < taskArns.length; i += 100) {
    const asked = taskArns.slice(i, i + 100);
    const response = await ecs.describeTasks({ cluster, tasks: asked });
    // A task ECS does not report (MISSING) stopped long ago: stopped tasks stay visible for at least an hour.
    for (const task of response.tasks ?? []) {
      if (task.taskArn && asked.includes(task.taskArn) && task.lastStatus !== 'STOPPED')
        running.push({ taskArn: task.taskArn, lastStatus: task.lastStatus ?? 'UNKNOWN' });
    }
  }
  return running;
}
