import type { Failure } from '@aws-sdk/client-ecs';
import {
  briefPlacementFailure,
  briefStartFailure,
  describeAttempts,
  notRetriedNote,
} from '../../src/diagnostics/attempts-reason';
import type { FinalCause } from '../../src/tasks/start-failure';
import type { DecidedTask, TaskFacts } from '../../src/tasks/task-outcome';

/**
 * The Reason after StartRetries tried more than once: the last attempt's explanation, then why each earlier attempt
 * failed to start, within the bytes left in the answer, and why a failure that does not pass with time was not
 * retried.
 */

const TASK_ID = '0a1b2c3d4e5f46789abcdef012345678';
const OTHER_ID = '9f8e7d6c5b4a43219876fedcba987654';
const arn = (id: string) => `arn:aws:ecs:us-east-1:123456789012:task/todobackend-cluster/${id}`;
const instance = (id: string) => `arn:aws:ecs:us-east-1:123456789012:container-instance/todobackend-cluster/${id}`;
const FARGATE_CAPACITY =
  'Capacity is unavailable at this time. Please try again later or in a different availability zone';

describe('briefPlacementFailure', () => {
  it('gives the reason of the one failure', () => {
    expect(briefPlacementFailure([{ reason: FARGATE_CAPACITY }], 1, 0)).toBe(
      `RunTask could not place the task (${FARGATE_CAPACITY})`,
    );
  });

  it('gives each reason once, with its detail, in the order ECS gave them; one task refused by three instances is one task', () => {
    const failures: Failure[] = [
      { arn: instance('1f2e3d4c5b6a47988796a5b4c3d2e1f0'), reason: 'RESOURCE:MEMORY' },
      { arn: instance('2a3b4c5d6e7f48091a2b3c4d5e6f7081'), reason: 'RESOURCE:MEMORY' },
      {
        arn: instance('3c4d5e6f7a8b49012c3d4e5f6a7b8c9d'),
        reason: 'ATTRIBUTE',
        detail: 'ecs.capability.task-eni',
      },
    ];
    expect(briefPlacementFailure(failures, 1, 0)).toBe(
      'RunTask could not place the task (RESOURCE:MEMORY; ATTRIBUTE ecs.capability.task-eni)',
    );
  });

  it('counts the tasks asked for, and those placed, not the failures', () => {
    const failures: Failure[] = [{ reason: FARGATE_CAPACITY }];
    expect(briefPlacementFailure(failures, 2, 0)).toBe(`RunTask could not place the 2 tasks (${FARGATE_CAPACITY})`);
    expect(briefPlacementFailure(failures, 3, 1)).toBe(
      `RunTask could not place 2 of the 3 tasks (${FARGATE_CAPACITY})`,
    );
    expect(briefPlacementFailure(failures, 2, 1)).toBe(
      `RunTask could not place 1 of the 2 tasks (${FARGATE_CAPACITY})`,
    );
  });

  it('says no reason was given when ECS gave none', () => {
    expect(briefPlacementFailure([{ arn: instance('1f2e3d4c5b6a47988796a5b4c3d2e1f0') }], 1, 0)).toBe(
      'RunTask could not place the task (no reason given)',
    );
    expect(briefPlacementFailure([], 2, 1)).toBe('RunTask could not place 1 of the 2 tasks (no reason given)');
  });
});

describe('briefStartFailure', () => {
  const failedToStart = (extra: Partial<TaskFacts>): DecidedTask => ({
    taskArn: arn(TASK_ID),
    lastStatus: 'STOPPED',
    verdict: 'failed',
    failures: [],
    neverRan: true,
    ...extra,
  });

  it("gives the task's stop code and ECS's stopped reason, quoted as JSON", () => {
    const task = failedToStart({
      stopCode: 'TaskFailedToStart',
      stoppedReason:
        'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref' +
        ' "123456789012.dkr.ecr.us-east-1.amazonaws.com/todobackend:v2": not found',
      failures: [{ name: 'migrate', reason: 'CannotPullContainerError: not found' }],
    });
    expect(briefStartFailure([task])).toBe(
      `task ${TASK_ID} TaskFailedToStart: "CannotPullContainerError: pull image manifest has been retried 5 time(s):` +
        ' failed to resolve ref \\"123456789012.dkr.ecr.us-east-1.amazonaws.com/todobackend:v2\\": not found"',
    );
  });

  it("gives the first container's reason when ECS gave no stopped reason", () => {
    const task = failedToStart({
      stopCode: 'TaskFailedToStart',
      failures: [
        { name: 'init' },
        { name: 'migrate', reason: 'ResourceInitializationError: unable to pull secrets or registry auth' },
        { name: 'seed', reason: 'CannotStartContainerError: dependency init failed' },
      ],
    });
    expect(briefStartFailure([task])).toBe(
      `task ${TASK_ID} TaskFailedToStart: "ResourceInitializationError: unable to pull secrets or registry auth"`,
    );
  });

  it('says the task stopped, without a reason, when ECS said neither', () => {
    expect(briefStartFailure([failedToStart({ failures: [{ name: 'migrate' }] })])).toBe(`task ${TASK_ID} stopped`);
  });

  it('describes every task, one after the other', () => {
    const tasks = [
      failedToStart({ stopCode: 'TaskFailedToStart', stoppedReason: 'Timeout waiting for network interface' }),
      failedToStart({ taskArn: arn(OTHER_ID), stopCode: 'TaskFailedToStart' }),
    ];
    expect(briefStartFailure(tasks)).toBe(
      `task ${TASK_ID} TaskFailedToStart: "Timeout waiting for network interface", task ${OTHER_ID} TaskFailedToStart`,
    );
  });
});

