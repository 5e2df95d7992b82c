import { DescribeTasksCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { type ContinuationEvent, runOf } from '../../src/run/hand-off/continuation';
import { retryAfter, withAttempts } from '../../src/run/steps/start-retries';
import { startRetryDelayMs } from '../../src/runtime/delays';
import { RETRY_MIN_LEFT_MS } from '../../src/runtime/time-budget';
import { parseRunnerProperties } from '../../src/properties/runner-properties';
import { ecsTask, mockedAws, stoppedTask, stubHappyPath, TASK_ARN } from '../support/aws-mocks';
import { FakeClock, fakeInvocation, RecordingLog } from '../support/fakes';
import { fixtures } from '../support/fixtures';
import { invokeWith } from '../support/invoke';

const aws = mockedAws();
const invoke = invokeWith(aws.ports);
const RETRIED_TASK = TASK_ARN.replace('0a1b2c3d', '7c8d9e0f');
const THIRD_TASK = TASK_ARN.replace('0a1b2c3d', '1d2e3f4a');

const pullFailure = (taskArn = TASK_ARN) =>
  stoppedTask(undefined, {
    taskArn,
    stopCode: 'TaskFailedToStart',
    stoppedReason:
      'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref todobackend:1.4.2: i/o timeout',
    containers: [{ name: 'migrate', lastStatus: 'STOPPED' }],
  });

function createWithRetries(retries: string) {
  const event = fixtures.create();
  (event.ResourceProperties as Record<string, unknown>).StartRetries = retries;
  return event;
}

/** RunTask starts TASK_ARN, then RETRIED_TASK, then THIRD_TASK; DescribeTasks answers for each as given. */
function attempts(...outcomes: ReturnType<typeof stoppedTask>[]) {
  const arns = [TASK_ARN, RETRIED_TASK, THIRD_TASK];
  let call = 0;
  aws.ecs.on(RunTaskCommand).callsFake(() => ({ tasks: [{ taskArn: arns[call++] }], failures: [] }));
  outcomes.forEach((outcome, index) =>
    aws.ecs
      .on(DescribeTasksCommand, { tasks: [arns[index] as string] })
      .resolves({ tasks: [{ ...outcome, taskArn: arns[index] }] }),
  );
}

const clientTokens = () => aws.ecs.commandCalls(RunTaskCommand).map((call) => call.args[0].input.clientToken);

beforeEach(() => stubHappyPath(aws));

describe('StartRetries', () => {
  it('starts a task that failed to start again after a backoff, with a clientToken of its own', async () => {
    attempts(pullFailure(), stoppedTask(0));
    const { response, clock } = await invoke(createWithRetries('2'));
    expect(response?.Status).toBe('SUCCESS');
    expect(response?.Data).toMatchObject({ TaskArn: RETRIED_TASK, TaskArns: RETRIED_TASK, Attempts: '2' });
    const tokens = clientTokens();
    expect(tokens).toHaveLength(2);
    expect(new Set(tokens).size).toBe(2);
    expect(clock.sleeps).toContain(startRetryDelayMs(1));
  });

  it('gives a duplicate delivery the same clientToken for each attempt', async () => {
    attempts(pullFailure(), stoppedTask(0));
    await invoke(createWithRetries('1'));
    const first = clientTokens();
    aws.ecs.resetHistory();
    attempts(pullFailure(), stoppedTask(0));
    await invoke(createWithRetries('1'));
    expect(clientTokens()).toEqual(first);
  });

  it('retries RunTask failures that pass with time (RESOURCE:*, AGENT, Fargate capacity)', async () => {
    aws.ecs
      .on(RunTaskCommand)
      .resolvesOnce({
        tasks: [],
        failures: [
          {
            reason: 'RESOURCE:ENI',
            arn: 'arn:aws:ecs:us-east-1:123456789012:container-instance/todobackend-cluster/1f2e',
          },
        ],
      })
      .resolvesOnce({
        tasks: [],
        failures: [
          {
            reason: 'Capacity is unavailable at this time. Please try again later or in a different availability zone',
          },
        ],
      })
      .resolves({ tasks: [{ taskArn: TASK_ARN }], failures: [] });
    const { response } = await invoke(createWithRetries('3'));
    expect(response?.Status).toBe('SUCCESS');
    expect(response?.Data?.Attempts).toBe('3');
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 3);
  });

  it('never retries a task whose essential container ran and exited, whatever its exit code', async () => {
    attempts(stoppedTask(1));
    const { response } = await invoke(createWithRetries('5'));
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toMatch(
      /^Task 0a1b2c3d4e5f46789abcdef012345678 failed: container "migrate" exited with code 1/,
    );
    expect(response?.Data?.Attempts).toBe('1');
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
  });

  it('retries a Spot interruption before the container ran, not one after', async () => {
    const interrupted = (exitCode?: number) =>
      stoppedTask(exitCode, {
        stopCode: 'SpotInterruption',
        stoppedReason: 'Your Spot Task was interrupted.',
        containers: [{ name: 'migrate', lastStatus: 'STOPPED', ...(exitCode === undefined ? {} : { exitCode }) }],
      });
    attempts(interrupted(), stoppedTask(0));
    expect((await invoke(createWithRetries('1'))).response?.Data?.Attempts).toBe('2');

    stubHappyPath(aws);
    attempts(interrupted(143));
    const { response } = await invoke(createWithRetries('1'));
    expect(response?.Status).toBe('FAILED');
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
  });

  it('does not retry a placement that can never work (ATTRIBUTE)', async () => {
    aws.ecs.on(RunTaskCommand).resolves({
      tasks: [],
      failures: [
        {
          reason: 'ATTRIBUTE',
          arn: 'arn:aws:ecs:us-east-1:123456789012:container-instance/todobackend-cluster/1f2e',
        },
      ],
    });
    const { response } = await invoke(createWithRetries('3'));
    expect(response?.Status).toBe('FAILED');
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
    expect(response?.Reason).toMatch(/Not retried: no container instance can run the task as it is defined/);
  });

  it('never retries a missing image tag, and says why in the Reason', async () => {
    attempts(
      stoppedTask(undefined, {
        stopCode: 'TaskFailedToStart',
        stoppedReason:
          'CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref 123456789012.dkr.ecr.us-east-1.amazonaws.com/todobackend:1.4.3: 123456789012.dkr.ecr.us-east-1.amazonaws.com/todobackend:1.4.3: not found',
        containers: [{ name: 'migrate', lastStatus: 'STOPPED' }],
      }),
    );
    const { response, clock } = await invoke(createWithRetries('3'));
    expect(response?.Status).toBe('FAILED');
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
    expect(clock.sleeps).not.toContain(startRetryDelayMs(1));
    expect(response?.Reason).toMatch(/CannotPullContainerError/);
    expect(response?.Reason).toMatch(
      /Not retried: the image or its tag was not found — StartRetries retries only what passes with time \(capacity shortages, throttling, network timeouts\)\.$/,
    );
  });

  it('never retries a secret the execution role may not read', async () => {
    attempts(
      stoppedTask(undefined, {
        stopCode: 'TaskFailedToStart',
        stoppedReason:
          'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 5 time(s): AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/todobackend-execution/8f1e2d3c is not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:us-east-1:123456789012:secret:todobackend-db-AbCdEf',
        containers: [{ name: 'migrate', lastStatus: 'STOPPED' }],
      }),
    );
    const { response } = await invoke(createWithRetries('2'));
    expect(response?.Status).toBe('FAILED');
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
    expect(response?.Reason).toMatch(/Not retried: access was denied/);
  });

  it('says nothing of retries when StartRetries asked for none, or when none was left', async () => {
    attempts(
      stoppedTask(undefined, {
        stopCode: 'TaskFailedToStart',
        stoppedReason: 'CannotPullContainerError: todobackend:1.4.3: not found',
      }),
    );
    expect((await invoke(fixtures.create())).response?.Reason).not.toMatch(/Not retried/);

    stubHappyPath(aws);
    attempts(
      pullFailure(),
      stoppedTask(undefined, {
        stopCode: 'TaskFailedToStart',
        stoppedReason: 'CannotPullContainerError: todobackend:1.4.3: not found',
      }),
    );
    const { response } = await invoke(createWithRetries('1'));
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 2);
    expect(response?.Reason).not.toMatch(/Not retried/);
  });

  it('retries a RunTask refused because the cluster has no container instance yet', async () => {
    aws.ecs
      .on(RunTaskCommand)
      .rejectsOnce(
        Object.assign(new Error('No Container Instances were found in your cluster.'), {
          name: 'InvalidParameterException',
        }),
      )
      .resolves({ tasks: [{ taskArn: TASK_ARN }], failures: [] });
    const { response } = await invoke(createWithRetries('1'));
    expect(response?.Status).toBe('SUCCESS');
    expect(response?.Data?.Attempts).toBe('2');
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 2);
  });

  it('does not retry by default', async () => {
    attempts(pullFailure());
    const { response } = await invoke(fixtures.create());
    expect(response?.Status).toBe('FAILED');
    expect(response?.Data?.Attempts).toBe('1');
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
  });

  it("lists every attempt's cause in the final Reason, the last attempt's diagnosis first", async () => {
    aws.ecs
      .on(RunTaskCommand)
      .resolvesOnce({ tasks: [], failures: [{ reason: 'RESOURCE:MEMORY' }] })
      .resolves({ tasks: [{ taskArn: TASK_ARN }] });
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [pullFailure()] });
    const { response, log } = await invoke(createWithRetries('2'));
    expect(response?.Status).toBe('FAILED');
    expect(response?.Data?.Attempts).toBe('3');
    expect(response?.Reason).toMatch(
      /^Attempt 3: Task 0a1b2c3d4e5f46789abcdef012345678 failed: container "migrate" never ran \(TaskFailedToStart: "CannotPullContainerError/,
    );
    expect(response?.Reason).toContain(
      'Earlier attempts failed to start: (1) RunTask could not place the task (RESOURCE:MEMORY). (2) task 0a1b2c3d4e5f46789abcdef012345678 TaskFailedToStart: "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref todobackend:1.4.2: i/o timeout".',
    );
    expect(
      log.entries.filter((entry) => entry.message.startsWith('The task failed to start; starting again')),
    ).toHaveLength(2);
  });

  it('lists the shortest causes first when they do not all fit', async () => {
    const long = (n: number) => ({ reason: 'RESOURCE:CPU', detail: `${n} ${'x'.repeat(1200)}` });
    aws.ecs
      .on(RunTaskCommand)
      .resolvesOnce({ tasks: [], failures: [long(1)] })
      .resolvesOnce({ tasks: [], failures: [{ reason: 'AGENT' }] })
      .resolvesOnce({ tasks: [], failures: [long(3)] })
      .resolvesOnce({ tasks: [], failures: [long(4)] })
      .resolves({ tasks: [], failures: [{ reason: 'RESOURCE:CPU' }] });
    const event = createWithRetries('4');
    event.ResourceProperties.Timeout = '3000';
    const { response } = await invoke(event);
    expect(response?.Reason).toMatch(/^Attempt 5: RunTask started 0 of 1 task: RESOURCE:CPU\./);
    expect(response?.Reason).toContain('(2) RunTask could not place the task (AGENT).');
    expect(response?.Reason).toContain("more in the runner's log.)");
    expect(Buffer.byteLength(response?.Reason ?? '')).toBeLessThanOrEqual(3200);
  });

  it('retries only within the Timeout', async () => {
    attempts(pullFailure(), stoppedTask(0));
    const event = createWithRetries('3');
    event.ResourceProperties.Timeout = String((startRetryDelayMs(1) + RETRY_MIN_LEFT_MS) / 1000 - 1);
    const { response, log } = await invoke(event);
    expect(response?.Status).toBe('FAILED');
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
    expect(log.entries).toContainEqual({
      level: 'warn',
      message: 'A start retry would not fit in the Timeout; not retrying',
      extra: [{ attempt: 1, cause: expect.stringContaining('CannotPullContainerError') }],
    });
  });

  it('logs each retry with its attempt, out of how many, its cause and its backoff', async () => {
    attempts(pullFailure(), stoppedTask(0));
    const { log } = await invoke(createWithRetries('2'));
    expect(log.entries).toContainEqual({
      level: 'warn',
      message: 'The task failed to start; starting again after a backoff (StartRetries)',
      extra: [
        {
          attempt: 1,
          of: 3,
          cause: expect.stringContaining('CannotPullContainerError'),
          delayMs: startRetryDelayMs(1),
        },
      ],
    });
  });

  it('says why a start failure was not retried when StartRetries had exactly one retry left', async () => {
    attempts(
      stoppedTask(undefined, {
        stopCode: 'TaskFailedToStart',
        stoppedReason: 'CannotPullContainerError: todobackend:1.4.3: not found',
        containers: [{ name: 'migrate', lastStatus: 'STOPPED' }],
      }),
    );
    const { response } = await invoke(createWithRetries('1'));
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
    expect(response?.Reason).toMatch(/Not retried: the image or its tag was not found/);
  });

  it('retries none of a Count when one task failed to start and another ran and failed', async () => {
    const event = createWithRetries('1');
    event.ResourceProperties.Count = '2';
    aws.ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: TASK_ARN }, { taskArn: THIRD_TASK }] });
    aws.ecs
      .on(DescribeTasksCommand, { tasks: [TASK_ARN, THIRD_TASK] })
      .resolves({ tasks: [stoppedTask(1), pullFailure(THIRD_TASK)] });
    const { response } = await invoke(event);
    expect(response?.Status).toBe('FAILED');
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
  });

  it('retries only the tasks of a Count that failed to start, keeping the ones that succeeded', async () => {
    const event = createWithRetries('1');
    event.ResourceProperties.Count = '2';
    aws.ecs
      .on(RunTaskCommand)
      .resolvesOnce({ tasks: [{ taskArn: TASK_ARN }, { taskArn: THIRD_TASK }] })
      .resolves({ tasks: [{ taskArn: RETRIED_TASK }] });
    aws.ecs
      .on(DescribeTasksCommand, { tasks: [TASK_ARN, THIRD_TASK] })
      .resolves({ tasks: [stoppedTask(0), pullFailure(THIRD_TASK)] });
    aws.ecs
      .on(DescribeTasksCommand, { tasks: [RETRIED_TASK] })
      .resolves({ tasks: [stoppedTask(0, { taskArn: RETRIED_TASK })] });
    const { response } = await invoke(event);
    expect(response?.Status).toBe('SUCCESS');
    expect(aws.ecs.commandCalls(RunTaskCommand).map((call) => call.args[0].input.count)).toEqual([2, 1]);
    expect(response?.Data).toMatchObject({ TaskArns: `${TASK_ARN},${RETRIED_TASK}`, Attempts: '2' });
  });

  it('hands the backoff to a fresh invocation when this one is short of time, which then starts the next attempt', async () => {
    attempts(pullFailure(), stoppedTask(0));
    const { puts } = await invoke(createWithRetries('1'), { budgetMs: 70_000 });
    expect(puts).toHaveLength(0);
    const payload = JSON.parse(
      Buffer.from(aws.lambda.commandCalls(InvokeCommand)[0]?.args[0].input.Payload as Uint8Array).toString('utf8'),
    ) as ContinuationEvent;
    expect(payload.state).toMatchObject({ kind: 'starting', count: 1 });
    expect(payload.progress).toMatchObject({ attempt: 2 });
    expect(payload.progress.startFailures).toHaveLength(1);

    const { response, clock } = await invoke(payload);
    expect(clock.sleeps[0]).toBeGreaterThan(0);
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 2);
    expect(response).toMatchObject({ Status: 'SUCCESS', Data: { TaskArn: RETRIED_TASK, Attempts: '2' } });
  });

  it('keeps watching a task that is slow to start rather than retrying it', async () => {
    aws.ecs
      .on(DescribeTasksCommand)
      .resolvesOnce({ tasks: [ecsTask({ lastStatus: 'PROVISIONING' })] })
      .resolves({ tasks: [stoppedTask(0)] });
    const { response } = await invoke(createWithRetries('2'));
    expect(response?.Data?.Attempts).toBe('1');
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
  });
});

