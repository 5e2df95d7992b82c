/**
 * The errors the runner raises on purpose, all of them here. Each carries a message written for the person reading
 * the stack event or the log: what was wrong, which property or resource, and what to do. An error caused by another
 * keeps it as `cause`. Anything thrown that is not a TaskRunnerError is a bug, logged with its stack trace.
 */

/** The base of the runner's own errors: their message already explains them. */
export abstract class TaskRunnerError extends Error {
  abstract override readonly name: string;
}

/** The resource's properties are invalid; `problems` lists every one of them. */
export class InvalidPropertiesError extends TaskRunnerError {
  override readonly name = 'InvalidPropertiesError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid properties: ${problems.join('; ')}`);
  }
}

/**
 * An AWS call the runner needed before it could start anything failed; `cause` is the SDK's error. The layer that
 * answers CloudFormation explains it (diagnostics), naming `call`.
 */
export class AwsCallError extends TaskRunnerError {
  override readonly name = 'AwsCallError';
  constructor(
    readonly call: string,
    cause: unknown,
  ) {
    super(`${call} failed`, { cause });
  }
}

/** CloudFormation's ResponseURL did not take the response after every retry. */
export class ResponseDeliveryError extends TaskRunnerError {
  override readonly name = 'ResponseDeliveryError';
}
