import { isTransient } from '../aws/aws-errors';
import type { Clock } from '../runtime/clock';
import type { Log } from '../runtime/log';

/**
 * How long to wait before asking AWS again after a throttled or transient failure: exponential backoff with "full
 * jitter" (a uniform wait between 0 and the exponential bound), so that the many watches of a busy account do not
 * retry in step ("Exponential Backoff And Jitter", AWS Architecture Blog; "Retry behavior", AWS SDKs and Tools
 * Reference Guide). The jitter is derived from a seed (the watched task) and the failure count rather than drawn:
 * watches of different tasks spread out, and a test replays exactly.
 */

/** The polls of a watch or wait had been failing since `since` (epoch ms) when its deadline passed; `error` the last. */
export interface UnreadStatus {
  since: number;
  error: unknown;
}

export const BACKOFF_BASE_MS = 1_000;
export const BACKOFF_CAP_MS = 30_000;

/** The wait after the `failures`-th consecutive failure (1, 2, ...): uniform in [0, min(cap, base × 2^(failures-1))]. */
export function backoffMs(failures: number, seed: string): number {
  const bound = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1));
  return Math.floor(bound * jitterFraction(`${seed}#${failures}`));
}

/** A fraction in [0, 1) from a string (FNV-1a): the same string, the same fraction. */
export function jitterFraction(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash / 2 ** 32;
}

/**
 * Calls `call` until it answers, asking again with backoff after a throttled or transient failure while `until`
 * (epoch milliseconds) allows: the last wait ends at `until`, and no call starts after it. Any other failure, or the
 * last one at `until` (logged with the number of attempts), is thrown.
 */
export async function askWithBackoff<T>(
  call: () => Promise<T>,
  options: { what: string; until: number; seed: string },
  deps: { clock: Clock; log: Log },
): Promise<T> {
  for (let failures = 1; ; failures += 1) {
    try {
      return await call();
    } catch (error) {
      if (!isTransient(error)) throw error;
      const left = options.until - deps.clock.now();
      if (left <= 0) {
        deps.log.warn(`${options.what} failed; gave up after ${failures} attempt(s)`, {
          error: String(error),
          attempts: failures,
        });
        throw error;
      }
      deps.log.warn(`${options.what} failed; asking again with backoff`, { error: String(error), failures });
      await deps.clock.sleep(Math.min(backoffMs(failures, options.seed), left));
    }
  }
}
