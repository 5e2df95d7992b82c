import type { ECSClient } from '@aws-sdk/client-ecs';
import { isThrottled } from './aws-errors';

/** Told of each throttled call attempt, with the operation's name (`DescribeTasks`). */
export type OnThrottled = (operation: string) => void;

/** The name the counting middleware has in a client's stack. */
export const THROTTLE_COUNT_MIDDLEWARE = 'ecsTaskRunnerThrottleCount';

/**
 * Counts throttled calls in one place, for every caller of the client: a middleware in the client's `deserialize`
 * step, which the SDK's retry middleware (`finalizeRequest`) wraps, so it sees every attempt — the SDK's own retries
 * of a ThrottlingException too, which no caller ever sees — and what counts as throttled is the one classifier's
 * (aws-errors.ts). The error goes on unchanged.
 */
export function countThrottles(client: ECSClient, onThrottled: OnThrottled): ECSClient {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        noteIfThrottled(error, context.commandName, onThrottled);
        throw error;
      }
    },
    { step: 'deserialize', name: THROTTLE_COUNT_MIDDLEWARE, priority: 'high' },
  );
  return client;
}

/** Tells `onThrottled` of `error` when it is throttling, naming the operation without the SDK's `Command`. */
export function noteIfThrottled(error: unknown, commandName: string | undefined, onThrottled: OnThrottled): void {
  if (isThrottled(error)) onThrottled((commandName ?? 'Unknown').replace(/Command$/, ''));
}
