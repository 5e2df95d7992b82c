import { deniedAction, errorName, errorSummary, isClusterNotFound, isPermissionDenied } from '../aws/aws-errors';
import { describeAwsError } from './failure-reason';

/**
 * ECS refused a call about the resource's cluster before any task started — RunTask, or the ListTasks and
 * DescribeTasks that look for an earlier run (IfRunning) — and the Reason says which cluster, which permission and
 * which property to check, however the call was made.
 */

/** The cluster does not exist where the runner looks: the property, not the runner, is wrong. */
export function describeMissingCluster(call: string, cluster: string): string {
  return (
    `Not started: cluster ${JSON.stringify(cluster)} was not found in this account and region` +
    ` (${call}: ClusterNotFoundException), so no task was started` +
    " — check Cluster (a cluster name or ARN in the stack's region)."
  );
}

/**
 * The runner's role may not make a call on the cluster. The runner's template grants its ECS actions only on the
 * clusters it was given (ClusterArns, as the condition ecs:cluster), so a Cluster outside them is denied even when
 * it does not exist: the property comes first, the grant second.
 */
function describeDeniedClusterCall(purpose: string, error: unknown, cluster: string, permissions: string): string {
  const permission = deniedAction(error) ?? permissions;
  const answer = [errorName(error), errorSummary(error)].filter(Boolean).join(': ');
  return (
    `Not started: the runner's role may not call ${permission} on cluster ${JSON.stringify(cluster)}` +
    ` (${purpose}; ${answer}), so no task was started — check Cluster; if it is right, add the cluster's ARN to` +
    ` ClusterArns of the runner's stack (infra/task-runner.yml), or grant its role ${permission} on it.`
  );
}

/**
 * Looking for an earlier run of the resource (IfRunning) failed: ListTasks by the resource's startedBy, then
 * DescribeTasks of what it listed. A missing cluster can only be met by ListTasks, the first call.
 */
export function explainEarlierRunLookupFailure(error: unknown, cluster: string): string {
  if (isClusterNotFound(error)) return describeMissingCluster('ListTasks', cluster);
  if (isPermissionDenied(error))
    return describeDeniedClusterCall(
      'looking for an earlier run of this resource, IfRunning',
      error,
      cluster,
      'ecs:ListTasks and ecs:DescribeTasks',
    );
  return `Not started: ${describeAwsError('Looking for an earlier run of this resource (ListTasks, DescribeTasks)', error)}`;
}
