/** What kind of failure an AWS call ended in: decided here only, for every caller. */

/** The error's name as the SDK sets it (`AccessDeniedException`, `ThrottlingException`, ...). */
export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'Error';
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
