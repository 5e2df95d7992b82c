import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { parseRunnerProperties, type RunnerProperties } from '../properties/runner-properties';
import { InvalidPropertiesError } from '../shared/errors';
import type { ContinuationEvent } from './continuation';
import { answered, type LifecycleDependencies, type RequestOutcome, type RunRequest } from './contract';
import { deleteResource } from './delete-resource';
import { followTasks, runTasks } from './run-tasks';
import { emptyData } from './task-attributes';

/** The stack status during which a failed update's properties are being rolled back. */
const UPDATE_ROLLBACK = 'UPDATE_ROLLBACK_IN_PROGRESS';

/** Decides what a CloudFormation request means for the resource and carries it out. */
export async function carryOutRequest(request: CloudFormationCustomResourceEvent, deps: LifecycleDependencies): Promise<RequestOutcome> {
  switch (request.RequestType) {
    case 'Create':
      return runTasks(request, requireProperties(request), deps);
    case 'Update':
      return updateResource(request, requireProperties(request), deps);
    case 'Delete':
      return answered(await deleteResource(request, deps));
  }
}

/** A fresh invocation takes over the watch an earlier one handed off, and answers when it is done. */
export async function resumeWatch(event: ContinuationEvent, deps: LifecycleDependencies): Promise<RequestOutcome> {
  return followTasks(event, requireProperties(event.request), deps, true);
}

function requireProperties(request: RunRequest): RunnerProperties {
  const parsed = parseRunnerProperties(request.ResourceProperties);
  if (!parsed.ok) throw new InvalidPropertiesError(parsed.problems);
  return parsed.properties;
}

async function updateResource(request: RunRequest, properties: RunnerProperties, deps: LifecycleDependencies): Promise<RequestOutcome> {
  if (!properties.runOnUpdate) {
    return skipped('RunOnUpdate is false: no task was run for this update.');
  }
  if (!properties.runOnRollback && (await stackStatus(request.StackId, deps)) === UPDATE_ROLLBACK) {
    return skipped('The stack is rolling back an update and RunOnRollback is false: no task was run.');
  }
  return runTasks(request, properties, deps);
}

async function stackStatus(stackId: string, deps: LifecycleDependencies): Promise<string | undefined> {
  try {
    return await (await deps.aws.cloudFormation()).stackStatus(stackId);
  } catch (error) {
    // Not knowing must not block the update: the tasks run as they would without RunOnRollback.
    deps.log.warn('Could not read the stack status (cloudformation:DescribeStacks); assuming no rollback', { error: String(error) });
    return undefined;
  }
}

function skipped(reason: string): RequestOutcome {
  return answered({ status: 'SUCCESS', reason, data: emptyData() });
}
