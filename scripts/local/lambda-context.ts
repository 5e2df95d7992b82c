import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

export interface LambdaContextOptions {
  /** The ARN the function is invoked as: a hand-off invokes exactly this one again. */
  functionArn: string;
  /** The function's configured timeout: getRemainingTimeInMillis() counts down from it, from now. */
  timeoutMs: number;
  memoryLimitInMB?: string;
}

/** The context Lambda hands one invocation: its own request ID and log stream, and the time it has left. */
export function lambdaContext({ functionArn, timeoutMs, memoryLimitInMB = '256' }: LambdaContextOptions): Context {
  const deadline = Date.now() + timeoutMs;
  const functionName = functionArn.split(':')[6] ?? 'ecs-task-runner';
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn,
    memoryLimitInMB,
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${randomUUID()}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    // Deprecated callbacks of the Node.js runtime, still members of the Context type.
    /* eslint-disable @typescript-eslint/no-deprecated */
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
    /* eslint-enable @typescript-eslint/no-deprecated */
  };
}
