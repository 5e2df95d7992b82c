import type { Context } from 'aws-lambda';

/** What the runner needs to know about the Lambda invocation it runs in. */
export interface Invocation {
  /** The ARN this invocation was called with: the hand-off invokes exactly this function again. */
  readonly functionArn: string;
  remainingTimeMs(): number;
}

export function invocationFromContext(
  context: Pick<Context, 'invokedFunctionArn' | 'getRemainingTimeInMillis'>,
): Invocation {
  return {
    functionArn: context.invokedFunctionArn,
    remainingTimeMs: () => context.getRemainingTimeInMillis(),
  };
}
