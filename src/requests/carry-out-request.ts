import type { CloudFormationCustomResourceEvent, CloudFormationCustomResourceUpdateEvent } from 'aws-lambda';
import { whatRunsChanged } from '../properties/what-runs';
import { parseRunnerProperties, type RunnerProperties } from '../properties/runner-properties';
import { InvalidPropertiesError } from '../shared/errors';
import { answered, type RunnerDeps, type RequestOutcome } from '../run/contract';
import { deleteResource } from './delete-resource';
import { retryingDeniedCalls } from './iam-propagation';
import type { Run } from '../run/run-state';
import { RERUN_ON_NOTHING_CHANGED, ROLLBACK_NOT_RUN, RUN_ON_UPDATE_FALSE } from '../answers/wording';
import { carryOnRun, carryOnWokenRun, runTasks } from '../run/start-run';
import { effectiveTimeout } from '../run/deadline';
import { timeBudget, type TimeBudget } from '../runtime/time-budget';
import { readStackStatus, UPDATE_ROLLBACK } from '../run/checks/stack-status';
import { cannotTellUpdateRollback } from '../answers/wording';
import { forgettingAttributes, keepingAttributes, skippedUpdateData } from './kept-attributes';

/** Decides what a CloudFormation request means for the resource and carries it out. */
export async function carryOutRequest(
  request: CloudFormationCustomResourceEvent,
  deps: RunnerDeps,
): Promise<RequestOutcome> {
  switch (request.RequestType) {
    case 'Create': {
      const properties = requireProperties(request);
      const outcome = await runTasks(request, properties, retryingDeniedCalls(deps, timeoutBudget(properties, deps)));
      return keepingAttributes(request, outcome, deps);
    }
    case 'Update': {
      const properties = requireProperties(request);
      return updateResource(request, properties, retryingDeniedCalls(deps, timeoutBudget(properties, deps)));
    }
    case 'Delete':
      return forgettingAttributes(request, await deleteResource(request, deps), deps);
  }
}

/** A fresh invocation takes over the run an earlier one handed off, and answers when it is done. */
export async function resumeRun(run: Run, deps: RunnerDeps): Promise<RequestOutcome> {
  const outcome = await carryOnRun(run, requireProperties(run.request), deps);
  // A run's attributes are kept as a Create's or Update's are; a teardown ends a Delete, which forgets them.
  switch (run.phase.kind) {
    case 'run':
      return keepingAttributes(run.request, outcome, deps);
    case 'teardown':
      return forgettingAttributes(run.request, outcome, deps);
  }
}

/** A parked run an ECS event woke, this invocation holding it at `itemVersion` of its item (wake-parked-run.ts). */
export async function resumeWokenRun(run: Run, itemVersion: number, deps: RunnerDeps): Promise<RequestOutcome> {
  const outcome = await carryOnWokenRun(run, itemVersion, requireProperties(run.request), deps);
  switch (run.phase.kind) {
    case 'run':
      return keepingAttributes(run.request, outcome, deps);
    case 'teardown':
      return forgettingAttributes(run.request, outcome, deps);
  }
}

/** This invocation's budget before the run is planned: its Timeout from now is the furthest its deadline can be. */
function timeoutBudget(properties: RunnerProperties, deps: RunnerDeps): TimeBudget {
  return timeBudget(deps.clock.now() + effectiveTimeout(properties).seconds * 1000, deps);
}

function requireProperties(request: CloudFormationCustomResourceEvent): RunnerProperties {
  const parsed = parseRunnerProperties(request.ResourceProperties);
  if (parsed.kind === 'invalid') throw new InvalidPropertiesError(parsed.problems);
  return parsed.properties;
}

async function updateResource(
  request: CloudFormationCustomResourceUpdateEvent,
  properties: RunnerProperties,
  deps: RunnerDeps,
): Promise<RequestOutcome> {
  const skipped = async (reason: string): Promise<RequestOutcome> =>
    answered({ status: 'SUCCESS', reason, data: await skippedUpdateData(request, properties.outputs, deps) });
  if (!properties.runOnUpdate) return skipped(RUN_ON_UPDATE_FALSE);
  if (
    properties.rerunOn === 'TaskChange' &&
    !whatRunsChanged(request.OldResourceProperties, request.ResourceProperties)
  ) {
    return skipped(RERUN_ON_NOTHING_CHANGED);
  }
  if (!properties.runOnRollback) {
    // Not knowing is not "no rollback": a rollback run as a forward update is what RunOnRollback false rules out.
    const reading = await readStackStatus(request.StackId, properties, deps);
    if (reading.kind === 'unreadable')
      return answered({ status: 'FAILED', reason: cannotTellUpdateRollback(request.StackId, reading.cause) });
    if (reading.status === UPDATE_ROLLBACK) return skipped(ROLLBACK_NOT_RUN);
  }
  return keepingAttributes(request, await runTasks(request, properties, deps), deps);
}
