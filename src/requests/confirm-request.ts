import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import type { StackResourceFacts } from '../aws/ports';
import type { UnreadableCause } from '../answers/wording';
import type { RunnerDeps } from '../run/contract';
import { readFromStack, stackStatusRole } from '../run/checks/stack-status';
import { STACK_CHECK_PATIENCE_MS } from '../runtime/time-budget';

/**
 * Whether a request that came through the topic is CloudFormation's. StackId, LogicalResourceId and ResourceType are
 * whatever the publisher wrote: a message published straight to the topic can name another team's stack. What
 * CloudFormation reports of that resource (DescribeStackResource) cannot be forged: while it waits for a custom
 * resource, the resource exists, has the type the template gave it, and is in the in-progress status of the request.
 *
 * - `confirmed`: CloudFormation reports the resource as the request implies.
 * - `contradicted`: CloudFormation reports the resource otherwise (another type, a status in which it waits for no
 *   request of this kind), or the read failed in a way that is not "unreadable" (throttled past the patience, an
 *   unexpected error): nothing confirms the request.
 * - `unreadable`: the runner cannot see the stack — another account without a stack-status role, AccessDenied, the
 *   role refused, or "does not exist". The caller decides, by the account (answer-cloudformation.ts).
 */
export type RequestConfirmation =
  | { kind: 'confirmed' }
  | { kind: 'contradicted'; found: StackResourceFacts | undefined; problem: string }
  | { kind: 'unreadable'; cause: UnreadableCause };

/**
 * The resource statuses in which CloudFormation waits for a request of each type (StackResourceDetail.ResourceStatus,
 * CloudFormation API reference). A Create comes while the resource is CREATE_IN_PROGRESS; an Update while it is
 * UPDATE_IN_PROGRESS, the rollback's Update (the old properties, stack in UPDATE_ROLLBACK_IN_PROGRESS) too; a Delete
 * while it is DELETE_IN_PROGRESS, in a deletion, in the rollback of a failed creation (stack ROLLBACK_IN_PROGRESS) or
 * of an update that added it. The API also lists resource-level UPDATE_ROLLBACK_IN_PROGRESS and ROLLBACK_IN_PROGRESS;
 * the documentation does not say when a custom resource shows them, so they are taken as the rollback's forms of
 * Update and Delete rather than refused.
 */
export const WAITING_STATUSES: Readonly<Record<'Create' | 'Update' | 'Delete', readonly string[]>> = {
  Create: ['CREATE_IN_PROGRESS'],
  Update: ['UPDATE_IN_PROGRESS', 'UPDATE_ROLLBACK_IN_PROGRESS'],
  Delete: ['DELETE_IN_PROGRESS', 'ROLLBACK_IN_PROGRESS'],
};

/** Causes that mean the runner cannot see the stack at all (not a throttled or failing CloudFormation). */
const UNREADABLE = new Set<UnreadableCause['kind']>([
  'other-account',
  'role-elsewhere',
  'role-refused',
  'denied',
  'not-found',
]);

/**
 * Reads the request's resource (with the runner's role in its own account, or the stack-status role: the resource's
 * StackStatusRoleArn, or STACK_STATUS_ROLE_NAME in the stack's account) and says whether it confirms the request.
 * Throttling and 5xx are retried for up to STACK_CHECK_PATIENCE_MS.
 */
export async function confirmRequest(
  request: CloudFormationCustomResourceEvent,
  deps: RunnerDeps,
): Promise<RequestConfirmation> {
  const given: unknown = request.ResourceProperties.StackStatusRoleArn;
  const roleArn = stackStatusRole(request.StackId, typeof given === 'string' ? given : undefined, deps);
  const reading = await readFromStack(
    request.StackId,
    roleArn,
    'DescribeStackResource',
    (api) => api.stackResource(request.StackId, request.LogicalResourceId),
    deps,
    deps.clock.now() + STACK_CHECK_PATIENCE_MS,
  );
  if (reading.kind === 'unreadable') {
    if (UNREADABLE.has(reading.cause.kind)) return reading;
    return {
      kind: 'contradicted',
      found: undefined,
      problem: `DescribeStackResource did not answer: ${describe(reading.cause)}`,
    };
  }
  const found = reading.value;
  if (found.resourceType !== request.ResourceType)
    return {
      kind: 'contradicted',
      found,
      problem: `CloudFormation reports a resource of type ${found.resourceType}, not ${request.ResourceType}`,
    };
  const waiting = WAITING_STATUSES[request.RequestType];
  if (!waiting.includes(found.resourceStatus))
    return {
      kind: 'contradicted',
      found,
      problem:
        `CloudFormation reports the resource ${found.resourceStatus}, and waits for a ${request.RequestType} ` +
        `only while it is ${waiting.join(' or ')}`,
    };
  return { kind: 'confirmed' };
}

function describe(cause: UnreadableCause): string {
  if (cause.kind === 'gave-up') return `${cause.error} (after ${String(cause.attempts)} attempts)`;
  return 'error' in cause ? cause.error : cause.kind;
}
