import { DescribeTasksCommand, type Failure, StopTaskCommand, type Task } from '@aws-sdk/client-ecs';
import { parkedTaskUnknown } from '../../../src/answers/wording';
import type { RunState } from '../../../src/run/run-state';
import { parkedAttempt } from '../../../src/run/steps/parked-attempt';
import { MISSING_GRACE_MS } from '../../../src/tasks/watch-tasks';
import { ecsTask, mockedAws, stoppedTask, stubHappyPath, TASK_ARN } from '../../support/aws-mocks';
import { contextOf, runDeps, runIn, sent } from '../../support/run-harness';

const aws = mockedAws();
beforeEach(() => stubHappyPath(aws));

const SECOND_TASK = TASK_ARN.replace('0a1b2c3d', '9f8e7d6c');
const SECOND_ID = SECOND_TASK.split('/').pop() as string;
const MINUTE = 60_000;

const parkedSince = (startedAt: number): Extract<RunState, { kind: 'parked' }> => ({
  kind: 'parked',
  taskArns: [TASK_ARN, SECOND_TASK],
  startedAt,
  parkedAt: startedAt + MINUTE,
});

/** DescribeTasks reports these tasks (the second as SECOND_TASK), and says `failures` of the others. */
function describeAnswers(tasks: Task[], failures: Failure[] = []): void {
  aws.ecs.on(DescribeTasksCommand).resolves({
    tasks: tasks.map((task, index) => (index === 1 ? { ...task, taskArn: SECOND_TASK } : task)),
    failures,
  });
}

/** Each StopTask sent: the task, and the reason ECS keeps as its stoppedReason. */
const stopped = () =>
  aws.ecs
    .commandCalls(StopTaskCommand)
    .map((call) => ({ task: call.args[0].input.task, reason: call.args[0].input.reason }));

describe('the parked step (a woken run)', () => {
  it.each([
    {
      what: 'a task still running, before the deadline: the run parks again',
      tasks: [stoppedTask(0), ecsTask()],
      startedAgoMs: 2 * MINUTE,
    },
    {
      what: 'a task ECS does not report yet, within the grace after RunTask: the run parks again',
      tasks: [stoppedTask(0)],
      startedAgoMs: MISSING_GRACE_MS - 1,
    },
  ])('$what, stopping nothing', async ({ tasks, startedAgoMs }) => {
    describeAnswers(tasks, [{ arn: SECOND_TASK, reason: 'MISSING' }]);
    const { clock, deps } = runDeps(aws);
    const state = parkedSince(clock.now() - startedAgoMs);
    const run = runIn(state, clock.now() - startedAgoMs);
    expect(await parkedAttempt(run, state, contextOf(run, deps))).toEqual({
      kind: 'park',
      run: { ...run, state: { ...state, parkedAt: clock.now() } },
    });
    expect(sent(aws)).toEqual({ ecs: ['DescribeTasks'] });
  });

  it('parks again, to be woken later, when DescribeTasks is throttled: it said nothing of the tasks', async () => {
    aws.ecs
      .on(DescribeTasksCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const { clock, deps, log } = runDeps(aws);
    const state = parkedSince(clock.now() - 2 * MINUTE);
    const run = runIn(state, clock.now() - 2 * MINUTE);
    expect(await parkedAttempt(run, state, contextOf(run, deps))).toEqual({
      kind: 'park',
      run: { ...run, state: { ...state, parkedAt: clock.now() } },
    });
    expect(stopped()).toEqual([]);
    expect(log.entries).toContainEqual({
      level: 'warn',
      message: 'DescribeTasks failed for a woken run: it stays parked',
      extra: [{ error: expect.stringContaining('Rate exceeded') as string }],
    });
  });

  it('stops the tasks and fails, saying why, when DescribeTasks is refused', async () => {
    aws.ecs
      .on(DescribeTasksCommand)
      .rejects(
        Object.assign(new Error('not authorized to perform: ecs:DescribeTasks'), { name: 'AccessDeniedException' }),
      );
    const { clock, deps } = runDeps(aws);
    const state = parkedSince(clock.now() - 2 * MINUTE);
    const run = runIn(state, clock.now() - 2 * MINUTE);
    expect(await parkedAttempt(run, state, contextOf(run, deps))).toEqual({
      kind: 'answer',
      answer: {
        status: 'FAILED',
        reason: expect.stringMatching(/^DescribeTasks .*not authorized.* The tasks were stopped\.$/) as string,
      },
    });
    expect(stopped()).toEqual([
      { task: TASK_ARN, reason: 'ecs-task-runner: could not watch the task' },
      { task: SECOND_TASK, reason: 'ecs-task-runner: could not watch the task' },
    ]);
  });

  it('stops only the task ECS no longer reports, past the grace after RunTask, and fails: its outcome is unknown', async () => {
    describeAnswers([stoppedTask(0)], [{ arn: SECOND_TASK, reason: 'MISSING' }]);
    const { clock, deps } = runDeps(aws);
    const state = parkedSince(clock.now() - MISSING_GRACE_MS);
    const run = runIn(state, clock.now() - MISSING_GRACE_MS);
    expect(await parkedAttempt(run, state, contextOf(run, deps))).toEqual({
      kind: 'answer',
      answer: { status: 'FAILED', reason: parkedTaskUnknown([SECOND_ID]), cause: 'task-failed' },
    });
    expect(stopped()).toEqual([{ task: SECOND_TASK, reason: 'ecs-task-runner: ECS no longer reported the task' }]);
  });

  it.each([
    {
      what: 'every task exited 0: the run succeeds, with its attributes',
      tasks: [stoppedTask(0), stoppedTask(0)],
      answer: { status: 'SUCCESS', data: { TaskArn: TASK_ARN, TaskArns: `${TASK_ARN},${SECOND_TASK}`, Attempts: '1' } },
    },
    {
      what: 'a task exited 1: the run fails',
      tasks: [stoppedTask(0), stoppedTask(1)],
      answer: { status: 'FAILED', cause: 'task-failed' },
    },
  ])('judges the run as a watch does once every task is decided: $what', async ({ tasks, answer }) => {
    describeAnswers(tasks);
    const { clock, deps } = runDeps(aws);
    const state = parkedSince(clock.now() - 2 * MINUTE);
    const run = runIn(state, clock.now() - 2 * MINUTE);
    expect(await parkedAttempt(run, state, contextOf(run, deps))).toMatchObject({ kind: 'answer', answer });
    expect(stopped()).toEqual([]);
  });

  it('stops the task still running and fails when the deadline has come', async () => {
    describeAnswers([stoppedTask(0), ecsTask()]);
    const { clock, deps } = runDeps(aws);
    // Planned 600 s ago with a 600 s Timeout: the deadline is now.
    const state = parkedSince(clock.now() - 600_000);
    const run = runIn(state, clock.now() - 600_000);
    expect(await parkedAttempt(run, state, contextOf(run, deps))).toMatchObject({
      kind: 'answer',
      answer: { status: 'FAILED', cause: 'timed-out' },
    });
    expect(stopped()).toEqual([{ task: SECOND_TASK, reason: 'ecs-task-runner: Timeout reached' }]);
  });
});
