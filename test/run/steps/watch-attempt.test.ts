import { DescribeTasksCommand, StopTaskCommand, type Task } from '@aws-sdk/client-ecs';
import { PARK_AFTER_MS } from '../../../src/run/parking/parking';
import type { RunState } from '../../../src/run/run-state';
import { watchAttempt } from '../../../src/run/steps/watch-attempt';
import { MISSING_GRACE_MS, SLOW_START_WARNING_MS } from '../../../src/tasks/watch-tasks';
import { ecsTask, mockedAws, stoppedTask, stubHappyPath, TASK_ARN } from '../../support/aws-mocks';
import { MemoryStateTable } from '../../support/fakes';
import { contextOf, purposeOf, runDeps, runIn, sent } from '../../support/run-harness';

const aws = mockedAws();
beforeEach(() => stubHappyPath(aws));

const watchingSince = (startedAt: number): Extract<RunState, { kind: 'watching' }> => ({
  kind: 'watching',
  taskArns: [TASK_ARN],
  startedAt,
});

describe('the watching step', () => {
  it.each([
    {
      what: "a run's task that exits 0 succeeds, with its attributes",
      phase: 'run' as const,
      task: stoppedTask(0),
      calls: { ecs: ['DescribeTasks'] },
      transition: { kind: 'answer', answer: { status: 'SUCCESS', data: { TaskArn: TASK_ARN, Attempts: '1' } } },
    },
    {
      what: "a teardown's task that exits 0 succeeds (its Delete's answer is given by the policy, not the step)",
      phase: 'teardown' as const,
      task: stoppedTask(0),
      calls: { ecs: ['DescribeTasks'] },
      transition: { kind: 'answer', answer: { status: 'SUCCESS', data: { TaskArn: TASK_ARN } } },
    },
    {
      what: 'a task that exits 1 fails the run',
      phase: 'run' as const,
      task: stoppedTask(1),
      calls: { ecs: ['DescribeTasks'] },
      transition: { kind: 'answer', answer: { status: 'FAILED', data: { ExitCode: '1' } } },
    },
  ])('$what', async ({ phase, task, calls, transition }) => {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [task] });
    const { clock, deps } = runDeps(aws);
    const state = watchingSince(clock.now());
    const run = runIn(state, clock.now(), purposeOf(phase));
    expect(await watchAttempt(run, state, contextOf(run, deps))).toMatchObject(transition);
    expect(sent(aws)).toEqual(calls);
  });

  it('stops the task and fails when the deadline passes', async () => {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask()] });
    const { clock, deps } = runDeps(aws);
    const state = watchingSince(clock.now() - 600_000);
    const run = runIn(state, clock.now() - 600_000);
    const transition = await watchAttempt(run, state, contextOf(run, deps));
    expect(transition).toMatchObject({ kind: 'answer', answer: { status: 'FAILED' } });
    expect(sent(aws).ecs).toEqual(['DescribeTasks', 'StopTask']);
    expect(stopReasons()).toEqual(['ecs-task-runner: Timeout reached']);
  });

  it('hands the watch off when this invocation runs short, stopping nothing', async () => {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask()] });
    const { clock, deps } = runDeps(aws, 40_000);
    const state = watchingSince(clock.now());
    const run = runIn(state, clock.now());
    expect(await watchAttempt(run, state, contextOf(run, deps))).toEqual({ kind: 'hand-off', run });
    expect(sent(aws).ecs?.every((call) => call === 'DescribeTasks')).toBe(true);
  });

  it('stops the task and fails when it cannot be watched', async () => {
    aws.ecs.on(DescribeTasksCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const { clock, deps } = runDeps(aws);
    const state = watchingSince(clock.now());
    const run = runIn(state, clock.now());
    expect(await watchAttempt(run, state, contextOf(run, deps))).toMatchObject({
      kind: 'answer',
      answer: { status: 'FAILED', reason: expect.stringMatching(/^DescribeTasks .*denied/) as string },
    });
    expect(sent(aws).ecs).toEqual(['DescribeTasks', 'StopTask']);
    expect(stopReasons()).toEqual(['ecs-task-runner: could not watch the task']);
  });
});

const SECOND_TASK = TASK_ARN.replace('0a1b2c3d', '9f8e7d6c');

/** The reason of each StopTask sent. */
const stopReasons = () => aws.ecs.commandCalls(StopTaskCommand).map((call) => call.args[0].input.reason);

/** A Spot task reclaimed before its container ran: a start failure that passes with time. */
const reclaimed = stoppedTask(undefined, {
  stopCode: 'SpotInterruption',
  stoppedReason: 'Your Spot Task was interrupted.',
});

