import { AccessDeniedException, ClusterNotFoundException, ServerException } from '@aws-sdk/client-ecs';
import { describeMissingCluster, explainEarlierRunLookupFailure } from '../../src/diagnostics/cluster-call-refusal';

/**
 * ECS refused a call about the resource's cluster before any task started: the Reason names the cluster, the
 * permission and the property to check.
 */

const CLUSTER = 'todobackend-cluster';
const ROLE = 'arn:aws:sts::123456789012:assumed-role/task-runner-FunctionRole-1A2B3C/task-runner';
const metadata = { httpStatusCode: 400, requestId: '8f9e0d1c-2b3a-4c5d-9e8f-7a6b5c4d3e2f' };

describe('describeMissingCluster', () => {
  it('names the cluster, the call that did not find it, and the property to check', () => {
    expect(describeMissingCluster('RunTask', CLUSTER)).toBe(
      'Not started: cluster "todobackend-cluster" was not found in this account and region' +
        ' (RunTask: ClusterNotFoundException), so no task was started' +
        " — check Cluster (a cluster name or ARN in the stack's region).",
    );
  });
});

describe('explainEarlierRunLookupFailure', () => {
  it('says the cluster was not found by ListTasks', () => {
    const error = new ClusterNotFoundException({ message: 'Cluster not found.', $metadata: metadata });
    expect(explainEarlierRunLookupFailure(error, CLUSTER)).toBe(
      'Not started: cluster "todobackend-cluster" was not found in this account and region' +
        ' (ListTasks: ClusterNotFoundException), so no task was started' +
        " — check Cluster (a cluster name or ARN in the stack's region).",
    );
  });

  it('names the action IAM denied, and where to grant it', () => {
    const message =
      `User: ${ROLE} is not authorized to perform: ecs:DescribeTasks on resource:` +
      ' arn:aws:ecs:us-east-1:123456789012:task/todobackend-cluster/0a1b2c3d4e5f46789abcdef012345678' +
      ' because no identity-based policy allows the ecs:DescribeTasks action';
    const error = new AccessDeniedException({ message, $metadata: metadata });
    expect(explainEarlierRunLookupFailure(error, CLUSTER)).toBe(
      `Not started: the runner's role may not call ecs:DescribeTasks on cluster "todobackend-cluster"` +
        ` (looking for an earlier run of this resource, IfRunning; AccessDeniedException: ${message}),` +
        " so no task was started — check Cluster; if it is right, add the cluster's ARN to ClusterArns of the" +
        " runner's stack (infra/task-runner.yml), or grant its role ecs:DescribeTasks on it.",
    );
  });

  it('names both actions the lookup needs when the refusal does not say which', () => {
    const error = new AccessDeniedException({ message: 'Access denied', $metadata: metadata });
    expect(explainEarlierRunLookupFailure(error, CLUSTER)).toBe(
      `Not started: the runner's role may not call ecs:ListTasks and ecs:DescribeTasks on cluster` +
        ' "todobackend-cluster" (looking for an earlier run of this resource, IfRunning; AccessDeniedException:' +
        " Access denied), so no task was started — check Cluster; if it is right, add the cluster's ARN to" +
        " ClusterArns of the runner's stack (infra/task-runner.yml), or grant its role ecs:ListTasks and" +
        ' ecs:DescribeTasks on it.',
    );
  });

  it('gives the name alone of a refusal without a message', () => {
    const error = new AccessDeniedException({ message: '', $metadata: metadata });
    expect(explainEarlierRunLookupFailure(error, 'arn:aws:ecs:us-east-1:123456789012:cluster/shared')).toBe(
      `Not started: the runner's role may not call ecs:ListTasks and ecs:DescribeTasks on cluster` +
        ' "arn:aws:ecs:us-east-1:123456789012:cluster/shared" (looking for an earlier run of this resource,' +
        ' IfRunning; AccessDeniedException), so no task was started — check Cluster; if it is right, add the' +
        " cluster's ARN to ClusterArns of the runner's stack (infra/task-runner.yml), or grant its role" +
        ' ecs:ListTasks and ecs:DescribeTasks on it.',
    );
  });

  it('describes any other failure as an AWS error of the lookup', () => {
    const error = new ServerException({
      message: 'Service Unavailable. Please try again later.',
      $metadata: { ...metadata, httpStatusCode: 500 },
    });
    expect(explainEarlierRunLookupFailure(error, CLUSTER)).toBe(
      'Not started: Looking for an earlier run of this resource (ListTasks, DescribeTasks) failed: ServerException:' +
        ' Service Unavailable. Please try again later. (HTTP 500)',
    );
  });
});
