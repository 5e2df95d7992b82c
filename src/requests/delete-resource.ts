import type { CloudFormationCustomResourceDeleteEvent } from 'aws-lambda';
import { isClusterNotFound, isTransient } from '../aws/aws-errors';
import { askWithBackoff } from '../tasks/call-backoff';
import { DELETE_LISTING_PATIENCE_MS, MIN_INVOCATION_MS, timeBudget } from '../runtime/time-budget';
import { describeAwsError } from '../diagnostics/failure-reason';
import { parseRunnerProperties, type RunnerProperties } from '../properties/runner-properties';
import {
  byStopRequest,
  type EarlierTask,
  logLeftAlone,
  type ResourceListing,
  unstoppedTasks,
} from '../tasks/running-tasks';
import { taskOwner } from '../tasks/task-ownership';
import { stopTasks } from '../tasks/stop-tasks';
import { answered, type RunnerDeps, type RequestOutcome } from '../run/contract';
import { cloudFormationWait } from '../run/deadline';
import { resourceStartedBy } from '../shared/resource-identity';
import { cleanupWords, INVALID_PROPERTIES_ON_DELETE } from '../answers/wording';
import { type Cleanup, runsOfTheResource, runTeardown } from './teardown';

/**
 * Delete never fails the stack: a failed Delete would leave the stack stuck (or in DELETE_FAILED) for a resource
 * that owns nothing but running tasks. Tasks this resource started that still run are stopped when StopOnDelete;
 * then the OnDelete teardown task runs, when there is one and a run of the resource succeeded (teardown.ts). The one
 * FAILED: a teardown that would start while ECS, throttled past DELETE_LISTING_PATIENCE_MS, never said whether the
 * resource's tasks still run — it never starts beside them, and a Delete sent again can tell.
 */
export async function deleteResource(
  request: CloudFormationCustomResourceDeleteEvent,
  deps: RunnerDeps,
): Promise<RequestOutcome> {
  const parsed = parseRunnerProperties(request.ResourceProperties);
  if (parsed.kind === 'invalid') return answered({ status: 'SUCCESS', reason: INVALID_PROPERTIES_ON_DELETE });
  const { properties } = parsed;
  const { onDelete } = properties;
  // Read first: the Delete's tombstone replaces the record once it is answered.
  const runs = onDelete ? await runsOfTheResource(request, deps) : undefined;
  const cleanup = await stopResourceTasks(request, properties, deps);
  if (onDelete && runs) return runTeardown(request, { ...properties, onDelete }, runs, cleanup, deps);
  return answered({ status: 'SUCCESS', reason: cleanup.summary });
}

/**
 * How long after CloudFormation sent a Delete the resource's tasks are listed once more. ListTasks is eventually
 * consistent — "the result of an API command you run that affects your Amazon ECS resources might not be immediately
 * visible to all subsequent commands you run" (ECS API reference, RunTask) — so a Delete that cancels a Create a
 * second after its RunTask may not see that task yet. No RunTask of the resource follows the cancellation (the run
 * reads its stack's status before and after each one, run/checks/stack-status.ts), so a listing this long after the
 * Delete was sent sees every task the Create started.
 */
export const DELETE_RELIST_AFTER_MS = 10_000;

/**
 * Stops the resource's tasks that still run (StopOnDelete): those listed now, and those a second listing finds once
 * DELETE_RELIST_AFTER_MS have passed since CloudFormation sent the Delete (the ResponseURL's X-Amz-Date; its arrival
 * when the URL has none). A Delete delivered later than that lists once. A throttled or transient listing, and each
 * StopTask, are asked again with backoff (call-backoff.ts) until DELETE_LISTING_PATIENCE_MS have passed, keeping
 * what a teardown needs of the invocation; a listing still failing then leaves the tasks `unknown`.
 */
