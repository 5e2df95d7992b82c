import { errorMessage, errorName, isPermissionDenied, isStackNotFound, isTransient } from '../../aws/aws-errors';
import type { CloudFormationApi } from '../../aws/ports';
import type { RunnerProperties } from '../../properties/runner-properties';
import { arnFields } from '../../shared/arns';
import { throttledCallDelayMs } from '../../runtime/delays';
import { retry } from '../../runtime/retry';
import { MIN_INVOCATION_MS, STACK_CHECK_PATIENCE_MS, timeBudget, type TimeBudget } from '../../runtime/time-budget';
import { stackMovedOnWhy as why, type UnreadableCause } from '../../answers/wording';
import type { RunnerDeps, RunRequest } from '../contract';
import { effectiveTimeout } from '../deadline';

/**
 * The stack's status, in one place: reading it (DescribeStacks, with the runner's role or StackStatusRoleArn), what a
 * status means for a Create or an Update (does CloudFormation still wait for it?), and the check a run makes right
 * before and after each RunTask. Its Reasons are in answers/wording.ts.
 */

/** The stack status during which a failed update's properties are being rolled back. */
export const UPDATE_ROLLBACK = 'UPDATE_ROLLBACK_IN_PROGRESS';

/** The stack status while a stack whose creation failed deletes what it created. */
export const CREATE_ROLLBACK = 'ROLLBACK_IN_PROGRESS';

export type StackStatusReading = { kind: 'read'; status: string } | { kind: 'unreadable'; cause: UnreadableCause };

/**
 * The status of the stack `stackId` names, read with the runner's own role when the stack is in the runner's
 * account, or with a stack-status role (assumed) when one is given (`stackStatusRole`). Throttling and transient
 * errors are retried with backoff while the request's Timeout and this invocation allow (or until `until`, epoch ms,
 * when that is sooner); anything else is final. The caller decides what not knowing means — never "no rollback".
 */
export async function readStackStatus(
  stackId: string,
  properties: Pick<RunnerProperties, 'stackStatusRoleArn' | 'timeoutSeconds' | 'serviceTimeoutSeconds'>,
  deps: RunnerDeps,
  until = Infinity,
): Promise<StackStatusReading> {
  // Never past the Timeout.
  const before = Math.min(until, deps.clock.now() + effectiveTimeout(properties).seconds * 1000);
  const roleArn = stackStatusRole(stackId, properties.stackStatusRoleArn, deps);
  const reading = await readFromStack(
    stackId,
    roleArn,
    'DescribeStacks',
    (api) => api.stackStatus(stackId),
    deps,
    before,
  );
  return reading.kind === 'read' ? { kind: 'read', status: reading.value } : reading;
}

/**
 * The role that reads the stack `stackId` names: the resource's StackStatusRoleArn when it gives one; for a stack of
 * another account, the role STACK_STATUS_ROLE_NAME names there (the same name in every account); none (the runner's
 * own role) otherwise.
 */
export function stackStatusRole(
  stackId: string,
  roleArn: string | undefined,
  deps: Pick<RunnerDeps, 'invocation' | 'stackStatusRoleName'>,
): string | undefined {
  if (roleArn !== undefined) return roleArn;
  const stack = arnFields(stackId);
  const own = arnFields(deps.invocation.functionArn);
  if (deps.stackStatusRoleName === undefined || stack === undefined || stack.account === own?.account) return undefined;
  return `arn:${stack.partition}:iam::${stack.account}:role/${deps.stackStatusRoleName}`;
}

export type StackReading<T> = { kind: 'read'; value: T } | { kind: 'unreadable'; cause: UnreadableCause };

/**
 * One read (`what`, the API action, for the log) of the stack `stackId` names, with `roleArn` (assumed) or the
 * runner's own role when the stack is in its account. Throttling and transient errors are retried with backoff until
 * `until` (epoch ms) while this invocation still has the time a run needs; AccessDenied, "does not exist" and any
 * other error are final. An undefined answer is "does not exist".
 */