describe('describeAttempts', () => {
  // The final explanation holds a multi-byte dash: the budget counts bytes, not characters.
  const final =
    `Task ${TASK_ID} failed: container "migrate" exited with code 1 (EssentialContainerExited).` +
    ' Hint: the container was killed — raise its memory.';
  const long =
    `task ${OTHER_ID} TaskFailedToStart: "ResourceInitializationError: unable to pull secrets or registry auth:` +
    ' execution resource retrieval failed: unable to retrieve ecr registry auth: i/o timeout"';
  const short = 'RunTask could not place the task (RESOURCE:ENI)';
  const medium = `RunTask could not place the task (${FARGATE_CAPACITY})`;
  const earlier = [long, short, medium];
  const head = `Attempt 4: ${final} Earlier attempts failed to start:`;
  const [first, second, third] = [` (1) ${long}.`, ` (2) ${short}.`, ` (3) ${medium}.`];
  const whole = head + first + second + third;
  const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
  const RESERVE = 40;

  it('returns the final explanation unchanged after a single attempt', () => {
    expect(describeAttempts(final, 1, [], 10)).toBe(final);
  });

  it('gives every earlier cause, numbered, when the whole fits exactly in the budget', () => {
    expect(whole.length).toBeLessThan(bytes(whole));
    expect(describeAttempts(final, 4, earlier, bytes(whole))).toBe(whole);
  });

  it('keeps the shortest causes first, with their own numbers, and counts the rest, one byte over the budget', () => {
    const reason = describeAttempts(final, 4, earlier, bytes(whole) - 1);
    expect(reason).toBe(`${head}${second}${third} (1 more in the runner's log.)`);
    expect(bytes(reason)).toBeLessThanOrEqual(bytes(whole) - 1);
  });

  it('keeps a cause that fits exactly with 40 bytes kept for the count', () => {
    const budget = bytes(head) + RESERVE + bytes(second) + bytes(third);
    expect(describeAttempts(final, 4, earlier, budget)).toBe(`${head}${second}${third} (1 more in the runner's log.)`);
  });

  it('drops a cause that would eat into the 40 bytes kept for the count', () => {
    const budget = bytes(head) + RESERVE + bytes(second) + bytes(third) - 1;
    expect(describeAttempts(final, 4, earlier, budget)).toBe(`${head}${second} (2 more in the runner's log.)`);
  });

  it('counts every cause when none fits', () => {
    expect(describeAttempts(final, 4, earlier, bytes(head) + RESERVE)).toBe(`${head} (3 more in the runner's log.)`);
  });
});

describe('notRetriedNote', () => {
  const RETRIES_ONLY =
    ' — StartRetries retries only what passes with time (capacity shortages, throttling, network timeouts).';

  it.each<[FinalCause, string]>([
    ['image-not-found', 'the image or its tag was not found'],
    [
      'access-denied',
      'access was denied (the task execution role, or a registry, secret, parameter, log group or KMS key policy)',
    ],
    [
      'missing-or-invalid-reference',
      'the task definition names something that does not exist or is invalid (a log group, secret or parameter)',
    ],
    ['cannot-start-command', "the container's command could not be started"],
    ['no-instance-can-run', 'no container instance can run the task as it is defined'],
    ['unrecognised', "ECS's reason is none of those known to pass with time"],
  ])('says why a failure that is %s was not retried', (cause, because) => {
    expect(notRetriedNote({ kind: 'final', cause, evidence: 'CannotPullContainerError: not found' })).toBe(
      `Not retried: ${because}${RETRIES_ONLY}`,
    );
  });

  it('says nothing of a failure that passes with time, nor when there was no verdict', () => {
    expect(notRetriedNote({ kind: 'passes-with-time', cause: 'capacity' })).toBeUndefined();
    expect(notRetriedNote(undefined)).toBeUndefined();
  });
});
