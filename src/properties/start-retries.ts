import type { PropertyReader } from './property-reader';

/** Most start retries: with backoff they already span minutes, and every attempt must fit in the Timeout. */
export const MAX_START_RETRIES = 5;

/** `StartRetries`: how often a task that failed to start is started again (0, the default, never). */
export function readStartRetries(reader: PropertyReader, value: unknown): number | undefined {
  return reader.integer('StartRetries', value, {
    min: 0,
    max: MAX_START_RETRIES,
    unit: '(retries of a task that failed to start)',
  });
}
