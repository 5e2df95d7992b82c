import { RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { startAttempt } from '../../../src/run/steps/start-attempt';
import type { Run, RunState } from '../../../src/run/run-state';
import { mockedAws, stubHappyPath, stubStackStatuses, TASK_ARN } from '../../support/aws-mocks';
import { contextOf, purposeOf, runDeps, runIn, sent } from '../../support/run-harness';

const aws = mockedAws();
beforeEach(() => stubHappyPath(aws));

const starting = (notBefore = 0): Extract<RunState, { kind: 'starting' }> => ({
  kind: 'starting',
  count: 1,
  notBefore,
});

describe('the starting step', () => {
  it.each([
    {
      what: "a Create's run reads its stack before and after RunTask, then watches what started",
      phase: 'run' as const,
      statuses: ['CREATE_IN_PROGRESS'] as const,
      calls: { ecs: ['RunTask'], cloudFormation: ['DescribeStacks', 'DescribeStacks'] },
      transition: { kind: 'next', run: { state: { kind: 'watching', taskArns: [TASK_ARN] } } },
    },
    {
      what: 'a teardown never reads its stack around RunTask',
      phase: 'teardown' as const,
      statuses: ['DELETE_IN_PROGRESS'] as const,
      calls: { ecs: ['RunTask'] },
      transition: { kind: 'next', run: { state: { kind: 'watching', taskArns: [TASK_ARN] } } },
    },
    {
      what: 'a run whose stack moved on before RunTask starts nothing',
      phase: 'run' as const,
      statuses: ['ROLLBACK_IN_PROGRESS'] as const,
      calls: { cloudFormation: ['DescribeStacks'] },
      transition: { kind: 'answer', answer: { status: 'FAILED' } },
    },
    {
      what: 'a run whose stack moved on while RunTask was called stops what just started',
      phase: 'run' as const,
      statuses: ['CREATE_IN_PROGRESS', 'ROLLBACK_IN_PROGRESS'] as const,
      calls: { ecs: ['RunTask', 'StopTask'], cloudFormation: ['DescribeStacks', 'DescribeStacks'] },
      transition: { kind: 'answer', answer: { status: 'FAILED' } },
    },
  ])('$what', async ({ phase, statuses, calls, transition }) => {
    stubStackStatuses(aws, statuses[0], ...statuses.slice(1));
    const { clock, deps } = runDeps(aws);
    const run = runIn(starting(), clock.now(), purposeOf(phase));
    expect(await startAttempt(run, starting(), contextOf(run, deps))).toMatchObject(transition);
    expect(sent(aws)).toEqual(calls);
  });

  it.each([
    { phase: 'run' as const, startedBy: /^cfn\/MigrateTask\/[0-9a-f]{16}$/ },
    { phase: 'teardown' as const, startedBy: /^cfn\/MigrateTask\/[0-9a-f]{16}\/teardown$/ },
    { phase: 'run' as const, properties: { StartedBy: 'migrations' }, startedBy: /^migrations$/ },
    { phase: 'teardown' as const, properties: { StartedBy: 'migrations' }, startedBy: /^migrations\/teardown$/ },
  ])('starts a $phase with the startedBy its policy chose ($startedBy)', async ({ phase, properties, startedBy }) => {
    const { clock, deps } = runDeps(aws);
    const run = runIn(starting(), clock.now(), purposeOf(phase, properties));
    await startAttempt(run, starting(), contextOf(run, deps));
    expect(aws.ecs.commandCalls(RunTaskCommand)[0]?.args[0].input.startedBy).toMatch(startedBy);
  });

  it.each([
    {
      what: 'a placement that may work later is started again after a backoff while StartRetries allows',
      retries: '1',
      transition: { kind: 'next', run: { progress: { attempt: 2 }, state: { kind: 'starting', count: 1 } } },
    },
    {
      what: 'without StartRetries the same failure is the answer',
      retries: '0',
      transition: { kind: 'answer', answer: { status: 'FAILED' } },
    },
  ])('$what', async ({ retries, transition }) => {
    aws.ecs
      .on(RunTaskCommand)
      .resolves({ tasks: [], failures: [{ reason: 'Capacity is unavailable at this time. Please try again later.' }] });
    const { clock, deps } = runDeps(aws);
    const run = runIn(starting(), clock.now(), purposeOf('run', { StartRetries: retries }));
    expect(await startAttempt(run, starting(), contextOf(run, deps))).toMatchObject(transition);
    expect(sent(aws).ecs).toEqual(['RunTask']);
  });

  it('hands a backoff longer than this invocation can wait to a fresh invocation, calling nothing', async () => {
    const { clock, deps } = runDeps(aws, 60_000);
    const state = starting(clock.now() + 120_000);
    const run: Run = runIn(state, clock.now());
    expect(await startAttempt(run, state, contextOf(run, deps))).toEqual({ kind: 'hand-off', run });
    expect(sent(aws)).toEqual({});
  });

  it('waits out a backoff this invocation has time for, then starts', async () => {
    const { clock, deps } = runDeps(aws);
    const state = starting(clock.now() + 15_000);
    const run = runIn(state, clock.now());
    expect(await startAttempt(run, state, contextOf(run, deps))).toMatchObject({ kind: 'next' });
    expect(clock.sleeps).toContain(15_000);
    expect(sent(aws).ecs).toEqual(['RunTask']);
  });

  it('starts at once, waiting for nothing, when the backoff ends just now, even with little of this invocation left', async () => {
    const { clock, deps } = runDeps(aws, 50_000);
    const state = starting(clock.now());
    const run = runIn(state, clock.now());
    expect(await startAttempt(run, state, contextOf(run, deps))).toMatchObject({ kind: 'next' });
    expect(clock.sleeps).toEqual([]);
    expect(sent(aws).ecs).toEqual(['RunTask']);
  });

  it('starts again after a RunTask refusal that may pass with time, naming RunTask among the causes', async () => {
    aws.ecs.on(RunTaskCommand).rejects(
      Object.assign(new Error('No Container Instances were found in your cluster.'), {
        name: 'InvalidParameterException',
      }),
    );
    const { clock, deps } = runDeps(aws);
    const run = runIn(starting(), clock.now(), purposeOf('run', { StartRetries: '1' }));
    expect(await startAttempt(run, starting(), contextOf(run, deps))).toMatchObject({
      kind: 'next',
      run: {
        progress: { attempt: 2, startFailures: [expect.stringMatching(/^RunTask .*No Container Instances/) as string] },
        state: { kind: 'starting', count: 1 },
      },
    });
  });

  it('never starts again after a refusal that will not pass with time, and says why it was not retried', async () => {
    aws.ecs
      .on(RunTaskCommand)
      .rejects(Object.assign(new Error('Invalid revision number'), { name: 'ClientException' }));
    const { clock, deps } = runDeps(aws);
    const run = runIn(starting(), clock.now(), purposeOf('run', { StartRetries: '1' }));
    expect(await startAttempt(run, starting(), contextOf(run, deps))).toMatchObject({
      kind: 'answer',
      answer: { status: 'FAILED', cause: 'start-failed', reason: expect.stringContaining('Not retried: ') as string },
    });
    expect(sent(aws).ecs).toEqual(['RunTask']);
  });

  it('stops what started while the stack moved on with the stack status as the reason, and logs it', async () => {
    stubStackStatuses(aws, 'CREATE_IN_PROGRESS', 'ROLLBACK_IN_PROGRESS');
    const { clock, deps, log } = runDeps(aws);
    const run = runIn(starting(), clock.now(), purposeOf('run'));
    await startAttempt(run, starting(), contextOf(run, deps));
    expect(aws.ecs.commandCalls(StopTaskCommand).map((call) => call.args[0].input)).toEqual([
      expect.objectContaining({ task: TASK_ARN, reason: 'ecs-task-runner: the stack is ROLLBACK_IN_PROGRESS' }),
    ]);
    expect(log.entries).toContainEqual({
      level: 'warn',
      message: 'The stack moved on while RunTask was called: stopping the tasks just started',
      extra: [{ stackStatus: 'ROLLBACK_IN_PROGRESS', taskArns: [TASK_ARN] }],
    });
  });
});
