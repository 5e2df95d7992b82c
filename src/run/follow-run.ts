import { timeBudget } from '../runtime/time-budget';
import { answered, type RunnerDeps, type RequestOutcome } from './contract';
import { handOff } from './hand-off';
import type { PhasePolicy } from './phase-policy';
import { readOutputsAttempt } from './read-outputs-attempt';
import type { Run, Transition } from './run-state';
import type { StepContext } from './run-steps';
import { startAttempt } from './start-attempt';
import { waitForEarlierRun } from './wait-for-earlier-run';
import { watchAttempt } from './watch-attempt';

/**
 * Carries the run on from its state, one step at a time, until the answer is known or a fresh invocation of the same
 * function must take over; the answer is the one the run's phase gives (`policy.outcome`: a teardown's is the
 * Delete's). `takenOver`: this invocation received the run from an earlier one.
 */
export async function followRun(
  run: Run,
  policy: PhasePolicy,
  deps: RunnerDeps,
  takenOver: boolean,
): Promise<RequestOutcome> {
  let current = run;
  let context: StepContext = {
    properties: policy.properties,
    policy,
    deps,
    budget: timeBudget(run.plan.deadline, deps),
    takenOver,
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
    }
  }
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
  }
}
