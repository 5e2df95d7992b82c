import { DEADLINE_WORK_MS } from '../../src/runtime/time-budget';
import { DescribeTasksCommand } from '@aws-sdk/client-ecs';
import { type Watch, type WatchResult, watchTasks } from '../../src/tasks/watch-tasks';
import { ecsTask, mockedAws, stoppedTask, TASK_ARN } from '../support/aws-mocks';
import { FakeClock, fakeInvocation, RecordingLog } from '../support/fakes';

const aws = mockedAws();
const SECOND_TASK = 'arn:aws:ecs:us-east-1:123456789012:task/todobackend-cluster/1b2c3d4e5f60718293a4b5c6d7e8f901';
const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });

beforeEach(() => aws.reset());

/**
 * A watch of one task started `startedAgoMs` before the fake clock's now, polled at most every `pollIntervalSeconds`.
 * A task an hour old is polled at exactly that cap: the schedule's quick polls are for young tasks.
 */
const OLD = 3_600_000;

function watchOf(clock: FakeClock, overrides: Partial<Watch> & { startedAgoMs?: number } = {}): Watch {
  const { startedAgoMs = 0, ...rest } = overrides;
  return {
    cluster: 'todobackend-cluster',
    taskArns: [TASK_ARN],
    essentialContainers: ['migrate'],
    logs: {},
    usesSecrets: false,
    startedAt: clock.now() - startedAgoMs,
    deadline: clock.now() + 3_600_000,
    timeoutSeconds: 3600,
    pollIntervalSeconds: 10,
    ...rest,
  };
}

function setup(budgetMs = 900_000) {
  const clock = new FakeClock();
  const log = new RecordingLog();
  const slowStarts: number[] = [];
  const deps = {
    ecs: aws.ports.ecs,
    clock,
    invocation: fakeInvocation(clock, budgetMs),
    log,
    onSlowStart: async () => {
      slowStarts.push(clock.now());
    },
  };
  return { clock, log, slowStarts, deps };
}

function decided(result: WatchResult) {
  if (result.kind !== 'decided') throw new Error(`expected a decision, got ${result.kind}`);
  return result.tasks;
}

