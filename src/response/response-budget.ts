/**
 * CloudFormation's 4,096-byte response, counted here only: its limit, the share the Reason may take, and how a text
 * or a value is measured. Everything that must fit asks this module.
 */

/** CloudFormation fails the stack with "Response object is too long" above this many bytes. */
export const MAX_RESPONSE_BYTES = 4096;

/**
 * The Reason is kept to this many bytes, well inside the response with its other fields and Data; the log tail gets
 * what the explanation leaves.
 */
export const REASON_BUDGET_BYTES = 3200;

/** The bytes `text` takes in UTF-8: what CloudFormation counts, not the number of characters. */
export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** The bytes a value takes inside the JSON body (escapes included), beyond an empty string's. */
export function jsonValueBytes(value: string): number {
  return byteLength(JSON.stringify(value)) - 2;
}

/** The bytes `body` takes as CloudFormation receives it, before any shortening. */
export function jsonBytes(body: object): number {
  return byteLength(JSON.stringify(body));
}

/** How many bytes of the Reason's budget are left after `text` and a separating space. */
export function reasonRoomAfter(text: string): number {
  return REASON_BUDGET_BYTES - byteLength(text) - 1;
}
