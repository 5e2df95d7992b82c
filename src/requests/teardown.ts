import type { CloudFormationCustomResourceDeleteEvent } from 'aws-lambda';
import { errorName, errorSummary } from '../aws/aws-errors';
import type { OnDelete } from '../properties/on-delete';
import type { RunnerProperties } from '../properties/runner-properties';
import { answered, type RunnerDeps, type RequestOutcome } from '../run/contract';
import { explainError, logIfUnexpected } from '../answers/error-explanation';
import type { TeardownPhase } from '../run/run-state';
import { teardownWords } from '../answers/wording';
import { startAndFollow } from '../run/start-run';
import { CREATE_ROLLBACK, readStackStatus } from '../run/checks/stack-status';
import { readResource } from './resource-record';
import { isFailedCreateId, physicalResourceId } from '../shared/resource-identity';
import { cannotTellCreateRollback } from '../answers/wording';
import { sentAt } from './kept-attributes';

/**
 * What became of the resource's tasks on Delete: said in the Reason; `stopped` ones end before a teardown starts.
 * `unknown`: they could not be listed in time (throttling, faults), so some may still run.
 */
export interface Cleanup {
  summary: string;
  stopped: string[];
  unknown?: true;
}

/**
 * What the runner knows, on Delete, of what the resource's runs did: whether there is anything for OnDelete to undo.
 * - `succeeded`: the state table keeps a successful run of the resource (a Create or an Update).
 * - `create-failed`: the PhysicalResourceId is the one a failed Create answered (FAILED_CREATE_SUFFIX): whatever
 *   the table says, since that ID names the resource CloudFormation failed to create, not a later one.
 * - `deleted`: the table keeps the tombstone of this Delete (or of a later one): an earlier delivery of it ended,
 *   teardown included.
 * - `created`: nothing kept in the table (no table, no item, or a table that cannot be read), and the
 *   PhysicalResourceId is the one a successful Create answers (the derived ID, unmarked): the Create succeeded.
 * - `unknown`: nothing kept, and an ID of another form (a resource created by an earlier runner with other IDs, or an
 *   ID CloudFormation made up for a Create that was never answered), or the tombstone of an earlier Delete; the
 *   teardown then follows the stack's status as before (`runTeardown`).
 */
export type RunsOfTheResource =
  { kind: 'succeeded' } | { kind: 'created' } | { kind: 'create-failed' } | { kind: 'deleted' } | { kind: 'unknown' };

/**
 * Reads what the resource's runs did. Must be read before the Delete leaves its tombstone (kept-attributes.ts writes
 * it once the Delete is answered); a table that cannot be read is logged and counts as no table.
 */
export async function runsOfTheResource(
  request: CloudFormationCustomResourceDeleteEvent,
  deps: Pick<RunnerDeps, 'aws' | 'clock' | 'log'>,
): Promise<RunsOfTheResource> {
  if (isFailedCreateId(request.PhysicalResourceId)) return { kind: 'create-failed' };
  try {
    const kept = await readResource(await deps.aws.stateTable(), request);
    if (kept.kind === 'nothing-kept') return createdByThisRunner(request);
    if (kept.record.kind === 'resource') return { kind: 'succeeded' };
    return kept.record.sentAt >= sentAt(request, deps) ? { kind: 'deleted' } : { kind: 'unknown' };
  } catch (error) {
    deps.log.error("Could not read the resource's record in the state table: the teardown follows the resource's ID", {
      error: errorName(error),
      message: errorSummary(error),
    });
    return createdByThisRunner(request);
  }
}

/**
 * Without a record, the PhysicalResourceId tells: the derived ID unmarked is what a successful Create answered (a
 * failed one is marked, FAILED_CREATE_SUFFIX). A runner before the marker answered the derived ID for a failed Create
 * too: only a Delete of such a resource that arrives after an upgrade made mid-rollback is torn down though its
 * Create failed (CHANGELOG).
 */
function createdByThisRunner(request: CloudFormationCustomResourceDeleteEvent): RunsOfTheResource {
  return request.PhysicalResourceId === physicalResourceId(request) ? { kind: 'created' } : { kind: 'unknown' };
}

/**
 * Runs the OnDelete teardown task with the resource's network and launch settings and watches it like a Create
 * (Timeout, hand-off, StartRetries), once the resource's tasks just stopped have ended — if and only if a run of the
 * resource succeeded, whatever the stack's status (`runs`, read before anything else of the Delete). When the runner
 * cannot know (`unknown`: nothing kept and an ID of another form), it keeps what earlier versions did: no
 * teardown while the stack rolls back a failed creation, nor when the stack's status cannot be read. `cleanup` says
 * what became of the resource's own tasks; the Reason adds the teardown's outcome.
 */
export async function runTeardown(
  request: CloudFormationCustomResourceDeleteEvent,
  properties: RunnerProperties & { onDelete: OnDelete },
  runs: RunsOfTheResource,
  cleanup: Cleanup,
  deps: RunnerDeps,
): Promise<RequestOutcome> {
  switch (runs.kind) {
    case 'create-failed':
      return answered({ status: 'SUCCESS', reason: teardownWords.skippedAfterFailedCreate(cleanup.summary) });
    case 'deleted':
      return answered({ status: 'SUCCESS', reason: teardownWords.skippedAlreadyDeleted(cleanup.summary) });
    case 'unknown': {
      const reading = await readStackStatus(request.StackId, properties, deps);
      // Not knowing is not "no rollback": a teardown during a failed creation's rollback is what the check rules out.
      if (reading.kind === 'unreadable')
        return answered({
          status: 'SUCCESS',
          reason: `${cleanup.summary} ${cannotTellCreateRollback(request.StackId, reading.cause)}`,
        });
      if (reading.status === CREATE_ROLLBACK)
        return answered({ status: 'SUCCESS', reason: teardownWords.skippedOnCreateRollback(cleanup.summary) });
      break;
    }
    case 'succeeded':
    case 'created':
      break;
  }
  // A listing that failed is not "nothing runs": the teardown never starts beside a migration that may still run.
  if (cleanup.unknown) return answered({ status: 'FAILED', reason: teardownWords.tasksUnknown(cleanup.summary) });
  const phase: TeardownPhase = { kind: 'teardown', cleanup: cleanup.summary };
  try {
    // The tasks just stopped end first (SIGTERM, then the stop timeout): the teardown never overlaps them. The run
    // answers as a teardown does (phase-policy.ts): the Delete's SUCCESS, saying how the teardown ended.
    return await startAndFollow({ request, phase }, properties, deps, cleanup.stopped);
  } catch (error) {
    logIfUnexpected(deps.log, error);
    return answered({ status: 'SUCCESS', reason: teardownWords.failed(cleanup.summary, explainError(error)) });
  }
}
