import { CREATE_ROLLBACK, UPDATE_ROLLBACK } from './stack-status';

/**
 * Whether CloudFormation still waits for a Create or Update in its stack's `status`, or has moved on from it. A
 * stack moves on from a request when another resource fails: CloudFormation cancels the resources still in progress
 * ("Resource creation cancelled") and rolls back, sending the custom resource's Delete (or the rollback's Update)
 * while the cancelled request's invocation still runs. A task started then runs a migration nobody waits for, against
 * a stack being rolled back.
 *
 * The statuses are those of CloudFormation's "Stack status codes" (AWS CloudFormation User Guide) and the
 * `StackStatus` enum of the API reference:
 * - `CREATE_IN_PROGRESS` and `UPDATE_IN_PROGRESS`: the stack waits. A Create comes in either (a resource added by an
 *   update); an Update only in an update.
 * - `UPDATE_ROLLBACK_IN_PROGRESS`: an Update then is the rollback's own request (the old properties), which runs only
 *   with RunOnRollback. A Create never is: a rollback restores resources that still exist, it creates none.
 * - `ROLLBACK_IN_PROGRESS` (a failed creation is deleted), `IMPORT_ROLLBACK_IN_PROGRESS`, `DELETE_IN_PROGRESS`, the
 *   cleanup phases (`*_COMPLETE_CLEANUP_IN_PROGRESS`: only Deletes follow), and every `*_COMPLETE` or `*_FAILED`
 *   status: nothing waits for a Create or Update any more.
 * - Any other status (`REVIEW_IN_PROGRESS`, `IMPORT_IN_PROGRESS`, one added later) is not taken for a cancellation.
 */
export type StackStance =
  | { kind: 'waits' }
  /** `why`: what the status means for the request, in words for the Reason. */
  | { kind: 'moved-on'; status: string; why: string };

export function stackStance(requestType: 'Create' | 'Update', status: string, runOnRollback: boolean): StackStance {
  const movedOn = (why: string): StackStance => ({ kind: 'moved-on', status, why });
  if (status === CREATE_ROLLBACK)
    return movedOn('a resource of the stack failed, and its creation is being rolled back');
  if (status === UPDATE_ROLLBACK) {
    if (requestType === 'Update' && runOnRollback) return { kind: 'waits' };
    return movedOn(
      requestType === 'Create'
        ? 'the update that added this resource failed, and is being rolled back'
        : 'the update failed and is being rolled back, and RunOnRollback is false',
    );
  }
  if (status === 'IMPORT_ROLLBACK_IN_PROGRESS') return movedOn('the stack is rolling back an import');
  if (status === 'DELETE_IN_PROGRESS') return movedOn('the stack is being deleted');
  if (status.includes('_COMPLETE') || status.endsWith('_FAILED'))
    return movedOn('the stack operation this request belonged to has ended');
  return { kind: 'waits' };
}
