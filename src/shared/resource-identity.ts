import { createHash } from 'node:crypto';
import { stackName } from './arns';

/** The parts of a CloudFormation request that identify the resource and the request. */
export interface RequestIdentity {
  StackId: string;
  LogicalResourceId: string;
  RequestId: string;
}

/**
 * The resource's PhysicalResourceId: the same in every response for this resource (Create, Update, Delete, and a
 * failed Create), so that an Update never looks like a replacement to CloudFormation.
 */
export function physicalResourceId(request: Pick<RequestIdentity, 'StackId' | 'LogicalResourceId'>): string {
  return `${stackName(request.StackId) ?? 'stack'}-${request.LogicalResourceId}-${digest(request.StackId, request.LogicalResourceId).slice(0, 12)}`;
}

/**
 * What the PhysicalResourceId of a failed Create ends with (after the derived ID). CloudFormation follows a failed
 * Create with a Delete of whatever ID the failure answered, so that Delete knows from its ID alone that the Create
 * did nothing to undo: its OnDelete teardown does not run (requests/teardown.ts). Stable across versions: a Delete
 * answered by a later runner must still recognise the ID an earlier one gave.
 */
export const FAILED_CREATE_SUFFIX = '/create-failed';

/**
 * The PhysicalResourceId to answer with. Update and Delete answer with the one the request carries: a changed ID
 * would tell CloudFormation the resource was replaced (and it would then Delete the old one) — which also keeps
 * resources created by an older runner, with other IDs, as they are, and a failed Update keeps its ID too. Create
 * answers the derived one, marked with FAILED_CREATE_SUFFIX when it fails (`status` FAILED).
 */
export function answeredPhysicalResourceId(
  request: Pick<RequestIdentity, 'StackId' | 'LogicalResourceId'> &
    ({ RequestType: 'Create' } | { RequestType: 'Update' | 'Delete'; PhysicalResourceId: string }),
  status: 'SUCCESS' | 'FAILED' = 'SUCCESS',
): string {
  if (request.RequestType !== 'Create' && request.PhysicalResourceId) return request.PhysicalResourceId;
  const derived = physicalResourceId(request);
  return request.RequestType === 'Create' && status === 'FAILED' ? `${derived}${FAILED_CREATE_SUFFIX}` : derived;
}

/** Whether a PhysicalResourceId is the one a failed Create answered (FAILED_CREATE_SUFFIX). */
export function isFailedCreateId(physicalResourceId: string): boolean {
  return physicalResourceId.endsWith(FAILED_CREATE_SUFFIX);
}

/**
 * RunTask's `clientToken` (≤ 64 ASCII characters): one per request and attempt, so that a duplicate delivery of the
 * same request gets the tasks already started instead of new ones, and each StartRetries attempt starts its own.
 * The first attempt's token is the request's alone.
 */
export function clientToken(request: RequestIdentity, attempt = 1): string {
  return attempt === 1
    ? requestTag(request)
    : digest(request.StackId, request.LogicalResourceId, request.RequestId, `attempt ${attempt}`);
}

/** The value of the tag on every task of this request: the same for each attempt, each delivery and each invocation. */
export function requestTag(request: RequestIdentity): string {
  return digest(request.StackId, request.LogicalResourceId, request.RequestId);
}

/**
 * The value of the resource's tag on every task it starts (RESOURCE_TAG_KEY): the same for each request of the
 * resource, so a Delete or a later run knows the resource's tasks whatever their StartedBy. Marked apart from the
 * other digests, so it is none of them.
 */
export function resourceTag(request: Pick<RequestIdentity, 'StackId' | 'LogicalResourceId'>): string {
  return digest('resource', request.StackId, request.LogicalResourceId);
}

/**
 * RunTask's `startedBy` for this resource (≤ 128 of `[A-Za-z0-9-/_]`), readable in the ECS console and used to
 * find the resource's tasks on Delete.
 */
export function defaultStartedBy(request: Pick<RequestIdentity, 'StackId' | 'LogicalResourceId'>): string {
  return `cfn/${request.LogicalResourceId.slice(0, 100)}/${digest(request.StackId, request.LogicalResourceId).slice(0, 16)}`;
}

/** The resource's `startedBy`: the StartedBy the template declares, or the default one (`declared` undefined). */
export function resourceStartedBy(
  request: Pick<RequestIdentity, 'StackId' | 'LogicalResourceId'>,
  declared: string | undefined,
): string {
  return declared ?? defaultStartedBy(request);
}

/** The OnDelete teardown task's `startedBy`: the resource's, marked, so that stopping the resource's tasks never finds it. */
export function teardownStartedBy(startedBy: string): string {
  return `${startedBy.slice(0, 128 - TEARDOWN_SUFFIX.length)}${TEARDOWN_SUFFIX}`;
}

const TEARDOWN_SUFFIX = '/teardown';

function digest(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('hex');
}
