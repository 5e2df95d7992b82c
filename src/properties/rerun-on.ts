import type { PropertyReader } from './property-reader';

/** What an Update that `RunOnUpdate` lets run reruns the task for: any change of the properties, or of what runs. */
export const RERUN_ON = ['AnyChange', 'TaskChange'] as const;
export type RerunOn = (typeof RERUN_ON)[number];

/**
 * The properties that decide what runs: where, which task definition revision, with which overrides, how many, and
 * `Triggers`. A change of any other (`PollInterval`, `LogLines`, `Timeout`, `StartRetries`...) changes how the
 * runner watches a run, not the run.
 */
export const WHAT_RUNS = [
  'Cluster',
  'TaskDefinition',
  'NetworkConfiguration',
  'Subnets',
  'SecurityGroups',
  'AssignPublicIp',
  'LaunchType',
  'CapacityProviderStrategy',
  'PlatformVersion',
  'Count',
  'Overrides',
  'Triggers',
  'Group',
  'PlacementConstraints',
  'PlacementStrategy',
  'VolumeConfigurations',
  'EnableExecuteCommand',
] as const;

/** `RerunOn`: AnyChange (the default: every Update runs) or TaskChange (only an Update of `WHAT_RUNS`). */
export function readRerunOn(reader: PropertyReader, value: unknown): RerunOn | undefined {
  return reader.oneOf('RerunOn', value, RERUN_ON);
}

/** Whether an Update changes what runs: any of `WHAT_RUNS` differs between the old and the new properties. */
export function whatRunsChanged(
  oldProperties: Record<string, unknown> | undefined,
  newProperties: Record<string, unknown>,
): boolean {
  return WHAT_RUNS.some(
    (name) => JSON.stringify(oldProperties?.[name] ?? null) !== JSON.stringify(newProperties[name] ?? null),
  );
}
