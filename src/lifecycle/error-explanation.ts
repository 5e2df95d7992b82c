import { describeAwsError, describeUnexpectedError } from '../diagnostics/failure-reason';
import type { Log } from '../runtime/log';
import { AwsCallError, InvalidPropertiesError, PreflightError } from '../shared/errors';

/** What went wrong, for the person reading the stack event. */
export function explainError(error: unknown): string {
  if (error instanceof AwsCallError) return `Not started: ${describeAwsError(error.call, error.cause)}`;
  if (error instanceof InvalidPropertiesError || error instanceof PreflightError) return error.message;
  return `Unexpected error: ${describeUnexpectedError(error)}`;
}

/** The runner's own errors already say what went wrong; anything else gets its stack trace logged. */
export function logIfUnexpected(log: Log, error: unknown): void {
  if (error instanceof InvalidPropertiesError || error instanceof PreflightError || error instanceof AwsCallError)
    return;
  log.error('Unexpected error', { error: String(error), stack: error instanceof Error ? error.stack : undefined });
}