describe('watching tasks', () => {
  it('waits one scheduled interval before the first DescribeTasks, and none when a fresh invocation takes over', async () => {
    const { clock, deps } = setup();
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [stoppedTask(0)] });

    await watchTasks(watchOf(clock), deps);
    // A task just started is polled every 2.75 s, below the 10 s cap.
    expect(clock.sleeps).toEqual([2750]);

    const takeover = setup();
    await watchTasks(watchOf(takeover.clock), takeover.deps, true);
    expect(takeover.clock.sleeps).toEqual([0]);
  });

  it('never sleeps past the deadline', async () => {
    const { clock, deps } = setup();
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask()] });

    const result = await watchTasks(watchOf(clock, { startedAgoMs: OLD, deadline: clock.now() + 4000 }), deps);

    expect(clock.sleeps).toEqual([4000]);
    expect(result).toEqual({
      kind: 'deadline',
      pending: [{ kind: 'pending', taskArn: TASK_ARN, lastStatus: 'RUNNING' }],
    });
  });

  it('hands off when the next wait would eat into the time kept for the hand-off', async () => {
    const { clock, deps } = setup(80_000);
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask()] });

    const result = await watchTasks(watchOf(clock, { startedAgoMs: OLD, pollIntervalSeconds: 60 }), deps);

    expect(result).toEqual({ kind: 'hand-off' });
    expect(aws.ecs).not.toHaveReceivedCommand(DescribeTasksCommand);
  });

  it('polls on while exactly the hand-off margin would remain after the wait', async () => {
    const { clock, deps } = setup(90_000);
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [stoppedTask(0)] });

    const result = await watchTasks(watchOf(clock, { startedAgoMs: OLD, pollIntervalSeconds: 60 }), deps);

    expect(decided(result)).toHaveLength(1);
    expect(clock.sleeps).toEqual([60_000]);
  });

  it('does not hand off when this invocation can still reach the deadline and answer', async () => {
    // The deadline in 85 s leaves exactly what stopping the tasks, diagnosing and answering need (DEADLINE_WORK_MS).
    const { clock, deps } = setup(85_000 + DEADLINE_WORK_MS);
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask()] });

    const result = await watchTasks(
      watchOf(clock, { startedAgoMs: OLD, pollIntervalSeconds: 80, deadline: clock.now() + 85_000 }),
      deps,
    );

    expect(result).toEqual({
      kind: 'deadline',
      pending: [{ kind: 'pending', taskArn: TASK_ARN, lastStatus: 'RUNNING' }],
    });
    expect(clock.sleeps).toEqual([80_000, 5000]);
  });

  it('hands off when the deadline lies beyond what this invocation can reach', async () => {
    const { clock, deps } = setup(100_000);
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask()] });

    const result = await watchTasks(
      watchOf(clock, { startedAgoMs: OLD, pollIntervalSeconds: 80, deadline: clock.now() + 100_000 }),
      deps,
    );

    expect(result).toEqual({ kind: 'hand-off' });
  });

  it('hands off rather than meet a deadline with less left than stopping, diagnosing and answering need', async () => {
    // 100 s left, the deadline in 60 s: the invocation would reach it with 40 s, less than DEADLINE_WORK_MS.
    const { clock, deps } = setup(100_000);
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask()] });

    const result = await watchTasks(
      watchOf(clock, { startedAgoMs: OLD, pollIntervalSeconds: 80, deadline: clock.now() + 60_000 }),
      deps,
    );

    expect(result).toEqual({ kind: 'hand-off' });
    expect(clock.sleeps).toEqual([]);
  });

  it('a fresh invocation polls once before it may hand off again', async () => {
    const { clock, deps } = setup(20_000);
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask()] });

    const result = await watchTasks(watchOf(clock), deps, true);

    expect(result).toEqual({ kind: 'hand-off' });
    expect(aws.ecs).toHaveReceivedCommandTimes(DescribeTasksCommand, 1);
  });

  it('DescribeTasks errors interrupted by a successful poll do not add up to giving up', async () => {
    const { clock, deps } = setup();
    aws.ecs
      .on(DescribeTasksCommand)
      .rejectsOnce(throttled)
      .rejectsOnce(throttled)
      .rejectsOnce(throttled)
      .rejectsOnce(throttled)
      .resolvesOnce({ tasks: [ecsTask()] })
      .rejectsOnce(throttled)
      .rejectsOnce(throttled)
      .rejectsOnce(throttled)
      .rejectsOnce(throttled)
      .resolves({ tasks: [stoppedTask(0)] });

    const tasks = decided(await watchTasks(watchOf(clock), deps));

    expect(tasks[0]).toMatchObject({ taskArn: TASK_ARN, verdict: 'succeeded' });
    expect(aws.ecs).toHaveReceivedCommandTimes(DescribeTasksCommand, 10);
  });

  it('polls more slowly for a minute after ECS throttled a DescribeTasks, then returns to its schedule', async () => {
    const { clock, deps } = setup();
    aws.ecs
      .on(DescribeTasksCommand)
      .rejectsOnce(throttled)
      .resolvesOnce({ tasks: [ecsTask()] })
      .resolvesOnce({ tasks: [ecsTask()] })
      .resolvesOnce({ tasks: [ecsTask()] })
      .resolvesOnce({ tasks: [ecsTask()] })
      .resolves({ tasks: [stoppedTask(0)] });

    decided(await watchTasks(watchOf(clock), deps));

    // Throttled at 2.75 s: 15 s waits until a minute has passed since (at 62.75 s), then 2.75 s again.
    expect(clock.sleeps).toEqual([2750, 15_000, 15_000, 15_000, 15_000, 2750]);
  });

  it('a transient error that is not throttling does not slow the polls', async () => {
    const { clock, deps } = setup();
    const unavailable = Object.assign(new Error('Service unavailable'), { name: 'ServerException' });
    aws.ecs
      .on(DescribeTasksCommand)
      .rejectsOnce(unavailable)
      .resolves({ tasks: [stoppedTask(0)] });

    decided(await watchTasks(watchOf(clock), deps));

    expect(clock.sleeps).toEqual([2750, 2750]);
  });

  it('a DescribeTasks error that is not transient ends the watch at once', async () => {
    const { clock, deps } = setup();
    const denied = Object.assign(new Error('User is not authorized to perform: ecs:DescribeTasks'), {
      name: 'AccessDeniedException',
    });
    aws.ecs.on(DescribeTasksCommand).rejects(denied);

    await expect(watchTasks(watchOf(clock), deps)).rejects.toBe(denied);
    expect(aws.ecs).toHaveReceivedCommandTimes(DescribeTasksCommand, 1);
  });

  it('at the deadline after failed polls, names every task as pending with an unknown status', async () => {
    const { clock, deps } = setup();
    aws.ecs.on(DescribeTasksCommand).rejects(throttled);

    const result = await watchTasks(
      watchOf(clock, { taskArns: [TASK_ARN, SECOND_TASK], deadline: clock.now() + 15_000 }),
      deps,
    );

    expect(result).toEqual({
      kind: 'deadline',
      pending: [
        { taskArn: TASK_ARN, lastStatus: 'UNKNOWN' },
        { taskArn: SECOND_TASK, lastStatus: 'UNKNOWN' },
      ],
      unread: { since: expect.any(Number) as number, error: throttled },
    });
  });

  it('at the deadline, names only the tasks still running', async () => {
    const { clock, deps } = setup();
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [stoppedTask(0), ecsTask({ taskArn: SECOND_TASK })] });

    const result = await watchTasks(
      watchOf(clock, { taskArns: [TASK_ARN, SECOND_TASK], deadline: clock.now() + 10_000 }),
      deps,
    );

    expect(result).toEqual({
      kind: 'deadline',
      pending: [{ kind: 'pending', taskArn: SECOND_TASK, lastStatus: 'RUNNING' }],
    });
  });

  it('asks DescribeTasks about at most 100 tasks at a time', async () => {
    const { clock, deps } = setup();
    const taskArns = Array.from(
      { length: 101 },
      (_, index) => `${TASK_ARN.slice(0, -3)}${String(index).padStart(3, '0')}`,
    );
    aws.ecs.on(DescribeTasksCommand).callsFake((input: { tasks: string[] }) => ({
      tasks: input.tasks.map((taskArn) => stoppedTask(0, { taskArn })),
    }));

    const tasks = decided(await watchTasks(watchOf(clock, { taskArns }), deps));

    expect(tasks.map((task) => task.taskArn)).toEqual(taskArns);
    const calls = aws.ecs.commandCalls(DescribeTasksCommand).map((call) => call.args[0].input.tasks);
    expect(calls).toEqual([taskArns.slice(0, 100), taskArns.slice(100)]);
  });
});

