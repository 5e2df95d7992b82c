/**
 * The errors the runner raises on purpose. Each carries a message written for the person reading the stack event:
 * what was wrong, which property or resource, and what to do.
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
  constructor(readonly problems: readonly string[]) {
    super(`Not started: ${problems.join('; ')}`);
  }
}

/** The ResponseURL is not one the runner may contact: it is never called. */
export class ResponseUrlRefusedError extends Error {
  override readonly name = 'ResponseUrlRefusedError';
}

/** CloudFormation's ResponseURL did not take the response after every retry. */
export class ResponseDeliveryError extends Error {
  override readonly name = 'ResponseDeliveryError';
}
