import { errorMessage, errorName, isPermissionDenied, isStackNotFound, isTransient } from '../aws/aws-errors';
import type { CloudFormationApi } from '../aws/ports';
import type { RunnerProperties } from '../properties/runner-properties';
import { arnFields } from '../shared/arns';
import { throttledCallDelayMs } from '../runtime/delays';
import { retry } from '../runtime/retry';
import { MIN_INVOCATION_MS, timeBudget } from '../runtime/time-budget';
import type { LifecycleDependencies } from './contract';
import { effectiveTimeout } from './deadline';

/** Why a stack's status could not be read: facts, which unreadable-stack-status.ts puts into words. */
export type UnreadableCause =
  /** DescribeStacks sees only the caller's account, and no StackStatusRoleArn was given. */
  | { kind: 'other-account'; stackAccount: string; ownAccount: string | undefined }
  /** StackStatusRoleArn is a role of another account than the stack's: it cannot see the stack either. */
  | { kind: 'role-elsewhere'; roleArn: string; stackAccount: string | undefined }
  /** sts:AssumeRole of StackStatusRoleArn failed. */
  | { kind: 'role-refused'; roleArn: string; error: string }
  | { kind: 'denied'; roleArn: string | undefined; error: string }
  | { kind: 'not-found'; roleArn: string | undefined }
  /** Throttling or a transient error lasted until the time to read it ran out. */
  | { kind: 'gave-up'; error: string; attempts: number }
  | { kind: 'failed'; error: string };

export type StackStatusReading = { kind: 'read'; status: string } | { kind: 'unreadable'; cause: UnreadableCause };

/**
 * The status of the stack `stackId` names, read with the runner's own role when the stack is in the runner's
 * account, or with StackStatusRoleArn (assumed) when one is given. Throttling and transient errors are retried with
 * backoff while the request's Timeout and this invocation allow (or until `until`, epoch ms, when that is sooner);
 * anything else is final. The caller decides what not knowing means — never "no rollback".
 */
export async function readStackStatus(
  stackId: string,
  properties: Pick<RunnerProperties, 'stackStatusRoleArn' | 'timeoutSeconds' | 'serviceTimeoutSeconds'>,
  deps: LifecycleDependencies,
  until = Infinity,
): Promise<StackStatusReading> {
  const { clock, invocation } = deps;
  const roleArn = properties.stackStatusRoleArn;
  const stackAccount = arnFields(stackId)?.account;
  const ownAccount = arnFields(invocation.functionArn)?.account;
  if (roleArn === undefined && stackAccount !== ownAccount)
    return unreadable({ kind: 'other-account', stackAccount: stackAccount ?? 'unknown', ownAccount });
  if (roleArn !== undefined && arnFields(roleArn)?.account !== stackAccount)
    return unreadable({ kind: 'role-elsewhere', roleArn, stackAccount });

  // Never past the Timeout, and with the time a run needs still left in this invocation.
  const budget = timeBudget(Math.min(until, clock.now() + effectiveTimeout(properties).seconds * 1000), deps);
  const retryUntil = budget.callUntil(MIN_INVOCATION_MS);
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
    const status = await retry(
      () => api.stackStatus(stackId),
      {
        retryable: (error) => !isStackNotFound(error) && !isPermissionDenied(error) && isTransient(error),
        delay: (failures) => throttledCallDelayMs(failures - 1),
        until: { time: retryUntil, lastWait: 'must-fit' },
        onRetry: ({ attempt, error, delayMs }) =>
          deps.log.warn('DescribeStacks failed; retrying', { attempt, error: errorName(error), delayMs }),
        onGiveUp: (event) => {
          attempts = event.attempts;
        },
      },
      clock,
    );
    return status === undefined ? unreadable({ kind: 'not-found', roleArn }) : { kind: 'read', status };
  } catch (error) {
    const described = `${errorName(error)}: ${errorMessage(error)}`;
    if (isStackNotFound(error)) return unreadable({ kind: 'not-found', roleArn });
    if (isPermissionDenied(error)) return unreadable({ kind: 'denied', roleArn, error: described });
    if (!isTransient(error)) return unreadable({ kind: 'failed', error: described });
    return unreadable({ kind: 'gave-up', error: described, attempts });
  }
}

function unreadable(cause: UnreadableCause): StackStatusReading {
  return { kind: 'unreadable', cause };
}
