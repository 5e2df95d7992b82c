import { errorMessage, errorName, isPermissionDenied, isStackNotFound, isTransient } from '../aws/aws-errors';
import type { CloudFormationApi } from '../aws/ports';
import type { RunnerProperties } from '../properties/runner-properties';
import { arnFields } from '../shared/arns';
import { MIN_INVOCATION_MS } from '../tasks/watch-tasks';
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

/** Waits between DescribeStacks attempts after throttling or a transient error: doubling, at most 20 s. */
export function stackStatusRetryDelayMs(attempt: number): number {
  return Math.min(20_000, 1000 * 2 ** attempt);
}

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

  const retryUntil = Math.min(
    until,
    clock.now() + effectiveTimeout(properties).seconds * 1000,
    clock.now() + invocation.remainingTimeMs() - MIN_INVOCATION_MS,
  );
  let api: CloudFormationApi;
  if (roleArn === undefined) api = await deps.aws.cloudFormation();
  else {
    try {
      api = await deps.aws.cloudFormationAs(roleArn);
    } catch (error) {
      return unreadable({ kind: 'role-refused', roleArn, error: `${errorName(error)}: ${errorMessage(error)}` });
    }
  }
  for (let attempt = 0; ; attempt++) {
    try {
      const status = await api.stackStatus(stackId);
      return status === undefined ? unreadable({ kind: 'not-found', roleArn }) : { kind: 'read', status };
    } catch (error) {
      const described = `${errorName(error)}: ${errorMessage(error)}`;
      if (isStackNotFound(error)) return unreadable({ kind: 'not-found', roleArn });
      if (isPermissionDenied(error)) return unreadable({ kind: 'denied', roleArn, error: described });
      if (!isTransient(error)) return unreadable({ kind: 'failed', error: described });
      const delay = stackStatusRetryDelayMs(attempt);
      if (clock.now() + delay > retryUntil)
        return unreadable({ kind: 'gave-up', error: described, attempts: attempt + 1 });
      deps.log.warn('DescribeStacks failed; retrying', {
        attempt: attempt + 1,
        error: errorName(error),
        delayMs: delay,
      });
      await clock.sleep(delay);
    }
  }
}

function unreadable(cause: UnreadableCause): StackStatusReading {
  return { kind: 'unreadable', cause };
}
