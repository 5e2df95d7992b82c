import type { Task } from '@aws-sdk/client-ecs';
import { errorName, errorSummary } from '../aws/aws-errors';
import type { EcsApi } from '../aws/ports';
import type { Clock } from '../runtime/clock';
import type { Log } from '../runtime/log';
import { DEADLINE_TAG_KEY, deadlineOfTag, STACK_TAG_KEY } from '../shared/deadline-tag';
import { REQUEST_TAG_KEY } from '../shared/request-tag';
import { RESOURCE_TAG_KEY } from '../shared/resource-tag';
import { sweepPace } from './sweep-pace';

/**
 * How long past its deadline a task runs before the sweep stops it. At the deadline the runner that watches the run
 * stops the tasks itself and answers FAILED with the task's own words; the sweep is for runs nobody watches any more,
 * so it leaves the runner that minute rather than race it.
 */
export const SWEEP_MARGIN_MS = 60_000;

/** ListTasks returns at most 100 ARNs a page, and DescribeTasks takes at most 100: one page, one DescribeTasks. */
const PAGE_SIZE = 100;

/** What the sweep needs of ECS: list, describe with tags, stop. */
export type SweepEcs = Pick<EcsApi, 'listTasks' | 'describeTasks' | 'stopTask'>;

export interface SweepExpiredDeps {
  ecs: SweepEcs;
  clock: Clock;
  log: Log;
}

/**
 * The pass's dependencies with its pacer (sweep-pace.ts), every ECS read waiting its turn, and the instant the pass
 * began: a deadline is judged against it, not against however late the pacing brought a page.
 */
type PacedDeps = SweepExpiredDeps & { pace: () => Promise<void>; sweptAt: number };

/** What one pass did, in each cluster together. */
export interface ExpiredTasksSweep {
  /** Tasks listed (desired status RUNNING) and described. */
  looked: number;
  /** Tasks the runner started whose deadline and margin had passed, asked to stop. */
  stopped: number;
  /** Pages ECS refused or answered with something unusable, and stops it refused: each logged. */
  failures: number;
}

/**
 * Stops the tasks the runner started (they carry its request or resource tag) that still run past their deadline
 * (`ecs-task-runner:deadline`) and the margin: a run whose runner was lost — throttled for hours, deleted, crashed —
 * does not run forever. ListTasks lists every task of each cluster whose desired status is RUNNING (a task already
 * asked to stop is left to finish stopping), 100 at a time, and DescribeTasks with TAGS reads each page's tags. A task
 * within its deadline, one without a deadline tag (an earlier runner's) and one the runner did not start are never
 * touched. A page ECS refuses (throttling past the SDK's retries, a cluster the role does not cover) is logged and
 * the pass goes on with the next page or cluster: it never throws, and the next scheduled sweep looks again.
 */
export async function sweepExpiredTasks(
  clusters: readonly string[],
  deps: SweepExpiredDeps,
): Promise<ExpiredTasksSweep> {
  const result: ExpiredTasksSweep = { looked: 0, stopped: 0, failures: 0 };
  const paced: PacedDeps = { ...deps, pace: sweepPace(deps.clock), sweptAt: deps.clock.now() };
  for (const cluster of clusters) await sweepCluster(cluster, paced, result);
  return result;
}

async function sweepCluster(cluster: string, deps: PacedDeps, result: ExpiredTasksSweep): Promise<void> {
  const { ecs, log, pace } = deps;
  let nextToken: string | undefined;
  do {
    let taskArns: string[];
    try {
      await pace();
      const page = await ecs.listTasks({ cluster, maxResults: PAGE_SIZE, ...(nextToken ? { nextToken } : {}) });
      taskArns = page.taskArns ?? [];
      nextToken = page.nextToken;
    } catch (error) {
      // Without the page's token the rest of this cluster cannot be listed: the next sweep starts it again.
      log.error('Sweep: could not list the tasks of a cluster', {
        cluster,
        error: errorName(error),
        message: errorSummary(error),
      });
      result.failures += 1;
      return;
    }
    if (taskArns.length > 0) await sweepPage(cluster, taskArns, deps, result);
  } while (nextToken);
}

