import { DescribeTasksCommand } from '@aws-sdk/client-ecs';
import type { RunState } from '../../../src/run/run-state';
import { waitForEarlierRun } from '../../../src/run/steps/wait-for-earlier-run';
import { ecsTask, mockedAws, stoppedTask, stubHappyPath, TASK_ARN } from '../../support/aws-mocks';
import { contextOf, purposeOf, runDeps, runIn, sent } from '../../support/run-harness';

const aws = mockedAws();
beforeEach(() => stubHappyPath(aws));

const waiting: Extract<RunState, { kind: 'waiting-for-earlier-run' }> = {
  kind: 'waiting-for-earlier-run',
  taskArns: [TASK_ARN],
};

describe('the waiting step', () => {
  it.each([
    { phase: 'run' as const, properties: { Count: '2' }, count: 2 },
    { phase: 'teardown' as const, properties: { Count: '2' }, count: 1 },
  ])('starts as many tasks as the $phase runs ($count) once the tasks waited for stopped', async (row) => {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [stoppedTask(0)] });
    const { clock, deps } = runDeps(aws);
    const run = runIn(waiting, clock.now(), purposeOf(row.phase, row.properties));
    expect(await waitForEarlierRun(run, waiting, contextOf(run, deps))).toMatchObject({
      kind: 'next',
      run: { state: { kind: 'starting', count: row.count, notBefore: 0 } },
    });
    expect(sent(aws)).toEqual({ ecs: ['DescribeTasks'] });
  });

  it.each([
    {
      phase: 'run' as const,
      properties: { IfRunning: 'Stop' },
      waitedFor: 'waiting for an earlier run of this resource to end (IfRunning Stop)',
    },
    { phase: 'teardown' as const, properties: {}, waitedFor: "waiting for the resource's stopped tasks to end" },
  ])('fails a $phase at the deadline, saying what it waited for, and starts nothing', async (row) => {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask()] });
    const { clock, deps } = runDeps(aws);
    const run = runIn(waiting, clock.now() - 600_000, purposeOf(row.phase, row.properties));
    const transition = await waitForEarlierRun(run, waiting, contextOf(run, deps));
    expect(transition).toMatchObject({ kind: 'answer', answer: { status: 'FAILED' } });
    expect(transition.kind === 'answer' ? transition.answer.reason : '').toContain(row.waitedFor);
    expect(sent(aws)).toEqual({ ecs: ['DescribeTasks'] });
  });

  it('hands the wait off, with the tasks still running, when this invocation runs short', async () => {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask()] });
    const { clock, deps } = runDeps(aws, 20_000);
    const run = runIn(waiting, clock.now());
    expect(await waitForEarlierRun(run, waiting, contextOf(run, deps))).toEqual({
      kind: 'hand-off',
      run: { ...run, state: { kind: 'waiting-for-earlier-run', taskArns: [TASK_ARN] } },
    });
    expect(sent(aws)).toEqual({ ecs: ['DescribeTasks'] });
  });
});
