import type { PropertyReader } from './property-reader';

/** What an Update that `RunOnUpdate` lets run reruns the task for: any change of the properties, or of what runs. */
export const RERUN_ON = ['AnyChange', 'TaskChange'] as const;
export type RerunOn = (typeof RERUN_ON)[number];

/** `RerunOn`: AnyChange (the default: every Update runs) or TaskChange (only an Update of `WHAT_RUNS`, what-runs.ts). */
export function readRerunOn(reader: PropertyReader, value: unknown): RerunOn | undefined {
  return reader.oneOf('RerunOn', value, RERUN_ON);
}
