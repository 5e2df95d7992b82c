/**
 * What kind of failure an AWS call ended in: decided here only, for every caller. No other module looks at an
 * error's name or message to decide what it means.
 */

/** The error's name as the SDK sets it (`AccessDeniedException`, `ThrottlingException`, ...). */
export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'Error';
}

/** The error's own message, without its name. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The caller lacks an IAM permission (each service spells it differently). */
export function isPermissionDenied(error: unknown): boolean {
  return /AccessDenied|UnauthorizedOperation|not authorized/i.test(`${errorName(error)} ${String(error)}`);
}

/** Worth trying again: throttling, a server-side fault, or the network. The SDK has already retried it. */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return (
    /Throttl|RequestLimitExceeded|TooManyRequests|ServerException|ServiceUnavailable|TimeoutError|ECONNRESET|ETIMEDOUT|EAI_AGAIN|socket hang up/i.test(`${error.name} ${error.message}`) ||
    (status !== undefined && status >= 500)
  );
}

/** ECS does not know the cluster. */
export function isClusterNotFound(error: unknown): boolean {
  return errorName(error) === 'ClusterNotFoundException';
}

/** ECS has no task definition by that family, revision or ARN. */
export function isTaskDefinitionNotFound(error: unknown): boolean {
  // ECS answers ClientException "Unable to describe task definition."; moto words it differently.
  return error instanceof Error && /unable to describe task definition|not found|does not exist/i.test(errorMessage(error));
}

/** CloudWatch Logs (and others) say a named resource does not exist. */
export function isResourceNotFound(error: unknown): boolean {
  return errorName(error) === 'ResourceNotFoundException';
}
