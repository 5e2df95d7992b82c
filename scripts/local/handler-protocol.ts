/** What handler-invoker.ts sends, as JSON on stdin, to the process that runs one invocation (handler-process.ts). */
export interface HandlerProcessInput {
  /** Path of the built bundle (dist/ecs-task-runner/index.mjs). */
  bundle: string;
  event: unknown;
  functionArn: string;
  /** The function's configured timeout: getRemainingTimeInMillis() counts down from it. */
  timeoutMs: number;
}

/** How the invocation process exits when the handler broke its contract (0: it returned nothing). */
export const HANDLER_EXIT = {
  threw: 2,
  notAHandler: 3,
  returnedAValue: 4,
} as const;
