import type { OnDelete } from '../properties/on-delete';
import type { RunnerProperties } from '../properties/runner-properties';
import type { Answer } from '../response/answer';
import { resourceStartedBy, teardownStartedBy } from '../shared/resource-identity';
import { teardownWords } from '../answers/wording';
import { answered, type RequestOutcome, type RunRequest } from './contract';
import type { Purpose, TeardownPhase } from './run-state';

/**
 * Everything a resource's run and its OnDelete teardown do differently, chosen here once from the run's phase (one
 * `switch`): the steps, the planning step and the answer read this, never the phase. It is derived from what every
 * invocation of the run holds (the request and its phase), so each invocation chooses the same.
 */
export interface PhasePolicy {
  kind: 'follows';
  /** What the tasks run with: the resource's properties, or the teardown's (teardownProperties). */
  properties: RunnerProperties;
  /** RunTask's startedBy: the resource's, or its teardown's (never found when the resource's tasks are stopped). */
  startedBy: string;
  /**
   * Whose stack's status is read right before and right after each RunTask (stack-status.ts): a Create's or an
   * Update's. A teardown's never: teardown.ts reads it once, before the teardown is planned, and a Delete's stack is
   * always being deleted, which a Create or an Update would take for a cancellation.
   */
  stackCheck: { kind: 'around-run-task'; request: RunRequest } | { kind: 'none' };
  /** What must end before the tasks start, as the deadline's Reason names it. */
  waitedFor: { teardown: true } | { teardown: false; ifRunning: RunnerProperties['ifRunning'] };
  /** How the run ends in this invocation: with its own answer, or the Delete's; a hand-off stays one. */
  outcome: (outcome: RequestOutcome) => RequestOutcome;
}

/** A teardown taken over without an OnDelete to run: nothing to carry on, and the Delete's answer. */
export interface NothingToFollow {
  kind: 'nothing-to-follow';
  answer: Answer;
}

export function phasePolicy(purpose: Purpose, declared: RunnerProperties): PhasePolicy | NothingToFollow {
  switch (purpose.phase.kind) {
    case 'run':
      return {
        kind: 'follows',
        properties: declared,
        startedBy: resourceStartedBy(purpose.request, declared.startedBy),
        // The phase 'run' is only ever a Create's or an Update's (run-state.ts's Purpose).
        stackCheck: { kind: 'around-run-task', request: purpose.request as RunRequest },
        waitedFor: { teardown: false, ifRunning: declared.ifRunning },
        outcome: (outcome) => outcome,
      };
    case 'teardown': {
      const { phase } = purpose;
      const { onDelete } = declared;
      // A teardown handed off always comes from a Delete with OnDelete; without it there is nothing to carry on.
      if (!onDelete)
        return {
          kind: 'nothing-to-follow',
          answer: { status: 'SUCCESS', reason: teardownWords.notCarriedOn(phase.cleanup) },
        };
      // Not the resource's own startedBy: a Delete delivered twice stops the resource's tasks, never its teardown.
      const startedBy = teardownStartedBy(resourceStartedBy(purpose.request, declared.startedBy));
      return {
        kind: 'follows',
        properties: teardownProperties({ ...declared, onDelete }, startedBy),
        startedBy,
        stackCheck: { kind: 'none' },
        waitedFor: { teardown: true },
        outcome: (outcome) => teardownOutcome(outcome, phase),
      };
    }
  }
}

/**
 * `outcome` with the Delete's answer in place of the teardown's: a Delete never fails the stack, so the teardown's
 * outcome, good or bad, becomes the Reason of a SUCCESS.
 */
export function teardownOutcome(outcome: RequestOutcome, phase: TeardownPhase): RequestOutcome {
  if (outcome.kind !== 'answer') return outcome;
  const { answer } = outcome;
  return answered({
    status: 'SUCCESS',
    reason:
      answer.status === 'SUCCESS'
        ? teardownWords.succeeded(phase.cleanup, answer.data?.TaskId ?? answer.data?.TaskArn ?? '')
        : teardownWords.failed(phase.cleanup, answer.reason),
  });
}

/**
 * One task of OnDelete's task definition and overrides, started by `startedBy`; everything else as the resource runs
 * its tasks. Every invocation of a teardown works from these: the first, and each that takes over its wait or its
 * watch.
 */
function teardownProperties(
  properties: RunnerProperties & { onDelete: OnDelete },
  startedBy: string,
): RunnerProperties {
  const { onDelete } = properties;
  const teardown: RunnerProperties = {
    ...properties,
    taskDefinition: onDelete.taskDefinition ?? properties.taskDefinition,
    count: 1,
    startedBy,
  };
  // The resource's Overrides are for its own task definition; the teardown has OnDelete's, and no Outputs.
  delete teardown.overrides;
  delete teardown.outputs;
  delete teardown.onDelete;
  return onDelete.overrides ? { ...teardown, overrides: onDelete.overrides } : teardown;
}
