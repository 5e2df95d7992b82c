import type { CloudFormationCustomResourceDeleteEvent, CloudFormationCustomResourceEvent } from 'aws-lambda';
import { describeAwsError } from '../diagnostics/failure-reason';
import { InvalidPropertiesError } from '../errors';
import { parseRunnerProperties, type RunnerProperties } from '../properties/runner-properties';
import { stopTasks } from '../tasks/stop-tasks';
import { taskId } from '../tasks/task-outcome';
import { type Answer, emptyData } from './answer';
import type { ContinuationEvent, RunRequest } from './continuation';
import { defaultStartedBy } from './resource-identity';
import { followTasks, type LifecycleDependencies, type RequestOutcome, runTasks } from './run-tasks';

/** The stack status during which a failed update's properties are being rolled back. */
const UPDATE_ROLLBACK = 'UPDATE_ROLLBACK_IN_PROGRESS';

/** Decides what a CloudFormation request means for the resource and carries it out. */
export async function handleRequest(request: CloudFormationCustomResourceEvent, deps: LifecycleDependencies): Promise<RequestOutcome> {
  switch (request.RequestType) {
    case 'Create':
      return runTasks(request, requireProperties(request), deps);
    case 'Update':
      return handleUpdate(request, requireProperties(request), deps);
    case 'Delete':
      return { kind: 'answer', answer: await handleDelete(request, deps) };
  }
}

/** A fresh invocation takes over the watch an earlier one handed off, and answers when it is done. */
export async function handleContinuation(event: ContinuationEvent, deps: LifecycleDependencies): Promise<RequestOutcome> {
  return followTasks(event, requireProperties(event.request), deps, true);
}

function requireProperties(request: RunRequest): RunnerProperties {
  const parsed = parseRunnerProperties(request.ResourceProperties);
  if (!parsed.ok) throw new InvalidPropertiesError(parsed.problems);
  return parsed.properties;
}

async function handleUpdate(request: RunRequest, properties: RunnerProperties, deps: LifecycleDependencies): Promise<RequestOutcome> {
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

/**
 * Delete never fails the stack: a failed Delete would leave the stack stuck (or in DELETE_FAILED) for a resource
 * that owns nothing but running tasks. Tasks this resource started that still run are stopped when StopOnDelete.
 */
async function handleDelete(request: CloudFormationCustomResourceDeleteEvent, deps: LifecycleDependencies): Promise<Answer> {
  const parsed = parseRunnerProperties(request.ResourceProperties);
  if (!parsed.ok) return { status: 'SUCCESS', reason: 'Nothing to clean up: the resource\'s properties were invalid, so it never started a task.' };
  const { properties } = parsed;
  if (!properties.stopOnDelete) return { status: 'SUCCESS', reason: 'StopOnDelete is false: tasks still running were left alone.' };
  const startedBy = properties.startedBy ?? defaultStartedBy(request);
  try {
    const running = await listRunningTasks(properties.cluster, startedBy, deps);
    await stopTasks(deps.aws.ecs, properties.cluster, running, 'ecs-task-runner: the resource was deleted', deps.log);
    return {
      status: 'SUCCESS',
      reason: running.length === 0 ? 'No task of this resource was running.' : `Stopped ${running.length} task(s) still running: ${running.map(taskId).join(', ')}.`,
    };
  } catch (error) {
    if (error instanceof Error && error.name === 'ClusterNotFoundException') {
      return { status: 'SUCCESS', reason: `Cluster ${properties.cluster} no longer exists: nothing to stop.` };
    }
    deps.log.warn('Could not stop the resource\'s tasks on Delete', { error: String(error) });
    return { status: 'SUCCESS', reason: `Deleted without stopping tasks: ${describeAwsError('ListTasks', error)}` };
  }
}

async function listRunningTasks(cluster: string, startedBy: string, deps: LifecycleDependencies): Promise<string[]> {
  const taskArns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await deps.aws.ecs.listTasks({ cluster, startedBy, desiredStatus: 'RUNNING', ...(nextToken ? { nextToken } : {}) });
    taskArns.push(...(page.taskArns ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return taskArns;
}

function skipped(reason: string): RequestOutcome {
  return { kind: 'answer', answer: { status: 'SUCCESS', reason, data: emptyData() } };
}
