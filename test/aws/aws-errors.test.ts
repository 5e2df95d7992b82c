import { isInvokeRefusedForGood, isTransient, isUnreadableAnswer } from '../../src/aws/aws-errors';
import { describeAwsError } from '../../src/diagnostics/failure-reason';

const DESERIALIZATION_NOTE =
  '\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.';

/** Hides the raw response on the error as the SDK does (not enumerable). */
function withResponse<T extends Error>(error: T, statusCode: number, body: string): T {
  Object.defineProperty(error, '$response', { value: { statusCode, body }, enumerable: false });
  return error;
}

/** What @aws-sdk/client-ecs (the version installed) throws for an HTML page in place of JSON. */
function htmlForJson(statusCode: number): Error {
  const error = new SyntaxError(`Unexpected token '<', "<!doctype "... is not valid JSON${DESERIALIZATION_NOTE}`);
  Object.assign(error, { $metadata: { httpStatusCode: statusCode, attempts: 1, totalRetryDelay: 0 } });
  return withResponse(error, statusCode, '<!doctype html><html><body>502 Bad Gateway</body></html>');
}

describe('an answer that is not the API’s', () => {
  it('is recognised in the shape the SDK throws today: the parser’s error, with $metadata and $response', () => {
    for (const status of [502, 200, 400]) {
      expect(isUnreadableAnswer(htmlForJson(status))).toBe(true);
      expect(isTransient(htmlForJson(status))).toBe(true);
    }
  });

  it('is recognised in older SDKs’ shape too (no $metadata), and for XML services', () => {
    const old = withResponse(new SyntaxError(`Unexpected token '<'${DESERIALIZATION_NOTE}`), 502, '<html></html>');
    expect(isUnreadableAnswer(old)).toBe(true);
    const xml = Object.assign(new Error(`@aws-sdk XML parse error: unexpected content.${DESERIALIZATION_NOTE}`), {
      $metadata: { httpStatusCode: 400 },
    });
    expect(isUnreadableAnswer(withResponse(xml, 400, '{"not":"xml"}'))).toBe(true);
    // EC2's XML parser read an HTML 502 page and found no error code in it.
    const unknown = Object.assign(new Error('Unknown'), {
      name: 'Unknown',
      $fault: 'server',
      $metadata: { httpStatusCode: 502 },
    });
    expect(isUnreadableAnswer(withResponse(unknown, 502, '<html>Bad Gateway</html>'))).toBe(true);
  });

  it('is not a service’s own error, which carries $response as well', () => {
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
    expect(isUnreadableAnswer(withResponse(throttled, 400, '{"__type":"ThrottlingException"}'))).toBe(false);
    expect(isUnreadableAnswer(new Error('socket hang up'))).toBe(false);
  });

  it('becomes one clean line in the Reason, with the HTTP status and without SDK internals', () => {
    const reason = describeAwsError('RunTask', htmlForJson(502));
    expect(reason).toMatch(/^RunTask failed: AWS answered HTTP 502 with a body that is not the API's/);
    expect(reason).not.toMatch(/SyntaxError|Deserialization|\$response|Unexpected token|doctype|\n/);
  });
});

describe("CloudWatch Logs' errors (GetLogEvents: Outputs and log tails)", () => {
  const named = (name: string, message: string, extra: object = {}) =>
    Object.assign(new Error(message), { name, ...extra });

  it('are transient when throttled, a server fault or an answer that is not the API’s', () => {
    expect(isTransient(named('ThrottlingException', 'Rate exceeded'))).toBe(true);
    expect(
      isTransient(named('ServiceUnavailableException', 'Service Unavailable', { $metadata: { httpStatusCode: 503 } })),
    ).toBe(true);
    expect(isTransient(htmlForJson(502))).toBe(true);
  });

  it('are not transient when denied, not found or invalid', () => {
    expect(isTransient(named('AccessDeniedException', 'not authorized to perform: logs:GetLogEvents'))).toBe(false);
    expect(isTransient(named('ResourceNotFoundException', 'The specified log stream does not exist.'))).toBe(false);
    expect(isTransient(named('InvalidParameterException', 'The specified nextToken is invalid.'))).toBe(false);
  });
});

describe("lambda:InvokeFunction's errors (the hand-off)", () => {
  const lambdaError = (name: string, httpStatusCode: number, message = name) =>
    Object.assign(new Error(message), { name, $metadata: { httpStatusCode } });

  it.each([
    ['AccessDeniedException', 403, 'User: … is not authorized to perform: lambda:InvokeFunction'],
    ['ResourceNotFoundException', 404, 'Function not found'],
    ['RecursiveInvocationException', 400, 'Lambda detected a recursive loop.'],
    ['InvalidParameterValueException', 400, 'InvalidParameterValueException'],
    ['InvalidRequestContentException', 400, 'Could not parse request body into json'],
    ['RequestTooLargeException', 413, 'Request must be smaller than 1048576 bytes'],
    ['UnsupportedMediaTypeException', 415, 'UnsupportedMediaTypeException'],
    ['SomeFutureClientException', 400, 'a 4xx Lambda may add'],
  ])('refuse it for good: %s (%d)', (name, status, message) => {
    expect(isInvokeRefusedForGood(lambdaError(name, status, message))).toBe(true);
  });

  it.each([
    ['TooManyRequestsException', 429, 'Rate Exceeded.'],
    ['ResourceConflictException', 409, 'The operation cannot be performed at this time. An update is in progress'],
    ['SnapStartNotReadyException', 409, 'SnapStartNotReadyException'],
    ['ServiceException', 500, 'Internal error'],
    ['ResourceNotReadyException', 502, 'The function is inactive'],
  ])('may pass: %s (%d)', (name, status, message) => {
    expect(isInvokeRefusedForGood(lambdaError(name, status, message))).toBe(false);
  });

  it('may pass when the Invoke timed out, the connection broke or the answer was not 202', () => {
    expect(isInvokeRefusedForGood(Object.assign(new Error('Request timed out'), { name: 'TimeoutError' }))).toBe(false);
    expect(isInvokeRefusedForGood(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(false);
    expect(
      isInvokeRefusedForGood(new Error('Lambda accepted the asynchronous invocation with status 200, not 202')),
    ).toBe(false);
    expect(isInvokeRefusedForGood(htmlForJson(502))).toBe(false);
  });
});
