import { RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { throttledCallDelayMs } from '../../src/runtime/delays';
import { type StartRequest, startTasks } from '../../src/tasks/start-tasks';
import { mockedAws, TASK_ARN, TASK_DEFINITION_ARN } from '../support/aws-mocks';
import { FakeClock, RecordingLog } from '../support/fakes';
import { parsed } from '../support/properties';

const aws = mockedAws();
const SECOND_TASK = 'arn:aws:ecs:us-east-1:123456789012:task/todobackend-cluster/1b2c3d4e5f60718293a4b5c6d7e8f901';
const throttled = Object.assign(new Error('Rate exceeded'), {
  name: 'ThrottlingException',
  $metadata: { httpStatusCode: 400 },
});

beforeEach(() => aws.reset());

/** RunTask's ConflictException for a clientToken already used, naming the tasks it started (if any). */
function conflictFor(resourceIds?: string[]): Error {
  return Object.assign(new Error('The clientToken was already used.'), {
    name: 'ConflictException',
    $metadata: { httpStatusCode: 400 },
    ...(resourceIds ? { resourceIds } : {}),
  });
}

function request(clock: FakeClock, count = '1', retryForMs = 60_000): StartRequest {
  return {
    properties: parsed({
      ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:runner',
      Cluster: 'todobackend-cluster',
      TaskDefinition: 'todobackend-migrate',
      Count: count,
      LaunchType: 'EC2',
    }),
    taskDefinitionArn: TASK_DEFINITION_ARN,
    count: Number(count),
    requestTag: '5149222e74e5e0939543c55f02e0a969917cc107713ee74abe5d981b650914b0',
    resourceTag: '0d6f1c2b3a4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4',
    clientToken: 'b6a8f5e2-4c1d-4e0f-9a7b-3c2d1e0f9a8b',
    startedBy: 'cfn-todobackend',
    deadline: clock.now() + 600_000,
    stackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/todobackend/6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0',
    retryUntil: clock.now() + retryForMs,
  };
}

function setup() {
  const clock = new FakeClock();
  return { clock, deps: { ecs: aws.ports.ecs, clock, log: new RecordingLog() } };
}

describe('starting tasks', () => {
  it('with Count 2, placing one task is a failure: the one started is stopped again', async () => {
    const { clock, deps } = setup();
    aws.ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: TASK_ARN }], failures: [] });
    aws.ecs.on(StopTaskCommand).resolves({});

    const result = await startTasks(request(clock, '2'), deps);

    expect(result).toEqual({ kind: 'not-placed', failures: [], startedCount: 1 });
    expect(aws.ecs).toHaveReceivedCommandWith(StopTaskCommand, {
      cluster: 'todobackend-cluster',
      task: TASK_ARN,
      reason: 'ecs-task-runner: RunTask could not start every task',
    });
    expect(deps.log.entries[0]).toEqual({
      level: 'info',
      message: 'RunTask answered',
      extra: [{ taskArns: [TASK_ARN], failures: [] }],
    });
  });

  it('any placement failure fails the start, even with as many tasks as asked', async () => {
    const { clock, deps } = setup();
    const failures = [
      {
        arn: 'arn:aws:ecs:us-east-1:123456789012:container-instance/todobackend-cluster/abc',
        reason: 'RESOURCE:MEMORY',
      },
    ];
    aws.ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: TASK_ARN }, { taskArn: SECOND_TASK }], failures });
    aws.ecs.on(StopTaskCommand).resolves({});

    const result = await startTasks(request(clock, '2'), deps);

    expect(result).toEqual({ kind: 'not-placed', failures, startedCount: 2 });
    expect(aws.ecs).toHaveReceivedCommandTimes(StopTaskCommand, 2);
  });

  it('starts when every task was placed, stopping none', async () => {
    const { clock, deps } = setup();
    aws.ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: TASK_ARN }, { taskArn: SECOND_TASK }] });

    expect(await startTasks(request(clock, '2'), deps)).toEqual({ kind: 'started', taskArns: [TASK_ARN, SECOND_TASK] });
    expect(aws.ecs).not.toHaveReceivedCommand(StopTaskCommand);
  });

  it('a ConflictException that names no task is a refusal, not an adoption', async () => {
    const { clock, deps } = setup();
    const conflict = conflictFor();
    aws.ecs.on(RunTaskCommand).rejects(conflict);

    expect(await startTasks(request(clock), deps)).toEqual({ kind: 'refused', error: conflict });
  });

  it('adopts the tasks a ConflictException names for its clientToken, saying so in the log', async () => {
    const { clock, deps } = setup();
    aws.ecs.on(RunTaskCommand).rejects(conflictFor([TASK_ARN, SECOND_TASK]));

    expect(await startTasks(request(clock, '2'), deps)).toEqual({
      kind: 'started',
      taskArns: [TASK_ARN, SECOND_TASK],
      adopted: true,
    });
    expect(deps.log.entries).toEqual([
      {
        level: 'warn',
        message: 'RunTask: this clientToken already started tasks; watching those',
        extra: [{ taskArns: [TASK_ARN, SECOND_TASK] }],
      },
    ]);
  });

  it('an answer with failures and no tasks field started nothing, and stops nothing', async () => {
    const { clock, deps } = setup();
    const failures = [{ reason: 'RESOURCE:MEMORY' }];
    aws.ecs.on(RunTaskCommand).resolves({ failures });

    expect(await startTasks(request(clock), deps)).toEqual({ kind: 'not-placed', failures, startedCount: 0 });
    expect(aws.ecs).not.toHaveReceivedCommand(StopTaskCommand);
  });

  it('retries a throttled RunTask while the retry still ends in time, and not after', async () => {
    const { clock, deps } = setup();
    aws.ecs.on(RunTaskCommand).rejects(throttled);

    // 1 s + 2 s of waiting fit exactly into 3 s; the next wait (4 s) would not.
    const result = await startTasks(request(clock, '1', 3000), deps);

    expect(result).toEqual({ kind: 'refused', error: throttled });
    expect(clock.sleeps).toEqual([1000, 2000]);
    expect(deps.log.entries).toEqual(
      [1000, 2000].map((delayMs, index) => ({
        level: 'warn',
        message: 'RunTask failed; retrying with the same clientToken',
        extra: [{ attempt: index + 1, error: 'ThrottlingException', delayMs }],
      })),
    );
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 3);
  });

  it('waits twice as long after each refusal, at most 20 s', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map(throttledCallDelayMs)).toEqual([1000, 2000, 4000, 8000, 16_000, 20_000, 20_000]);
  });
});