export async function readFromStack<T>(
  stackId: string,
  roleArn: string | undefined,
  what: string,
  read: (api: CloudFormationApi) => Promise<T | undefined>,
  deps: RunnerDeps,
  until: number,
): Promise<StackReading<T>> {
  const { clock, invocation } = deps;
  const stackAccount = arnFields(stackId)?.account;
  const ownAccount = arnFields(invocation.functionArn)?.account;
  if (roleArn === undefined && stackAccount !== ownAccount)
    return unreadable({ kind: 'other-account', stackAccount: stackAccount ?? 'unknown', ownAccount });
  if (roleArn !== undefined && arnFields(roleArn)?.account !== stackAccount)
    return unreadable({ kind: 'role-elsewhere', roleArn, stackAccount });

  // With the time a run needs still left in this invocation.
  const retryUntil = timeBudget(until, deps).callUntil(MIN_INVOCATION_MS);
  let api: CloudFormationApi;
  if (roleArn === undefined) api = await deps.aws.cloudFormation();
  else {
    try {
      api = await deps.aws.cloudFormationAs(roleArn);
    } catch (error) {
      return unreadable({ kind: 'role-refused', roleArn, error: `${errorName(error)}: ${errorMessage(error)}` });
    }
  }
  let attempts = 0;
  try {
    const value = await retry(
      () => read(api),
      {
        retryable: (error) => !isStackNotFound(error) && !isPermissionDenied(error) && isTransient(error),
        delay: (failures) => throttledCallDelayMs(failures - 1),
        until: { time: retryUntil, lastWait: 'must-fit' },
        onRetry: ({ attempt, error, delayMs }) =>
          deps.log.warn(`${what} failed; retrying`, { attempt, error: errorName(error), delayMs }),
        onGiveUp: (event) => {
          attempts = event.attempts;
        },
      },
      clock,
    );
    return value === undefined ? unreadable({ kind: 'not-found', roleArn }) : { kind: 'read', value };
  } catch (error) {
    const described = `${errorName(error)}: ${errorMessage(error)}`;
    if (isStackNotFound(error)) return unreadable({ kind: 'not-found', roleArn });
    if (isPermissionDenied(error)) return unreadable({ kind: 'denied', roleArn, error: described });
    if (!isTransient(error)) return unreadable({ kind: 'failed', error: described });
    return unreadable({ kind: 'gave-up', error: described, attempts });
  }
}

function unreadable(cause: UnreadableCause): { kind: 'unreadable'; cause: UnreadableCause } {
  return { kind: 'unreadable', cause };
}

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
  const movedOn = (words: string): StackStance => ({ kind: 'moved-on', status, why: words });
  if (status === CREATE_ROLLBACK) return movedOn(why.createRollback);
  if (status === UPDATE_ROLLBACK) {
    if (requestType === 'Update' && runOnRollback) return { kind: 'waits' };
    return movedOn(requestType === 'Create' ? why.addingUpdateRollback : why.updateRollback);
  }
  if (status === 'IMPORT_ROLLBACK_IN_PROGRESS') return movedOn(why.importRollback);
  if (status === 'DELETE_IN_PROGRESS') return movedOn(why.deleting);
  if (status.includes('_COMPLETE') || status.endsWith('_FAILED')) return movedOn(why.ended);
  return { kind: 'waits' };
}

/**
 * Whether CloudFormation still waits for `request`, read from its stack's status just before a RunTask (and just
 * after one), or `unreadable` with why — a stack in another account without StackStatusRoleArn, DescribeStacks
 * denied or failing past STACK_CHECK_PATIENCE_MS. The caller decides what not knowing means (`goesAheadUnread`).
 */
export async function stackStillWaits(
  request: RunRequest,
  properties: Pick<
    RunnerProperties,
    'stackStatusRoleArn' | 'timeoutSeconds' | 'serviceTimeoutSeconds' | 'runOnRollback'
  >,
  budget: TimeBudget,
  deps: RunnerDeps,
): Promise<StackStance | { kind: 'unreadable'; cause: UnreadableCause }> {
  const until = budget.patienceUntil(STACK_CHECK_PATIENCE_MS);
  const reading = await readStackStatus(request.StackId, properties, deps, until);
  if (reading.kind === 'unreadable') return reading;
  return stackStance(request.RequestType, reading.status, properties.runOnRollback);
}

/** Unreadable causes that asking again cannot change: the account, the role, a denial, an unknown stack. */
const UNREADABLE_FOR_GOOD = new Set<UnreadableCause['kind']>([
  'other-account',
  'role-elsewhere',
  'role-refused',
  'denied',
  'not-found',
]);

/**
 * Whether a run goes ahead without knowing its stack's status. After RunTask it always does: what started is the
 * resource's, and an unreadable status never stops it. Before RunTask it does — as it did before the check existed —
 * except for a Create with RunOnRollback false whose stack cannot be read for good (not a throttled, failing or
 * unexpected DescribeStacks error, which may answer next time): every later Update of that resource must read the
 * status to tell an update from a rollback, and would fail, the rollback's Update too, leaving the stack in
 * UPDATE_ROLLBACK_FAILED.
 * Refused at the Create, the fix (StackStatusRoleArn, or RunOnRollback true) costs one failed deployment instead.
 */
export function goesAheadUnread(
  moment: 'before-run-task' | 'after-run-task',
  requestType: string,
  properties: Pick<RunnerProperties, 'runOnRollback'>,
  cause: UnreadableCause,
  deps: Pick<RunnerDeps, 'log'>,
): boolean {
  const forGood = UNREADABLE_FOR_GOOD.has(cause.kind);
  if (moment === 'before-run-task' && requestType === 'Create' && !properties.runOnRollback && forGood) return false;
  // Expected for every stack of another account without StackStatusRoleArn; anything else is worth a warning.
  const level = cause.kind === 'other-account' ? 'info' : 'warn';
  deps.log[level](
    "The stack's status could not be read: RunTask goes ahead without knowing if CloudFormation still waits",
    {
      cause,
    },
  );
  return true;
}
