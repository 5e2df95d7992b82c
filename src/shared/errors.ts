/**
 * The errors the runner raises on purpose. Each carries a message written for the person reading the stack event:
 * what was wrong, which property or resource, and what to do. An error caused by another keeps it as `cause`.
 */

/** The resource's properties are invalid; `problems` lists every one of them. */
export class InvalidPropertiesError extends Error {
  override readonly name = 'InvalidPropertiesError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid properties: ${problems.join('; ')}`);
  }
}

/** The properties are well-formed, but AWS says they cannot work (missing subnet, wrong network mode, ...). */
export class PreflightError extends Error {
  override readonly name = 'PreflightError';
  constructor(
    readonly problems: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(`Not started: ${problems.join('; ')}`, options);
  }
}

/**
 * An AWS call the runner needed before it could start anything failed; `cause` is the SDK's error. The layer that
 * answers CloudFormation explains it (diagnostics), naming `call`.
 */
export class AwsCallError extends Error {
  override readonly name = 'AwsCallError';
  constructor(
    readonly call: string,
    cause: unknown,
  ) {
    super(`${call} failed`, { cause });
  }
}

/** CloudFormation's ResponseURL did not take the response after every retry. */
export class ResponseDeliveryError extends Error {
  override readonly name = 'ResponseDeliveryError';
}
