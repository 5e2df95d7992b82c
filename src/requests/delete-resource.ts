import type { CloudFormationCustomResourceDeleteEvent } from 'aws-lambda';
import { isClusterNotFound } from '../aws/aws-errors';
import { describeAwsError } from '../diagnostics/failure-reason';
import { parseRunnerProperties, type RunnerProperties } from '../properties/runner-properties';
import { byStopRequest, unstoppedTasks } from '../tasks/running-tasks';
import { stopTasks } from '../tasks/stop-tasks';
import { answered, type LifecycleDependencies, type RequestOutcome } from '../run/contract';
import { defaultStartedBy } from '../shared/resource-identity';
import { cleanupWords, INVALID_PROPERTIES_ON_DELETE } from '../answers/wording';
import { type Cleanup, runTeardown } from './teardown';

/**
 * Delete never fails the stack: a failed Delete would leave the stack stuck (or in DELETE_FAILED) for a resource
 * that owns nothing but running tasks. Tasks this resource started that still run are stopped when StopOnDelete;
 * then the OnDelete teardown task runs, when there is one.
 */
export async function deleteResource(
  request: CloudFormationCustomResourceDeleteEvent,
  deps: LifecycleDependencies,
): Promise<RequestOutcome> {
  const parsed = parseRunnerProperties(request.ResourceProperties);
  if (parsed.kind === 'invalid') return answered({ status: 'SUCCESS', reason: INVALID_PROPERTIES_ON_DELETE });
  const { properties } = parsed;
  const cleanup = await stopResourceTasks(request, properties, deps);
  const { onDelete } = properties;
  if (onDelete) return runTeardown(request, { ...properties, onDelete }, cleanup, deps);
  return answered({ status: 'SUCCESS', reason: cleanup.summary });
}

/** Stops the resource's tasks that still run (StopOnDelete). */
async function stopResourceTasks(
  request: CloudFormationCustomResourceDeleteEvent,
  properties: Pick<RunnerProperties, 'stopOnDelete' | 'startedBy' | 'cluster'>,
  deps: LifecycleDependencies,
): Promise<Cleanup> {
  if (!properties.stopOnDelete) return { summary: cleanupWords.notStopped, stopped: [] };
  const startedBy = properties.startedBy ?? defaultStartedBy(request);
  try {
    // Tasks someone already asked to stop are not stopped again, but the teardown waits for them all the same.
    const unstopped = await unstoppedTasks(deps.aws.ecs, properties.cluster, startedBy);
    const { toStop, alreadyStopping } = byStopRequest(unstopped);
    await stopTasks(deps.aws.ecs, properties.cluster, toStop, 'ecs-task-runner: the resource was deleted', deps.log);
    return { summary: cleanupWords.stopped(toStop, alreadyStopping), stopped: [...toStop, ...alreadyStopping] };
  } catch (error) {
    if (isClusterNotFound(error)) return { summary: cleanupWords.noCluster(properties.cluster), stopped: [] };
    deps.log.warn("Could not stop the resource's tasks on Delete", { error: String(error) });
    return { summary: cleanupWords.failed(describeAwsError('ListTasks', error)), stopped: [] };
  }
}
