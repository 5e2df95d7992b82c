import { isTransient } from '../aws/aws-errors';
import type { EcsApi } from '../aws/ports';
import type { Clock } from '../runtime/clock';
import { fullJitterBackoffMs } from '../runtime/delays';
import type { Invocation } from '../runtime/invocation';
import type { Log } from '../runtime/log';
import { retry } from '../runtime/retry';

/** What a poll of ECS tasks is given (the watch, the wait for tasks to stop): ECS, time, this invocation, the log. */
export interface TaskPollDeps {
  ecs: EcsApi;
  clock: Clock;
  invocation: Invocation;
  log: Log;
}

/** The polls of a watch or wait had been failing since `since` (epoch ms) when its deadline passed; `error` the last. */
export interface UnreadStatus {
  since: number;
  error: unknown;
}

/**
 * Calls `call` until it answers, asking again with backoff (full jitter, seeded by `seed`: runtime/delays.ts) after a
 * throttled or transient failure while `until` (epoch milliseconds) allows: the last wait ends at `until`, and no
 * call starts after it. Any other failure, or the last one at `until` (logged with the number of attempts), is
 * thrown. For reads a watch or an answer depends on: an earlier run's lookup, a log tail, the Outputs.
 */
export async function askWithBackoff<T>(
  call: () => Promise<T>,
  options: { what: string; until: number; seed: string },
  deps: { clock: Clock; log: Log },
): Promise<T> {
  return retry(
    call,
    {
      retryable: isTransient,
      delay: (failures) => fullJitterBackoffMs(failures, options.seed),
      until: { time: options.until, lastWait: 'cut' },
      onRetry: ({ attempt, error }) =>
        deps.log.warn(`${options.what} failed; asking again with backoff`, { error: String(error), failures: attempt }),
      onGiveUp: ({ attempts, error }) =>
        deps.log.warn(`${options.what} failed; gave up after ${attempts} attempt(s)`, {
          error: String(error),
          attempts,
        }),
    },
    deps.clock,
  );
}
