import type { RunnerProperties } from '../properties/runner-properties';
import type { LifecycleDependencies, RunRequest } from './contract';
import { type StackStance, stackStance } from './stack-moved-on';
import { readStackStatus } from './stack-status-reader';

/**
 * How long the check before a RunTask keeps asking DescribeStacks through throttling: a minute of a busy
 * CloudFormation is no reason to hold the migration back longer.
 */
export const STACK_CHECK_PATIENCE_MS = 60_000;

/**
 * Whether CloudFormation still waits for `request`, read from its stack's status just before a RunTask (and just
 * after one). A status that cannot be read — a stack in another account without StackStatusRoleArn, DescribeStacks
 * denied or failing past the patience — is not taken for a cancellation: the run goes on as it did before this check
 * existed, and the log says why it could not tell.
 */
export async function stackStillWaits(
  request: RunRequest,
  properties: Pick<
    RunnerProperties,
    'stackStatusRoleArn' | 'timeoutSeconds' | 'serviceTimeoutSeconds' | 'runOnRollback'
  >,
  deadline: number,
  deps: LifecycleDependencies,
): Promise<StackStance> {
  const until = Math.min(deadline, deps.clock.now() + STACK_CHECK_PATIENCE_MS);
  const reading = await readStackStatus(request.StackId, properties, deps, until);
  if (reading.kind === 'unreadable') {
    // Expected for every stack of another account without StackStatusRoleArn; anything else is worth a warning.
    const level = reading.cause.kind === 'other-account' ? 'info' : 'warn';
    deps.log[level](
      "The stack's status could not be read: RunTask goes ahead without knowing if CloudFormation still waits",
      {
        cause: reading.cause,
      },
    );
    return { kind: 'waits' };
  }
  return stackStance(request.RequestType, reading.status, properties.runOnRollback);
}
