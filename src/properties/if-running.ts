import type { PropertyReader } from './property-reader';

/** What a Create or Update does when tasks of an earlier run of the same resource still run. */
export const IF_RUNNING = ['Wait', 'Stop', 'Fail'] as const;
export type IfRunning = (typeof IF_RUNNING)[number];

/** `IfRunning`: Wait (the default) for the earlier run to end, Stop it first, or Fail naming its tasks. */
export function readIfRunning(reader: PropertyReader, value: unknown): IfRunning | undefined {
  return reader.oneOf('IfRunning', value, IF_RUNNING);
}
