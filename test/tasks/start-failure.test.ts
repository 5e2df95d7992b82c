import {
  failedToStart,
  isTransientPlacementFailure,
  judgeFailedStarts,
  judgeRunTaskRefusal,
  judgeStartFailureMessage,
} from '../../src/tasks/start-failure';
import { judgeTask } from '../../src/tasks/task-outcome';
import { stoppedTask } from '../support/aws-mocks';

const judged = (task: ReturnType<typeof stoppedTask>) => {
  const outcome = judgeTask(task, ['migrate']);
  if (outcome.kind !== 'decided') throw new Error('not decided');
  return outcome;
};

describe('a task that failed to start', () => {
  it('is one ECS stopped with TaskFailedToStart', () => {
    expect(
      failedToStart(
        judged(
          stoppedTask(undefined, {
            stopCode: 'TaskFailedToStart',
            stoppedReason: 'ResourceInitializationError: unable to pull secrets',
          }),
        ),
      ),
    ).toBe(true);
  });

  it('is one Spot reclaimed before its essential container ran, not after', () => {
    expect(failedToStart(judged(stoppedTask(undefined, { stopCode: 'SpotInterruption' })))).toBe(true);
    expect(failedToStart(judged(stoppedTask(137, { stopCode: 'SpotInterruption' })))).toBe(false);
    expect(failedToStart(judged(stoppedTask(0, { stopCode: 'SpotInterruption' })))).toBe(false);
  });

  it('is never one whose essential container exited, whatever the code, nor one stopped by someone', () => {
    expect(failedToStart(judged(stoppedTask(1)))).toBe(false);
    expect(failedToStart(judged(stoppedTask(0)))).toBe(false);
    expect(failedToStart(judged(stoppedTask(undefined, { stopCode: 'UserInitiated' })))).toBe(false);
  });
});

describe('RunTask failures worth another attempt', () => {
  it('are capacity and agent failures', () => {
    expect(isTransientPlacementFailure([{ reason: 'RESOURCE:ENI' }, { reason: 'RESOURCE:MEMORY' }])).toBe(true);
    expect(isTransientPlacementFailure([{ reason: 'AGENT' }])).toBe(true);
    expect(
      isTransientPlacementFailure([
        { reason: 'Capacity is unavailable at this time. Please try again later or in a different availability zone' },
      ]),
    ).toBe(true);
  });

  it('are not attribute mismatches, or a mix with one', () => {
    expect(isTransientPlacementFailure([{ reason: 'ATTRIBUTE' }])).toBe(false);
    expect(isTransientPlacementFailure([{ reason: 'RESOURCE:CPU' }, { reason: 'ATTRIBUTE' }])).toBe(false);
    expect(isTransientPlacementFailure([])).toBe(false);
  });
});

// ECS's documented messages (Amazon ECS Developer Guide: "Amazon ECS stopped tasks error messages",
// "CannotPullContainer task errors in Amazon ECS", "Troubleshooting Amazon ECS ResourceInitializationError errors",
// "Troubleshooting Amazon ECS CannotStartContainerError errors"), as Fargate platform 1.4 words them.
const ROLE = 'arn:aws:sts::123456789012:assumed-role/todobackend-execution/8f1e2d3c';
const IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/todobackend:1.4.3';

describe('a start failure StartRetries may retry', () => {
  test.each([
    [
      'capacity',
      "Unexpected EC2 error while attempting to Create Network Interface with public IP assignment enabled in subnet 'subnet-0a1b2c3d4e5f60718': InsufficientFreeAddressesInSubnet",
    ],
    ['capacity', 'Timeout waiting for network interface provisioning to complete.'],
    [
      'throttling',
      'CannotPullContainerError: ref pull has been retried 1 time(s): failed to copy: httpReadSeeker: failed open: unexpected status code https://registry-1.docker.io/v2/library/python/manifests/3.12: 429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit.',
    ],
    [
      'network',
      `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${IMAGE}: failed to do request: Head "https://123456789012.dkr.ecr.us-east-1.amazonaws.com/v2/todobackend/manifests/1.4.3": dial tcp 52.0.0.1:443: i/o timeout`,
    ],
    [
      'network',
      'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 5 time(s): RequestCanceled: request context canceled caused by: context deadline exceeded.',
    ],
    [
      'network',
      'CannotPullContainerError: API error (500): Get https://123456789012.dkr.ecr.us-east-1.amazonaws.com/v2/: net/http: request canceled while waiting for connection',
    ],
  ])('%s: %s', (cause, message) => {
    expect(judgeStartFailureMessage(message)).toEqual({ kind: 'passes-with-time', cause });
  });
});

