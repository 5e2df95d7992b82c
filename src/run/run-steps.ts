import type { RunnerProperties } from '../properties/runner-properties';
import type { TimeBudget } from '../runtime/time-budget';
import type { RunnerDeps } from './contract';
import type { Parking } from './parking/parking';
import type { PhasePolicy } from './phase-policy';
import type { Run, RunState, Transition } from './run-state';

/** What every step is given besides the run. */
export interface StepContext {
  /** The properties the tasks run with: the policy's (a teardown's: OnDelete's task definition, one task). */
  properties: RunnerProperties;
  /** What the run's phase decides (phase-policy.ts): read here, never the phase itself. */
  policy: PhasePolicy;
  deps: RunnerDeps;
  /** The run's deadline and this invocation's end: until when a call may go on, and when to hand off. */
  budget: TimeBudget;
  /** The first step of an invocation that took the run over: time has passed since the last invocation's poll. */
  takenOver: boolean;
  /** Events are on (parking.ts): the run is registered after RunTask and parks instead of watching on. */
  parking?: Parking;
}

/** One step: from the run in `state` to the next transition. */
export type Step<K extends RunState['kind']> = (
  run: Run,
  state: Extract<RunState, { kind: K }>,
  context: StepContext,
) => Promise<Transition>;
