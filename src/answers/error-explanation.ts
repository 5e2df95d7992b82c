import { describeAwsError, describeUnexpectedError } from '../diagnostics/failure-reason';
import type { Log } from '../runtime/log';
import { AwsCallError, TaskRunnerError } from '../shared/errors';

/** What went wrong, for the person reading the stack event. */
export function explainError(error: unknown): string {
  if (error instanceof AwsCallError) return `Not started: ${describeAwsError(error.call, error.cause)}`;
  if (error instanceof TaskRunnerError) return error.message;
  return `Unexpected error: ${describeUnexpectedError(error)}`;
}

/** The runner's own errors already say what went wrong; anything else gets its stack trace logged. */
export function logIfUnexpected(log: Log, error: unknown): void {
  if (error instanceof TaskRunnerError) return;
  log.error('Unexpected error', { error: String(error), stack: error instanceof Error ? error.stack : undefined });
}
