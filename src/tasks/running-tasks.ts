import type { ListTasksCommandInput, Task } from '@aws-sdk/client-ecs';
import { isInvalidParameter, isTransient } from '../aws/aws-errors';
import type { EcsApi } from '../aws/ports';
import type { Log } from '../runtime/log';
import { timeBudget } from '../runtime/time-budget';
import { REQUEST_TAG_KEY } from '../shared/request-tag';
import { pollWaitMs } from '../runtime/delays';
import { failedAgain, type FailureStreak } from '../runtime/retry';
import type { TaskPollDeps, UnreadStatus } from './call-backoff';
import { isOwnedBy, type TaskOwner } from './task-ownership';

/**
 * The resource's tasks that ECS still lists, whatever their desired status: a task asked to stop (by a StopTask at a
 * deadline, or an operator) keeps running for its stop timeout but leaves the default listing. "When you specify
 * startedBy as the filter, it must be the only filter that you use" (ECS API reference, ListTasks, `startedBy`:
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListTasks.html); whether `desiredStatus` counts as a
 * filter there is not said — "The default status filter is RUNNING" (ListTasks, `desiredStatus`) — so each listing
 * first pairs startedBy with one desired status. If ECS refuses that pair (InvalidParameterException), the listing
 * asks only what the documentation allows: startedBy alone (the tasks whose desired status is RUNNING), and the
 * cluster's tasks whose desired status is STOPPED, without startedBy, among which the resource's stopping tasks are
 * found by their tags (`ownUnstopped`). `underStartedBy` holds the ARNs listed under startedBy.
 */
export async function listResourceTasks(
  ecs: EcsApi,
  cluster: string,
  startedBy: string,
  log?: Log,
): Promise<{ taskArns: string[]; underStartedBy: ReadonlySet<string> }> {
  try {
    const taskArns: string[] = [];
    for (const desiredStatus of LISTED_DESIRED_STATUSES)
      taskArns.push(...(await listAll(ecs, { cluster, startedBy, desiredStatus })));
    const unique = [...new Set(taskArns)];
    return { taskArns: unique, underStartedBy: new Set(unique) };
  } catch (error) {
    if (!isInvalidParameter(error)) throw error;
    log?.warn('ListTasks refused startedBy with a desired status; listing by startedBy alone and by the cluster', {
      error: String(error),
    });
    const underStartedBy = new Set(await listAll(ecs, { cluster, startedBy }));
    const stopping = await listAll(ecs, { cluster, desiredStatus: 'STOPPED' });
    return { taskArns: [...new Set([...underStartedBy, ...stopping])], underStartedBy };
  }
}

