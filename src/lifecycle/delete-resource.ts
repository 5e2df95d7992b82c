import type { CloudFormationCustomResourceDeleteEvent } from 'aws-lambda';
import { isClusterNotFound } from '../aws/aws-errors';
import { describeAwsError } from '../diagnostics/failure-reason';
import { parseRunnerProperties } from '../properties/runner-properties';
import type { Answer } from '../response/answer';
import { taskId } from '../shared/arns';
import { stopTasks } from '../tasks/stop-tasks';
import type { LifecycleDependencies } from './contract';
import { defaultStartedBy } from './resource-identity';

/**
 * Delete never fails the stack: a failed Delete would leave the stack stuck (or in DELETE_FAILED) for a resource
 * that owns nothing but running tasks. Tasks this resource started that still run are stopped when StopOnDelete.
 */
export async function deleteResource(request: CloudFormationCustomResourceDeleteEvent, deps: LifecycleDependencies): Promise<Answer> {
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
    if (isClusterNotFound(error)) {
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
    // "When you specify startedBy as the filter, it must be the only filter that you use" (ECS API reference,
    // ListTasks); the default desiredStatus, RUNNING, is the one wanted anyway.
    const page = await deps.aws.ecs.listTasks({ cluster, startedBy, ...(nextToken ? { nextToken } : {}) });
    taskArns.push(...(page.taskArns ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return taskArns;
}
