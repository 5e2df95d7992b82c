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

/**
 * The error's message on one line, without what the SDK appends on new lines (its deserialization notes): a Reason
 * is one line.
 */
export function errorSummary(error: unknown): string {
  return errorMessage(error)
    .replace(/\s*Deserialization error:.*$/s, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The caller lacks an IAM permission (each service spells it differently). */
export function isPermissionDenied(error: unknown): boolean {
  return /AccessDenied|UnauthorizedOperation|not authorized/i.test(`${errorName(error)} ${String(error)}`);
}

/**
 * The action an IAM refusal names: "User: ARN is not authorized to perform: ecs:ListTasks on resource: ..."
 * (IAM User Guide, "Troubleshoot access denied error messages"). Undefined when the message does not say.
 */
export function deniedAction(error: unknown): string | undefined {
  return /not authorized to perform:?\s+([a-z0-9-]+:[A-Za-z0-9]+)/i.exec(errorMessage(error))?.[1];
}

/** The HTTP status AWS (or whatever stood in its way) answered with, when one is known. */
export function httpStatus(error: unknown): number | undefined {
  if (!(error instanceof Error)) return undefined;
  const withStatus = error as { $metadata?: { httpStatusCode?: number }; $response?: { statusCode?: number } };
  return withStatus.$metadata?.httpStatusCode ?? withStatus.$response?.statusCode;
}

/**
 * The answer could not be read: its body is not what the API speaks (an HTML 502 page from a proxy or load
 * balancer). The SDK then throws the parser's error (a SyntaxError for JSON, "XML parse error" for XML) with the raw
 * response attached as `$response` and a note "Deserialization error: ..." in its message, with or without
 * `$metadata` depending on the SDK's version; an error page the XML parser did read has no AWS error code: the SDK
 * names it `Unknown`. A service's own error (ThrottlingException, ...) also carries `$response`, and `$fault`.
 */
export function isUnreadableAnswer(error: unknown): boolean {
  if (!(error instanceof Error) || !('$response' in error)) return false;
  if (/Deserialization error/i.test(error.message) || !('$fault' in error)) return true;
  return error.name === 'Unknown' || error.name === 'UnknownError';
}

/**
 * AWS asked to slow down. ECS passes EC2's throttling through RunTask as
 * `InvalidParameterException: ... Rate exceeded (ErrorCode: Throttling)`.
 */
export function isThrottled(error: unknown): boolean {
  return /Throttl|Rate exceeded|RequestLimitExceeded|TooManyRequests|SlowDown/i.test(
    `${errorName(error)} ${errorMessage(error)}`,
  );
}

/**
 * Worth trying again: throttling, a server-side fault, an unreadable answer, or the network. The SDK has already
 * retried most of these; a caller that retries must do so with the same idempotency token.
 */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = httpStatus(error);
  return (
    isThrottled(error) ||
    isUnreadableAnswer(error) ||
    /ServerException|ServiceUnavailable|InternalFailure|TimeoutError|ECONNRESET|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|socket hang up/i.test(
      `${error.name} ${error.message}`,
    ) ||
    (status !== undefined && status >= 500)
  );
}

/**
 * RunTask's `ConflictException`: a request with the same clientToken already started tasks (with other
 * parameters, or within the 24 hours ECS keeps the token). Returns the ARNs it names, or undefined for other errors.
 */
export function conflictingTaskArns(error: unknown): string[] | undefined {
  if (errorName(error) !== 'ConflictException') return undefined;
  const ids = (error as { resourceIds?: unknown }).resourceIds;
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
}

/** Lambda's recursive loop detection refused the invocation. */
export function isRecursionStopped(error: unknown): boolean {
  return errorName(error) === 'RecursiveInvocationException';
}

/** RunTask refused the network configuration (a subnet or security group that does not exist, or another VPC). */
export function isNetworkRejected(error: unknown): boolean {
  return (
    errorName(error) === 'InvalidParameterException' &&
    !isThrottled(error) &&
    /subnet|security group/i.test(errorMessage(error))
  );
}

/**
 * ECS refused the request's parameters (`InvalidParameterException`), other than EC2 throttling passed through it
 * (`isThrottled`): asking again the same way cannot change the answer.
 */
export function isInvalidParameter(error: unknown): boolean {
  return errorName(error) === 'InvalidParameterException' && !isThrottled(error);
}

/** RunTask found no container instance in the cluster (an Auto Scaling group scaling out from zero, say). */
export function isNoContainerInstances(error: unknown): boolean {
  return /No Container Instances were found/i.test(`${errorName(error)} ${errorMessage(error)}`);
}

/** ECS does not know the cluster. */
export function isClusterNotFound(error: unknown): boolean {
  return errorName(error) === 'ClusterNotFoundException';
}

/** ECS has no task definition by that family, revision or ARN. */
export function isTaskDefinitionNotFound(error: unknown): boolean {
  // ECS answers ClientException "Unable to describe task definition."; moto words it differently.
  return (
    error instanceof Error && /unable to describe task definition|not found|does not exist/i.test(errorMessage(error))
  );
}

/** CloudWatch Logs (and others) say a named resource does not exist. */
export function isResourceNotFound(error: unknown): boolean {
  return errorName(error) === 'ResourceNotFoundException';
}

/** DescribeStacks does not know the stack (ValidationError "Stack with id … does not exist"). */
export function isStackNotFound(error: unknown): boolean {
  return errorName(error) === 'ValidationError' && /does not exist/i.test(errorMessage(error));
}

/**
 * The errors lambda:InvokeFunction answers for a request that cannot succeed as sent: the parameters, the payload's
 * content, size or media type (Lambda API reference, Invoke, "Errors").
 */
const INVOKE_REQUEST_REFUSALS: ReadonlySet<string> = new Set([
  'InvalidParameterValueException',
  'InvalidRequestContentException',
  'RequestTooLargeException',
  'UnsupportedMediaTypeException',
]);

/**
 * 4xx statuses of Invoke that may change within seconds: 408 (a timeout of Lambda's own), 409
 * (`ResourceConflictException`: the function is being updated; `SnapStartNotReadyException`) and 429
 * (`TooManyRequestsException`, throttling).
 */
const INVOKE_PASSING_STATUSES: ReadonlySet<number> = new Set([408, 409, 429]);

/**
 * lambda:InvokeFunction refused an asynchronous invocation for good: sending it again cannot change the answer.
 * Denied (`AccessDeniedException`), the function gone (`ResourceNotFoundException`), recursion stopped
 * (`RecursiveInvocationException`), a request Lambda cannot take, or any other 4xx but 408, 409 and 429. Everything
 * else — throttling, a 5xx (`ServiceException`), a timeout or a broken connection, an answer other than 202 — may
 * pass, and is worth another Invoke.
 */
export function isInvokeRefusedForGood(error: unknown): boolean {
  if (isTransient(error)) return false;
  if (isPermissionDenied(error) || isResourceNotFound(error) || isRecursionStopped(error)) return true;
  if (INVOKE_REQUEST_REFUSALS.has(errorName(error))) return true;
  const status = httpStatus(error);
  return status !== undefined && status >= 400 && status < 500 && !INVOKE_PASSING_STATUSES.has(status);
}