/** Every page of one listing. */
async function listAll(ecs: EcsApi, input: ListTasksCommandInput): Promise<string[]> {
  const taskArns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await ecs.listTasks({ ...input, ...(nextToken ? { nextToken } : {}) });
    taskArns.push(...(page.taskArns ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return taskArns;
}

/** PENDING is never a desired status ("Amazon ECS never sets the desired status of a task to that value"). */
const LISTED_DESIRED_STATUSES = ['RUNNING', 'STOPPED'] as const;

/** A task of the resource that has not stopped yet. */
export interface EarlierTask {
  taskArn: string;
  lastStatus: string;
  /** Someone has asked it to stop already (desired status STOPPED): it is waited for, never stopped again. */
  askedToStop?: true;
}

/** Where the resource's tasks are looked for: ListTasks under `startedBy` in `cluster`, kept when `owner`'s. */
export interface ResourceListing {
  cluster: string;
  startedBy: string;
  owner: TaskOwner;
}

/** What IfRunning's lookup needs: ECS, and the log that names the tasks left alone. */
export interface ListingDeps {
  ecs: EcsApi;
  log: Log;
}

/** The unstopped tasks a listing found: the resource's, and those that only share its startedBy (left alone). */
export interface Unstopped {
  own: EarlierTask[];
  notTheResources: string[];
}

/**
 * The resource's tasks that have not stopped: those ListTasks names (either desired status) that carry the
 * resource's tag (task-ownership.ts), less those DescribeTasks reports STOPPED or no longer knows. A task that has
 * stopped needs no StopTask, and a task listed with desired status STOPPED has mostly stopped already (stopped
 * tasks stay listed for at least an hour). The others under the same startedBy are returned for the caller to name
 * (logLeftAlone), once for all its listings.
 */
export async function unstoppedTasks(ecs: EcsApi, listing: ResourceListing, log?: Log): Promise<Unstopped> {
  const { own, notTheResources } = await ownUnstopped(ecs, listing, log);
  return { own: own.map((task) => earlierTask(task.taskArn, task)), notTheResources };
}

/** The one warning that names the tasks under the resource's startedBy that are not the resource's. */
export function logLeftAlone(log: Log, startedBy: string, taskArns: readonly string[]): void {
  if (taskArns.length === 0) return;
  log.warn("Tasks share the resource's startedBy but not its tag: they are not the resource's, left alone", {
    startedBy,
    taskArns,
  });
}

/** The tasks that still need a StopTask (nobody has asked them to stop yet), and those already stopping. */
export function byStopRequest(tasks: readonly EarlierTask[]): { toStop: string[]; alreadyStopping: string[] } {
  const arns = (asked: boolean) => tasks.filter((task) => (task.askedToStop ?? false) === asked).map((t) => t.taskArn);
  return { toStop: arns(false), alreadyStopping: arns(true) };
}

/**
 * The resource's tasks that still run and belong to another request than `requestTag`: a task tagged with this
 * request (a duplicate delivery, a retried invocation) is this run's own, never an earlier one.
 */
export async function findEarlierRun(
  deps: ListingDeps,
  listing: ResourceListing,
  requestTag: string,
): Promise<EarlierTask[]> {
  const { own, notTheResources } = await ownUnstopped(deps.ecs, listing, deps.log);
  logLeftAlone(deps.log, listing.startedBy, notTheResources);
  const earlier: EarlierTask[] = [];
  for (const task of own) {
    if (task.tags?.some((tag) => tag.key === REQUEST_TAG_KEY && tag.value === requestTag)) continue;
    earlier.push(earlierTask(task.taskArn, task));
  }
  return earlier;
}

/**
 * The listed tasks that have not stopped, read with their tags ("include: TAGS", DescribeTasks) 100 at a time: the
 * resource's, and the ARNs of those that share the startedBy but are not the resource's (neither stopped nor waited
 * for). A task the cluster's listing added (not listed under startedBy) is judged by the startedBy ECS reports for it,
 * and named only when that is the resource's.
 */
async function ownUnstopped(
  ecs: EcsApi,
  { cluster, startedBy, owner }: ResourceListing,
  log: Log | undefined,
): Promise<{ own: (Task & { taskArn: string })[]; notTheResources: string[] }> {
  const { taskArns: listed, underStartedBy } = await listResourceTasks(ecs, cluster, startedBy, log);
  const own: (Task & { taskArn: string })[] = [];
  const notOwned: string[] = [];
  for (let i = 0; i < listed.length; i += 100) {
    const response = await ecs.describeTasks({ cluster, tasks: listed.slice(i, i + 100), include: ['TAGS'] });
    for (const task of response.tasks ?? []) {
      const { taskArn } = task;
      if (!taskArn || task.lastStatus === 'STOPPED') continue;
      const listedUnder = underStartedBy.has(taskArn) ? startedBy : (task.startedBy ?? '');
      if (isOwnedBy(owner, task, listedUnder)) own.push({ ...task, taskArn });
      else if (listedUnder === startedBy) notOwned.push(taskArn);
    }
  }
  return { own, notTheResources: notOwned };
}

function earlierTask(taskArn: string, task: Task): EarlierTask {
  return {
    taskArn,
    lastStatus: task.lastStatus ?? 'UNKNOWN',
    ...(task.desiredStatus === 'STOPPED' ? { askedToStop: true as const } : {}),
  };
}

export type StopWaitResult =
  | { kind: 'stopped' }
  /** The deadline passed with these tasks still running (`unread`: the polls had been failing since `since`). */
  | { kind: 'deadline'; running: EarlierTask[]; unread?: UnreadStatus }
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
  deps: TaskPollDeps,
): Promise<StopWaitResult> {
  const { clock } = deps;
  // The wait returns `hand-off` when the run's time budget says this invocation must hand off.
  const budget = timeBudget(deadline, deps);
  let running: EarlierTask[] = taskArns.map((taskArn) => ({ taskArn, lastStatus: 'RUNNING' }));
  let failing: FailureStreak | undefined;
  for (;;) {
    try {
      running = await stillRunning(
        deps.ecs,
        cluster,
        running.map((task) => task.taskArn),
      );
      failing = undefined;
    } catch (error) {
      if (!isTransient(error)) throw error;
      failing = failedAgain(failing, error, clock.now());
      deps.log.warn('DescribeTasks failed while waiting for tasks to stop; asking again with backoff', {
        error: String(error),
        failures: failing.count,
      });
    }
    if (running.length === 0) return { kind: 'stopped' };
    const untilDeadline = deadline - clock.now();
    if (untilDeadline <= 0)
      return {
        kind: 'deadline',
        running,
        ...(failing ? { unread: { since: failing.since, error: failing.error } } : {}),
      };
    const wait = pollWaitMs(STOP_WAIT_POLL_MS, failing?.count ?? 0, taskArns[0] ?? cluster, untilDeadline);
    if (budget.mustHandOff(wait)) return { kind: 'hand-off', running };
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
        running.push(earlierTask(task.taskArn, task));
    }
  }
  return running;
}
