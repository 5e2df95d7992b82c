import type { RunnerProperties } from '../properties/runner-properties';
import { STACK_CHECK_PATIENCE_MS, type TimeBudget } from '../runtime/time-budget';
import type { LifecycleDependencies, RunRequest } from './contract';
import { type StackStance, stackStance } from './stack-moved-on';
import { readStackStatus } from './stack-status-reader';

/**
 * Whether CloudFormation still waits for `request`, read from its stack's status just before a RunTask (and just
 * after one). A status that cannot be read — a stack in another account without StackStatusRoleArn, DescribeStacks
 * denied or failing past STACK_CHECK_PATIENCE_MS — is not taken for a cancellation: the run goes on as it did
 * before this check existed, and the log says why it could not tell.
 */
export async function stackStillWaits(
  request: RunRequest,
  properties: Pick<
    RunnerProperties,
    'stackStatusRoleArn' | 'timeoutSeconds' | 'serviceTimeoutSeconds' | 'runOnRollback'
  >,
  budget: TimeBudget,
  deps: LifecycleDependencies,
): Promise<StackStance> {
  const until = budget.patienceUntil(STACK_CHECK_PATIENCE_MS);
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