async function sweepPage(
  cluster: string,
  taskArns: string[],
  deps: PacedDeps,
  result: ExpiredTasksSweep,
): Promise<void> {
  const { ecs, log, pace } = deps;
  let tasks: Task[];
  try {
    await pace();
    tasks = (await ecs.describeTasks({ cluster, tasks: taskArns, include: ['TAGS'] })).tasks ?? [];
  } catch (error) {
    log.error('Sweep: could not describe a page of tasks', {
      cluster,
      tasks: taskArns.length,
      error: errorName(error),
      message: errorSummary(error),
    });
    result.failures += 1;
    return;
  }
  result.looked += tasks.length;
  const now = deps.sweptAt;
  const expired = tasks.flatMap((task) => {
    const found = expiredTask(task, now);
    if (found.kind === 'unreadable-deadline')
      log.warn('Sweep: a task of the runner has a deadline tag that is no ISO 8601 UTC time; it is left alone', {
        cluster,
        taskArn: task.taskArn,
        deadline: found.value,
      });
    return found.kind === 'expired' ? [found] : [];
  });
  await Promise.all(expired.map((task) => stopExpired(cluster, task, deps, result)));
}

/** A task of the runner past its deadline and the margin, with what the log names. */
interface ExpiredTask {
  kind: 'expired';
  taskArn: string;
  deadline: string;
  stackId: string | undefined;
  resourceTag: string | undefined;
  startedBy: string | undefined;
}

type Verdict = ExpiredTask | { kind: 'keep' } | { kind: 'unreadable-deadline'; value: string };

/** Whether the sweep stops `task` at `now`. */
export function expiredTask(task: Task, now: number): Verdict {
  const tags = new Map((task.tags ?? []).map((tag) => [tag.key, tag.value]));
  // Only the runner puts these tags (a template may not use their keys): a task without them is not the runner's.
  const runners = tags.has(RESOURCE_TAG_KEY) || tags.has(REQUEST_TAG_KEY);
  const value = tags.get(DEADLINE_TAG_KEY);
  if (!runners || value === undefined || task.taskArn === undefined) return { kind: 'keep' };
  if (task.desiredStatus === 'STOPPED' || task.lastStatus === 'STOPPED') return { kind: 'keep' };
  const deadline = deadlineOfTag(value);
  if (deadline === undefined) return { kind: 'unreadable-deadline', value };
  if (now < deadline + SWEEP_MARGIN_MS) return { kind: 'keep' };
  return {
    kind: 'expired',
    taskArn: task.taskArn,
    deadline: value,
    stackId: tags.get(STACK_TAG_KEY),
    resourceTag: tags.get(RESOURCE_TAG_KEY),
    startedBy: task.startedBy,
  };
}

async function stopExpired(
  cluster: string,
  task: ExpiredTask,
  deps: SweepExpiredDeps,
  result: ExpiredTasksSweep,
): Promise<void> {
  const named = {
    cluster,
    taskArn: task.taskArn,
    deadline: task.deadline,
    stackId: task.stackId,
    resourceTag: task.resourceTag,
    startedBy: task.startedBy,
  };
  try {
    // StopTask's reason is at most 255 characters; it shows as the task's stoppedReason.
    await deps.ecs.stopTask({ cluster, task: task.taskArn, reason: expiredReason(task.deadline) });
    deps.log.warn('Sweep: stopped a task of the runner past its deadline (no runner was watching it)', named);
    result.stopped += 1;
  } catch (error) {
    deps.log.error('Sweep: could not stop a task past its deadline', {
      ...named,
      error: errorName(error),
      message: errorSummary(error),
    });
    result.failures += 1;
  }
}

/** StopTask's reason: the deadline it kept, within StopTask's 255 characters. */
export function expiredReason(deadline: string): string {
  return `ecs-task-runner: past its deadline ${deadline}; stopped by the scheduled sweep`.slice(0, 255);
}