describe('the start retry schedule', () => {
  it('backs off 15 s, 30 s, then 60 s for every later retry', () => {
    expect([1, 2, 3, 4, 5].map(startRetryDelayMs)).toEqual([15_000, 30_000, 60_000, 60_000, 60_000]);
  });

  function retryState(leftMs: number, attempt: number, startRetries: string) {
    const clock = new FakeClock();
    const log = new RecordingLog();
    const continued = runOf(fixtures.continuation());
    const parsed = parseRunnerProperties({ ...continued.request.ResourceProperties, StartRetries: startRetries });
    if (parsed.kind === 'invalid') throw new Error('invalid properties');
    const progress = { attempt, startFailures: ['RunTask could not place the task (AGENT)'], succeeded: [] };
    const run = { ...continued, plan: { ...continued.plan, deadline: clock.now() + leftMs }, progress };
    const deps = { aws: aws.ports, clock, invocation: fakeInvocation(clock), log };
    return {
      retry: () => retryAfter(run, parsed.properties, 'task 0a1b TaskFailedToStart', 2, deps),
      clock,
      log,
    };
  }

  it('retries when the backoff leaves exactly the minimum time before the deadline, not a millisecond less', () => {
    const { retry, clock } = retryState(startRetryDelayMs(2) + RETRY_MIN_LEFT_MS, 2, '2');
    expect(retry()).toMatchObject({
      state: { kind: 'starting', count: 2, notBefore: clock.now() + startRetryDelayMs(2) },
      progress: {
        attempt: 3,
        startFailures: ['RunTask could not place the task (AGENT)', 'task 0a1b TaskFailedToStart'],
      },
    });
    expect(retryState(startRetryDelayMs(2) + RETRY_MIN_LEFT_MS - 1, 2, '2').retry()).toBeUndefined();
  });

  it('makes as many retries as StartRetries says, and no more', () => {
    expect(retryState(3_600_000, 2, '2').retry()).toBeDefined();
    expect(retryState(3_600_000, 3, '2').retry()).toBeUndefined();
  });

  it('leaves a Reason as it is when every attempt so far started', () => {
    expect(withAttempts('Task x failed.', undefined)).toBe('Task x failed.');
    expect(withAttempts('Task x failed.', { attempt: 1, startFailures: [] })).toBe('Task x failed.');
    expect(
      withAttempts('Task x failed.', {
        attempt: 2,
        startFailures: ['RunTask could not place the task (AGENT)'],
      }),
    ).toBe('Attempt 2: Task x failed. Earlier attempts failed to start: (1) RunTask could not place the task (AGENT).');
  });
});
