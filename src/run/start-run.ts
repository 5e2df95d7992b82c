import { errorName, errorSummary } from '../aws/aws-errors';
import type { RunnerProperties } from '../properties/runner-properties';
import { answered, type RunnerDeps, type RequestOutcome, type RunRequest } from './contract';
import { followRun } from './follow-run';
import { phasePolicy } from './phase-policy';
import { planRun } from './plan-run';
import { claimGeneration } from './parking/run-item';
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

/**
 * Carries on a run an earlier invocation handed off, with the properties its request declares, once this invocation
 * has claimed the run's generation (run-item.ts): a duplicate delivery of the hand-off, or a stale one, ends quietly.
 */
export async function carryOnRun(run: Run, properties: RunnerProperties, deps: RunnerDeps): Promise<RequestOutcome> {
  const policy = phasePolicy(run, properties);
  if (policy.kind === 'nothing-to-follow') return answered(policy.answer);
  const held = await holdsRun(run, deps);
  if (held.kind === 'elsewhere') return { kind: 'held-elsewhere' };
  return followRun(run, policy, deps, true, held.itemVersion);
}

/**
 * Carries on a parked run an ECS event woke (wake-parked-run.ts): the wake already claimed the run's generation, in
 * the write of the run item's `itemVersion`, on which the run parks again if it must.
 */
export async function carryOnWokenRun(
  run: Run,
  itemVersion: number,
  properties: RunnerProperties,
  deps: RunnerDeps,
): Promise<RequestOutcome> {
  const policy = phasePolicy(run, properties);
  if (policy.kind === 'nothing-to-follow') return answered(policy.answer);
  return followRun(run, policy, deps, true, itemVersion);
}

/**
 * Whether this invocation holds the run: it claimed the run's generation, or there is nothing to claim it in. A table
 * that cannot be read or written never stops the run: it goes on as without a table, and the log says why.
 */
async function holdsRun(
  run: Run,
  deps: Pick<RunnerDeps, 'aws' | 'clock' | 'log'>,
): Promise<{ kind: 'here'; itemVersion?: number } | { kind: 'elsewhere' }> {
  const { log } = deps;
  let claim;
  try {
    claim = await claimGeneration(await deps.aws.stateTable(), run.request, run.generation, deps.clock.now());
  } catch (error) {
    log.error('Could not claim the run in the state table: carrying on, as a runner without the table does', {
      generation: run.generation,
      error: errorName(error),
      message: errorSummary(error),
    });
    return { kind: 'here' };
  }
  switch (claim.kind) {
    case 'claimed':
      return { kind: 'here', itemVersion: claim.version };
    case 'no-table':
      return { kind: 'here' };
    case 'stale':
      log.info('Another invocation already holds this run (a hand-off delivered twice): ending without answering', {
        generation: run.generation,
        held: claim.held,
      });
      return { kind: 'elsewhere' };
  }
}
