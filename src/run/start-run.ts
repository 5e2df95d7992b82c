import type { RunnerProperties } from '../properties/runner-properties';
import { answered, type RunnerDeps, type RequestOutcome, type RunRequest } from './contract';
import { followRun } from './follow-run';
import { phasePolicy } from './phase-policy';
import { planRun } from './plan-run';
import type { Purpose, Run } from './run-state';

/** Starts the tasks for a Create or Update and watches them to the end (or hands the watch off). */
export async function runTasks(
  request: RunRequest,
  properties: RunnerProperties,
  deps: RunnerDeps,
): Promise<RequestOutcome> {
  return startAndFollow({ request, phase: { kind: 'run' } }, properties, deps);
}

/**
 * Plans the run `properties` describe, for `purpose` (the resource's run, or its teardown), and follows it to the end
 * (or hands it off). Before the run starts, tasks of an earlier run of the resource are waited for, stopped or refused
 * (IfRunning); before a teardown starts, the resource's tasks just stopped (`waitFor`). A refusal is answered as the
 * run's phase answers (phase-policy.ts).
 */
export async function startAndFollow(
  purpose: Purpose,
  properties: RunnerProperties,
  deps: RunnerDeps,
  waitFor: readonly string[] = [],
): Promise<RequestOutcome> {
  const policy = phasePolicy(purpose, properties);
  if (policy.kind === 'nothing-to-follow') return answered(policy.answer);
  const planned = await planRun(purpose, policy, deps, waitFor);
  switch (planned.kind) {
    case 'refused':
      return policy.outcome(answered({ status: 'FAILED', reason: planned.reason, cause: 'refused' }));
    case 'planned':
      return followRun(planned.run, policy, deps, false);
  }
}

/** Carries on a run an earlier invocation handed off, with the properties its request declares. */
export async function carryOnRun(run: Run, properties: RunnerProperties, deps: RunnerDeps): Promise<RequestOutcome> {
  const policy = phasePolicy(run, properties);
  if (policy.kind === 'nothing-to-follow') return answered(policy.answer);
  return followRun(run, policy, deps, true);
}