describe('a start failure StartRetries never retries', () => {
  test.each([
    [
      'image-not-found',
      `CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref ${IMAGE}: ${IMAGE}: not found`,
    ],
    ['image-not-found', `CannotPullContainerError: API error (404): repository ${IMAGE} not found`],
    [
      'access-denied',
      `ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 5 time(s): AccessDeniedException: User: ${ROLE} is not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:us-east-1:123456789012:secret:todobackend-db-AbCdEf`,
    ],
    [
      'access-denied',
      `ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: service call has been retried 3 time(s): AccessDeniedException: User: ${ROLE} is not authorized to perform: ecr:GetAuthorizationToken on resource: *`,
    ],
    [
      'access-denied',
      'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): AccessDeniedException: Access to KMS is not allowed',
    ],
    [
      'missing-or-invalid-reference',
      'ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist. : exit status 1',
    ],
    [
      'cannot-start-command',
      'CannotStartContainerError: ResourceInitializationError: failed to create new container runtime task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "migrate": executable file not found in $PATH: unknown',
    ],
    [
      'unrecognised',
      'CannotCreateContainerError: Error response from daemon: devmapper: Thin Pool has 4350 free data blocks',
    ],
  ])('%s: %s', (cause, message) => {
    expect(judgeStartFailureMessage(message)).toMatchObject({ kind: 'final', cause, evidence: message });
  });
});

describe('the verdict on failed tasks', () => {
  const failedWith = (stoppedReason: string, containerReason?: string) =>
    judged(
      stoppedTask(undefined, {
        stopCode: 'TaskFailedToStart',
        stoppedReason,
        containers: [
          { name: 'migrate', lastStatus: 'STOPPED', ...(containerReason ? { reason: containerReason } : {}) },
        ],
      }),
    );

  it("reads the container's reason alone when the task's only says it failed to start", () => {
    const pull = `CannotPullContainerError: ${IMAGE}: not found`;
    for (const generic of ['Task failed to start', ' task failed to start. ']) {
      expect(judgeFailedStarts([failedWith(generic, pull)])).toEqual({
        kind: 'final',
        cause: 'image-not-found',
        evidence: pull,
      });
    }
  });

  it("quotes the task's reason when it is all ECS gave, and the task's and containers' reasons together otherwise", () => {
    expect(judgeFailedStarts([failedWith('Task failed to start')])).toEqual({
      kind: 'final',
      cause: 'unrecognised',
      evidence: 'Task failed to start',
    });
    expect(
      judgeFailedStarts([failedWith('Essential container in task exited', 'OutOfMemoryError: Container killed')]),
    ).toEqual({
      kind: 'final',
      cause: 'unrecognised',
      evidence: 'Essential container in task exited OutOfMemoryError: Container killed',
    });
  });

  it('passes with time only when every task failed for a reason that does', () => {
    const timeout = failedWith('CannotPullContainerError: dial tcp 52.0.0.1:443: i/o timeout');
    const denied = failedWith(`ResourceInitializationError: AccessDeniedException: User: ${ROLE} is not authorized`);
    expect(judgeFailedStarts([timeout, timeout])).toEqual({ kind: 'passes-with-time', cause: 'network' });
    expect(judgeFailedStarts([timeout, denied])).toMatchObject({ kind: 'final', cause: 'access-denied' });
  });

  it('counts Spot reclaiming the capacity before the container ran as capacity', () => {
    expect(judgeFailedStarts([judged(stoppedTask(undefined, { stopCode: 'SpotInterruption' }))])).toEqual({
      kind: 'passes-with-time',
      cause: 'capacity',
    });
  });
});

describe('a RunTask call ECS refused', () => {
  const error = (name: string, message: string) => Object.assign(new Error(message), { name });

  it('passes with time when ECS throttled it, had a fault, or the cluster has no instance yet', () => {
    expect(judgeRunTaskRefusal(error('ThrottlingException', 'Rate exceeded'))).toEqual({
      kind: 'passes-with-time',
      cause: 'throttling',
    });
    expect(judgeRunTaskRefusal(error('ServerException', 'Service unavailable'))).toEqual({
      kind: 'passes-with-time',
      cause: 'network',
    });
    expect(
      judgeRunTaskRefusal(error('InvalidParameterException', 'No Container Instances were found in your cluster.')),
    ).toEqual({ kind: 'passes-with-time', cause: 'capacity' });
  });

  it('is final for a refusal of the request itself', () => {
    expect(
      judgeRunTaskRefusal(
        error(
          'InvalidParameterException',
          "Error retrieving subnet information for [subnet-0a1b2c3d4e5f60718]: The subnet ID 'subnet-0a1b2c3d4e5f60718' does not exist (ErrorCode: InvalidSubnetID.NotFound)",
        ),
      ),
    ).toMatchObject({ kind: 'final', cause: 'unrecognised' });
  });
});