describe('a task ECS does not know yet (MISSING)', () => {
  it('is waited for within five minutes of RunTask, with the reason ECS gave as its status', async () => {
    const { clock, deps } = setup();
    aws.ecs
      .on(DescribeTasksCommand)
      .resolvesOnce({ tasks: [ecsTask({ taskArn: SECOND_TASK })], failures: [{ arn: TASK_ARN, reason: 'MISSING' }] })
      .resolves({ tasks: [stoppedTask(0), stoppedTask(0, { taskArn: SECOND_TASK })] });

    const tasks = decided(
      await watchTasks(watchOf(clock, { taskArns: [TASK_ARN, SECOND_TASK], deadline: clock.now() + 600_000 }), deps),
    );

    expect(tasks.every((task) => task.verdict === 'succeeded')).toBe(true);
    expect(aws.ecs).toHaveReceivedCommandTimes(DescribeTasksCommand, 2);
  });

  it('is named as pending at a deadline within the five minutes, with the reason ECS gave or MISSING', async () => {
    const { clock, deps } = setup();
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [], failures: [{ arn: SECOND_TASK, reason: 'INACTIVE' }] });

    const result = await watchTasks(
      watchOf(clock, { taskArns: [TASK_ARN, SECOND_TASK], deadline: clock.now() + 10_000 }),
      deps,
    );

    expect(result).toEqual({
      kind: 'deadline',
      pending: [
        { kind: 'pending', taskArn: TASK_ARN, lastStatus: 'MISSING' },
        { kind: 'pending', taskArn: SECOND_TASK, lastStatus: 'INACTIVE' },
      ],
    });
  });

  it('fails once five minutes have passed since RunTask, quoting what ECS said about that task', async () => {
    const { clock, deps } = setup();
    // The first poll lands exactly five minutes after RunTask.
    aws.ecs.on(DescribeTasksCommand).resolves({
      tasks: [],
      failures: [
        { arn: SECOND_TASK, reason: 'INACTIVE', detail: 'another task' },
        { arn: TASK_ARN, reason: 'MISSING', detail: 'The task was not found' },
      ],
    });

    const tasks = decided(await watchTasks(watchOf(clock, { startedAgoMs: 290_000 }), deps));

    expect(tasks).toEqual([
      {
        kind: 'decided',
        taskArn: TASK_ARN,
        lastStatus: 'MISSING',
        verdict: 'unknown-to-ecs',
        failures: [],
        ecsSaid: 'MISSING: The task was not found',
      },
    ]);
  });

  it('counts as MISSING when ECS leaves it out of both tasks and failures', async () => {
    const { clock, deps } = setup();
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [] });

    const tasks = decided(await watchTasks(watchOf(clock, { startedAgoMs: 400_000 }), deps));

    expect(tasks[0]).toMatchObject({
      lastStatus: 'MISSING',
      ecsSaid: 'MISSING',
    });
  });
});

describe('a slow start', () => {
  it('is reported once, at the first poll more than three minutes after RunTask, while a task waits to be placed', async () => {
    const { clock, deps, slowStarts } = setup();
    const startedAt = clock.now();
    aws.ecs.on(DescribeTasksCommand).callsFake(() => ({
      tasks: [clock.now() - startedAt < 240_000 ? ecsTask({ lastStatus: 'PROVISIONING' }) : stoppedTask(0)],
    }));

    decided(await watchTasks(watchOf(clock), deps));

    // Polls every 2.75 s: at 178.75 s (not yet three minutes), then 181.5 s.
    expect(slowStarts).toEqual([startedAt + 181_500]);
  });

  it('is reported for a task still PENDING', async () => {
    const { clock, deps, slowStarts } = setup();
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask({ lastStatus: 'PENDING' })] });

    await watchTasks(watchOf(clock, { deadline: clock.now() + 300_000 }), deps);

    expect(slowStarts).toHaveLength(1);
  });

  it('is not reported for a task that runs, however long', async () => {
    const { clock, deps, slowStarts } = setup();
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask()] });

    await watchTasks(watchOf(clock, { deadline: clock.now() + 600_000 }), deps);

    expect(slowStarts).toEqual([]);
  });
});
