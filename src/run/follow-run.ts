import { timeBudget } from '../runtime/time-budget';
import { answered, type RunnerDeps, type RequestOutcome } from './contract';
import { handOff } from './hand-off/hand-off';
import { parkedAttempt } from './steps/parked-attempt';
import { type Parking, parkingOf, parkRun } from './parking/parking';
import type { PhasePolicy } from './phase-policy';
import { readOutputsAttempt } from './steps/read-outputs-attempt';
import type { Run, Transition } from './run-state';
import type { StepContext } from './run-steps';
import { startAttempt } from './steps/start-attempt';
import { waitForEarlierRun } from './steps/wait-for-earlier-run';
import { watchAttempt } from './steps/watch-attempt';

/**
 * Carries the run on from its state, one step at a time, until the answer is known or a fresh invocation of the same
 * function must take over; the answer is the one the run's phase gives (`policy.outcome`: a teardown's is the
 * Delete's). `takenOver`: this invocation received the run from an earlier one. With events on (parking.ts) a
 * watch parks the run instead of watching on or handing off; `itemVersion` is the run item's version this invocation
 * claimed (a hand-off's receiver, a wake), on which it parks.
 */
export async function followRun(
  run: Run,
  policy: PhasePolicy,
  deps: RunnerDeps,
  takenOver: boolean,
  itemVersion?: number,
): Promise<RequestOutcome> {
  let current = run;
  const parking = await parkingOf(deps, itemVersion);
  let context: StepContext = {
    properties: policy.properties,
    policy,
    deps,
    budget: timeBudget(run.plan.deadline, deps),
    takenOver,
    ...(parking ? { parking } : {}),
  };
  for (;;) {
    const transition = await step(current, context);
    switch (transition.kind) {
      case 'next':
        current = transition.run;
        context = { ...context, takenOver: false };
        continue;
      case 'hand-off':
        return policy.outcome(await handOff(transition.run, deps, context.budget, transition.ifNotSent));
      case 'answer':
        return policy.outcome(answered(transition.answer));
      case 'park': {
        const parked = await park(transition.run, context.parking, deps);
        if (parked.kind === 'news') {
          // An event was recorded since this invocation last wrote: read the tasks once more, then decide or park.
          current = transition.run;
          context = { ...context, takenOver: false };
          continue;
        }
        return parked.kind === 'parked' ? { kind: 'parked' } : { kind: 'held-elsewhere' };
      }
    }
  }
}

/** Parks `run` (in its parked state) where this invocation registered it; a run that cannot park is a bug. */
function park(run: Run, parking: Parking | undefined, deps: RunnerDeps): ReturnType<typeof parkRun> {
  const { state } = run;
  if (!parking || state.kind !== 'parked')
    throw new Error('A run that is not registered in the state table cannot park');
  return parkRun({ ...run, state }, parking, deps);
}

/** The step of the state the run is in. */
function step(run: Run, context: StepContext): Promise<Transition> {
  const { state } = run;
  switch (state.kind) {
    case 'waiting-for-earlier-run':
      return waitForEarlierRun(run, state, context);
    case 'starting':
      return startAttempt(run, state, context);
    case 'watching':
      return watchAttempt(run, state, context);
    case 'reading-outputs':
      return readOutputsAttempt(run, state, context);
    case 'parked':
      return parkedAttempt(run, state, context);
  }
}
