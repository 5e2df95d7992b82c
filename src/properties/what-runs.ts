import { PROPERTY_NAMES, PROPERTY_TABLE } from './property-table';

/**
 * The properties whose change changes what runs (PROPERTY_TABLE's `changesWhatRuns`): `RerunOn: TaskChange` reruns
 * an Update only when one of them changes. A change of any other changes how the runner watches, labels or answers
 * a run, not the run (docs/properties.md, "What runs").
 */
export const WHAT_RUNS = PROPERTY_NAMES.filter((name) => PROPERTY_TABLE[name].changesWhatRuns);

/** Whether an Update changes what runs: any of `WHAT_RUNS` differs between the old and the new properties. */
export function whatRunsChanged(
  oldProperties: Record<string, unknown> | undefined,
  newProperties: Record<string, unknown>,
): boolean {
  return WHAT_RUNS.some(
    (name) => JSON.stringify(oldProperties?.[name] ?? null) !== JSON.stringify(newProperties[name] ?? null),
  );
}
