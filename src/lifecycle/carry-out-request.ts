import type { CloudFormationCustomResourceEvent, CloudFormationCustomResourceUpdateEvent } from 'aws-lambda';
import { whatRunsChanged } from '../properties/rerun-on';
import { parseRunnerProperties, type RunnerProperties } from '../properties/runner-properties';
import { InvalidPropertiesError } from '../shared/errors';
import { type ContinuationEvent, isTeardown } from './continuation';
import { answered, type LifecycleDependencies, type RequestOutcome } from './contract';
import { deleteResource } from './delete-resource';
import { retryingDeniedCalls } from './iam-propagation';
import { followTasks, runTasks } from './run-tasks';
import { UPDATE_ROLLBACK } from './stack-status';
import { readStackStatus } from './stack-status-reader';
import { cannotTellUpdateRollback } from './unreadable-stack-status';
import { emptyData } from './task-attributes';
import { asTeardownOutcome, teardownProperties } from './teardown';

/** Decides what a CloudFormation request means for the resource and carries it out. */
export async function carryOutRequest(
  request: CloudFormationCustomResourceEvent,
  deps: LifecycleDependencies,
): Promise<RequestOutcome> {
  switch (request.RequestType) {
    case 'Create':
      return runTasks(request, requireProperties(request), retryingDeniedCalls(deps));
    case 'Update':
      return updateResource(request, requireProperties(request), retryingDeniedCalls(deps));
    case 'Delete':
      return deleteResource(request, deps);
  }
}

/** A fresh invocation takes over the watch an earlier one handed off, and answers when it is done. */
export async function resumeWatch(event: ContinuationEvent, deps: LifecycleDependencies): Promise<RequestOutcome> {
  const properties = requireProperties(event.request);
  if (!isTeardown(event)) return followTasks(event, properties, deps, true);
  const { onDelete } = properties;
  // A teardown handed off always comes from a Delete with OnDelete; without it there is nothing to carry on.
  if (!onDelete)
    return answered({
      status: 'SUCCESS',
      reason: `${event.phase.cleanup} The teardown was not carried on: the Delete's properties have no OnDelete.`,
    });
  return asTeardownOutcome(
    await followTasks(event, teardownProperties(event.request, { ...properties, onDelete }), deps, true),
    event.phase,
  );
}

function requireProperties(request: CloudFormationCustomResourceEvent): RunnerProperties {
  const parsed = parseRunnerProperties(request.ResourceProperties);
  if (!parsed.ok) throw new InvalidPropertiesError(parsed.problems);
  return parsed.properties;
}

async function updateResource(
  request: CloudFormationCustomResourceUpdateEvent,
  properties: RunnerProperties,
  deps: LifecycleDependencies,
): Promise<RequestOutcome> {
  if (!properties.runOnUpdate) {
    return skipped('RunOnUpdate is false: no task was run for this update.', properties);
  }
  if (
    properties.rerunOn === 'TaskChange' &&
    !whatRunsChanged(request.OldResourceProperties, request.ResourceProperties)
  ) {
    return skipped(
      'RerunOn is TaskChange and this update changes nothing that decides what runs ' +
        '(task definition, overrides, network, launch settings, count, Triggers): no task was run.',
      properties,
    );
  }
  if (!properties.runOnRollback) {
    // Not knowing is not "no rollback": a rollback run as a forward update is what RunOnRollback false rules out.
    const reading = await readStackStatus(request.StackId, properties, deps);
    if (reading.kind === 'unreadable')
      return answered({ status: 'FAILED', reason: cannotTellUpdateRollback(request.StackId, reading.cause) });
    if (reading.status === UPDATE_ROLLBACK)
      return skipped('The stack is rolling back an update and RunOnRollback is false: no task was run.', properties);
  }
  return runTasks(request, properties, deps);
}

function skipped(reason: string, properties: RunnerProperties): RequestOutcome {
  return answered({ status: 'SUCCESS', reason, data: emptyData(properties.outputs) });
}