describe('the watching step judging two tasks', () => {
  /** DescribeTasks reports `first` as the first task and `second` as SECOND_TASK. */
  function describeAnswers(first: Task, second: Task): void {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [first, { ...second, taskArn: SECOND_TASK }] });
  }
  const watchingBoth = (startedAt: number): Extract<RunState, { kind: 'watching' }> => ({
    kind: 'watching',
    taskArns: [TASK_ARN, SECOND_TASK],
    startedAt,
  });

  it.each([
    {
      what: 'one task failing fails the run, although the other succeeded',
      tasks: [stoppedTask(0), stoppedTask(1)],
      properties: {},
      transition: { kind: 'answer', answer: { status: 'FAILED', cause: 'task-failed' } },
    },
    {
      what: 'with Outputs declared, tasks that all succeeded move on to reading them',
      tasks: [stoppedTask(0), stoppedTask(0)],
      properties: { Outputs: ['SchemaVersion'] },
      transition: { kind: 'next', run: { state: { kind: 'reading-outputs' } } },
    },
    {
      what: 'a task that exited 1 is never started again, StartRetries or not',
      tasks: [stoppedTask(0), stoppedTask(1)],
      properties: { StartRetries: '1' },
      transition: { kind: 'answer', answer: { status: 'FAILED', cause: 'task-failed' } },
    },
    {
      what: 'a start failure that passes with time is not retried when another task failed after it ran',
      tasks: [reclaimed, stoppedTask(1)],
      properties: { StartRetries: '1' },
      transition: { kind: 'answer', answer: { status: 'FAILED', cause: 'task-failed' } },
    },
  ])('$what', async ({ tasks, properties, transition }) => {
    describeAnswers(tasks[0] as Task, tasks[1] as Task);
    const { clock, deps } = runDeps(aws);
    const state = watchingBoth(clock.now());
    const run = runIn(state, clock.now(), purposeOf('run', properties));
    expect(await watchAttempt(run, state, contextOf(run, deps))).toMatchObject(transition);
    expect(stopReasons()).toEqual([]);
  });

  it('starts only the task that failed to start again (StartRetries), keeping the one that succeeded', async () => {
    describeAnswers(stoppedTask(0), reclaimed);
    const { clock, deps } = runDeps(aws);
    const state = watchingBoth(clock.now());
    const run = runIn(state, clock.now(), purposeOf('run', { StartRetries: '1' }));
    const transition = await watchAttempt(run, state, contextOf(run, deps));
    expect(transition).toMatchObject({
      kind: 'next',
      run: { progress: { attempt: 2 }, state: { kind: 'starting', count: 1 } },
    });
    if (transition.kind !== 'next') throw new Error('not started again');
    expect(transition.run.progress.succeeded.map((task) => task.taskArn)).toEqual([TASK_ARN]);
  });

  it('answers, for the metrics, when the last of the tasks exited', async () => {
    const exit = (ms: number) => ({ executionStoppedAt: new Date(ms) });
    const { clock, deps } = runDeps(aws);
    const now = clock.now();
    describeAnswers(stoppedTask(0, exit(now - 5_000)), stoppedTask(0, exit(now - 1_000)));
    const state = watchingBoth(now - 60_000);
    const run = runIn(state, now - 60_000);
    expect(await watchAttempt(run, state, contextOf(run, deps))).toMatchObject({
      kind: 'answer',
      answer: { status: 'SUCCESS', tasks: { startedAt: now - 60_000, exitedAt: now - 1_000 } },
    });
  });

  it('stops a task ECS has not reported since RunTask, and fails', async () => {
    aws.ecs
      .on(DescribeTasksCommand)
      .resolves({ tasks: [stoppedTask(0)], failures: [{ arn: SECOND_TASK, reason: 'MISSING' }] });
    const { clock, deps } = runDeps(aws);
    const state = watchingBoth(clock.now() - MISSING_GRACE_MS);
    const run = runIn(state, clock.now() - MISSING_GRACE_MS);
    expect(await watchAttempt(run, state, contextOf(run, deps))).toMatchObject({
      kind: 'answer',
      answer: { status: 'FAILED' },
    });
    expect(aws.ecs.commandCalls(StopTaskCommand).map((call) => call.args[0].input)).toEqual([
      expect.objectContaining({
        task: SECOND_TASK,
        reason: 'ecs-task-runner: ECS did not report the task after RunTask',
      }),
    ]);
  });
});

describe('the watching step with events on', () => {
  it('lets the tasks go after PARK_AFTER_MS and parks the run, when its deadline is out of reach', async () => {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask()] });
    // 300 s of invocation: the 600 s deadline is out of its reach.
    const { clock, deps } = runDeps(aws, 300_000);
    const start = clock.now();
    const state = watchingSince(start);
    const run = runIn(state, start);
    const parking = { table: new MemoryStateTable(), itemVersion: 1 };
    const transition = await watchAttempt(run, state, { ...contextOf(run, deps), parking });
    expect(transition).toEqual({
      kind: 'park',
      run: { ...run, state: { kind: 'parked', taskArns: [TASK_ARN], startedAt: start, parkedAt: clock.now() } },
    });
    expect(clock.now() - start).toBeGreaterThan(PARK_AFTER_MS - 10_000);
    expect(clock.now() - start).toBeLessThanOrEqual(PARK_AFTER_MS);
    expect(stopReasons()).toEqual([]);
  });
});

describe('the watching step of a task slow to start', () => {
  it('warns, with an explanation, once the task has waited SLOW_START_WARNING_MS to start', async () => {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask({ lastStatus: 'PENDING' })] });
    const { clock, deps, log } = runDeps(aws, 40_000);
    const state = watchingSince(clock.now() - SLOW_START_WARNING_MS);
    const run = runIn(state, clock.now() - SLOW_START_WARNING_MS);
    expect(await watchAttempt(run, state, contextOf(run, deps))).toEqual({ kind: 'hand-off', run });
    expect(log.entries).toContainEqual({
      level: 'warn',
      message: 'A task is still waiting to start',
      extra: [{ explanation: expect.any(String) as string }],
    });
  });
});
