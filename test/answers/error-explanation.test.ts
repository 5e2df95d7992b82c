import { explainError, logIfUnexpected } from '../../src/answers/error-explanation';
import { describeAwsError } from '../../src/diagnostics/failure-reason';
import { AwsCallError, InvalidPropertiesError, ResponseDeliveryError, TaskRunnerError } from '../../src/shared/errors';
import { RecordingLog } from '../support/fakes';

const denied = Object.assign(new Error('User is not authorized to perform: ecs:DescribeTaskDefinition'), {
  name: 'AccessDeniedException',
});

describe('what the stack event says about an error', () => {
  it("gives the runner's own errors their message, which already says what to fix", () => {
    expect(explainError(new InvalidPropertiesError(['Cluster: required']))).toBe(
      'Invalid properties: Cluster: required',
    );
  });

  it('names the AWS call that failed before anything started', () => {
    expect(explainError(new AwsCallError('DescribeTaskDefinition', denied))).toMatch(
      /^Not started: DescribeTaskDefinition failed: AccessDeniedException/,
    );
  });

  it('calls anything else unexpected, with what was thrown', () => {
    expect(explainError(new TypeError('boom'))).toBe('Unexpected error: TypeError: boom');
    expect(explainError('a string')).toBe('Unexpected error: a string');
  });

  it('says so, on one line, when an unexpected error is an AWS answer that is not the API’s', () => {
    const html = Object.assign(
      new SyntaxError(
        'Unexpected token \'<\', "<!doctype "... is not valid JSON\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.',
      ),
      { $metadata: { httpStatusCode: 502 } },
    );
    Object.defineProperty(html, '$response', { value: { statusCode: 502 }, enumerable: false });
    expect(explainError(html)).toMatch(
      /^Unexpected error: An AWS call failed: AWS answered HTTP 502 with a body that is not the API's[^\n]*$/,
    );
  });
});

describe("what the runner's log keeps of an error", () => {
  it('logs an unexpected error with its stack trace, to find the bug', () => {
    const log = new RecordingLog();
    const error = new TypeError('boom');
    logIfUnexpected(log, error);
    expect(log.entries).toEqual([
      { level: 'error', message: 'Unexpected error', extra: [{ error: 'TypeError: boom', stack: error.stack }] },
    ]);
  });

  it('logs something thrown that is not an Error without a stack', () => {
    const log = new RecordingLog();
    logIfUnexpected(log, 'a string');
    expect(log.entries).toEqual([
      { level: 'error', message: 'Unexpected error', extra: [{ error: 'a string', stack: undefined }] },
    ]);
  });

  it("logs nothing for the runner's own errors: the answer already explains them", () => {
    const log = new RecordingLog();
    for (const error of [
      new InvalidPropertiesError(['Cluster: required']),
      new AwsCallError('DescribeTaskDefinition', denied),
    ]) {
      logIfUnexpected(log, error);
    }
    expect(log.entries).toEqual([]);
  });
});

describe("the runner's error hierarchy", () => {
  it('makes every error the runner raises on purpose a TaskRunnerError that keeps its cause', () => {
    const errors = [
      new InvalidPropertiesError(['Cluster: required']),
      new AwsCallError('DescribeTaskDefinition', denied),
      new ResponseDeliveryError('HTTP 403'),
    ];
    for (const error of errors) expect(error).toBeInstanceOf(TaskRunnerError);
    expect(errors.map((error) => error.name)).toEqual([
      'InvalidPropertiesError',
      'AwsCallError',
      'ResponseDeliveryError',
    ]);
    expect(errors[1]?.cause).toBe(denied);
    const log = new RecordingLog();
    logIfUnexpected(log, errors[2]);
    expect(log.entries).toEqual([]);
    expect(explainError(errors[2])).toBe('HTTP 403');
  });
});

describe('an AWS error in a Reason', () => {
  it('gets the permission hint when the classifier says it was denied, whatever the service calls it', () => {
    const unauthorized = Object.assign(new Error('You are not authorized to perform this operation.'), {
      name: 'UnauthorizedOperation',
    });
    expect(describeAwsError('DescribeSubnets', unauthorized)).toMatch(/Hint: the runner's role lacks a permission/);
    expect(describeAwsError('DescribeTaskDefinition', denied)).toMatch(/Hint: the runner's role lacks a permission/);
  });

  it("gets no hint read from ECS's words in its message", () => {
    const busy = Object.assign(new Error('Capacity is unavailable at this time (RESOURCE:ENI)'), {
      name: 'ServerException',
    });
    expect(describeAwsError('RunTask', busy)).toBe(
      'RunTask failed: ServerException: Capacity is unavailable at this time (RESOURCE:ENI)',
    );
  });
});
