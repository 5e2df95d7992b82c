import { DescribeTasksCommand } from '@aws-sdk/client-ecs';
import type { RunState } from '../../../src/run/run-state';
import { watchAttempt } from '../../../src/run/steps/watch-attempt';
import { ecsTask, mockedAws, stoppedTask, stubHappyPath, TASK_ARN } from '../../support/aws-mocks';
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
      answer: { status: 'FAILED' },
    });
    expect(sent(aws).ecs).toEqual(['DescribeTasks', 'StopTask']);
  });
});