async function stopResourceTasks(
  request: CloudFormationCustomResourceDeleteEvent,
  properties: Pick<RunnerProperties, 'stopOnDelete' | 'startedBy' | 'cluster'>,
  deps: RunnerDeps,
): Promise<Cleanup> {
  if (!properties.stopOnDelete) return { summary: cleanupWords.notStopped, stopped: [] };
  const { clock } = deps;
  const sentAt = Math.min(cloudFormationWait(request.ResponseURL)?.sentAt ?? clock.now(), clock.now());
  // Only the tasks that carry the resource's tag (or an earlier runner's, task-ownership.ts): a task that merely
  // shares the startedBy is someone else's.
  const listing: ResourceListing = {
    cluster: properties.cluster,
    startedBy: resourceStartedBy(request, properties.startedBy),
    owner: taskOwner(request),
  };
  const budget = timeBudget(Infinity, deps);
  const until = Math.min(budget.patienceUntil(DELETE_LISTING_PATIENCE_MS), budget.callUntil(MIN_INVOCATION_MS));
  const list = () =>
    askWithBackoff(
      () => unstoppedTasks(deps.aws.ecs, listing, deps.log),
      { what: "Listing the resource's tasks", until, seed: listing.startedBy },
      deps,
    );
  try {
    // Tasks someone already asked to stop are not stopped again, but the teardown waits for them all the same.
    const listed = await list();
    const first = await stopUnstopped(listed.own, properties, until, deps);
    const relistAt = sentAt + DELETE_RELIST_AFTER_MS;
    if (clock.now() >= relistAt) {
      logLeftAlone(deps.log, listing.startedBy, listed.notTheResources);
      return cleanupOf(first, byStopRequest([]));
    }
    await clock.sleep(relistAt - clock.now());
    const seen = new Set([...first.toStop, ...first.alreadyStopping]);
    const relisted = await list();
    logLeftAlone(deps.log, listing.startedBy, [...new Set([...listed.notTheResources, ...relisted.notTheResources])]);
    const unseen = relisted.own.filter((task) => !seen.has(task.taskArn));
    if (unseen.length > 0)
      deps.log.warn('A second listing found tasks of the resource the first did not name', {
        taskArns: unseen.map((task) => task.taskArn),
      });
    return cleanupOf(first, await stopUnstopped(unseen, properties, until, deps));
  } catch (error) {
    if (isClusterNotFound(error)) return { summary: cleanupWords.noCluster(properties.cluster), stopped: [] };
    deps.log.warn("Could not stop the resource's tasks on Delete", { error: String(error) });
    const summary = cleanupWords.failed(describeAwsError('ListTasks', error));
    // Throttling or a fault that outlasted the patience: the tasks may run, and asking again later may tell. A
    // refusal that asking again cannot change (a denied ListTasks) is said, and the teardown goes ahead as before.
    return isTransient(error) ? { summary, stopped: [], unknown: true } : { summary, stopped: [] };
  }
}

type StopRound = ReturnType<typeof byStopRequest>;

async function stopUnstopped(
  unstopped: readonly EarlierTask[],
  { cluster }: Pick<RunnerProperties, 'cluster'>,
  until: number,
  deps: RunnerDeps,
): Promise<StopRound> {
  const round = byStopRequest(unstopped);
  await stopTasks(deps.aws.ecs, cluster, round.toStop, 'ecs-task-runner: the resource was deleted', deps.log, {
    clock: deps.clock,
    until,
  });
  return round;
}

/** What both listings came to: the tasks only the second one named are said to have been found late. */
function cleanupOf(first: StopRound, second: StopRound): Cleanup {
  const toStop = [...first.toStop, ...second.toStop];
  const alreadyStopping = [...first.alreadyStopping, ...second.alreadyStopping];
  const late = [...second.toStop, ...second.alreadyStopping];
  const summary = cleanupWords.stopped(toStop, alreadyStopping);
  return {
    summary: late.length > 0 ? `${summary} ${cleanupWords.foundLate(late, DELETE_RELIST_AFTER_MS / 1000)}` : summary,
    stopped: [...toStop, ...alreadyStopping],
  };
}
