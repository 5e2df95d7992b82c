import type { CloudFormationCustomResourceDeleteEvent } from 'aws-lambda';
import type { OnDelete } from '../properties/on-delete';
import type { RunnerProperties } from '../properties/runner-properties';
import { answered, type RunnerDeps, type RequestOutcome } from '../run/contract';
import { explainError, logIfUnexpected } from '../answers/error-explanation';
import type { TeardownPhase } from '../run/run-state';
import { teardownWords } from '../answers/wording';
import { startAndFollow } from '../run/start-run';
import { CREATE_ROLLBACK, readStackStatus } from '../run/stack-status';
import { cannotTellCreateRollback } from '../answers/wording';

/** What became of the resource's tasks on Delete: said in the Reason; `stopped` ones end before a teardown starts. */
export interface Cleanup {
  summary: string;
  stopped: string[];
}

/**
 * Runs the OnDelete teardown task with the resource's network and launch settings and watches it like a Create
 * (Timeout, hand-off, StartRetries), once the resource's tasks just stopped have ended. Skipped while the stack
 * rolls back a failed creation: nothing was created that needs tearing down; and when the stack's status cannot be
 * read, as the runner then cannot tell. `cleanup` says what became of the resource's own tasks; the Reason adds the
 * teardown's outcome.
 */
export async function runTeardown(
  request: CloudFormationCustomResourceDeleteEvent,
  properties: RunnerProperties & { onDelete: OnDelete },
  cleanup: Cleanup,
  deps: RunnerDeps,
): Promise<RequestOutcome> {
  const reading = await readStackStatus(request.StackId, properties, deps);
  // Not knowing is not "no rollback": a teardown during a failed creation's rollback is what the check rules out.
  if (reading.kind === 'unreadable')
    return answered({
      status: 'SUCCESS',
      reason: `${cleanup.summary} ${cannotTellCreateRollback(request.StackId, reading.cause)}`,
    });
  if (reading.status === CREATE_ROLLBACK) {
    return answered({ status: 'SUCCESS', reason: teardownWords.skippedOnCreateRollback(cleanup.summary) });
  }
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
