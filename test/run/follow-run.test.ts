import { DescribeTasksCommand } from '@aws-sdk/client-ecs';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import type { RunnerDeps } from '../../src/run/contract';
import { followRun } from '../../src/run/follow-run';
import { type RunItem, runItemKey } from '../../src/run/parking/run-item';
import type { Run, RunState } from '../../src/run/run-state';
import { ecsTask, mockedAws, stoppedTask, stubHappyPath, TASK_ARN } from '../support/aws-mocks';
import { MemoryStateTable } from '../support/fakes';
import { NOTHING_RUNNING, policyOf, purposeOf, runDeps, runIn, sent } from '../support/run-harness';

const aws = mockedAws();
beforeEach(() => stubHappyPath(aws));

const starting: RunState = { kind: 'starting', count: 1, notBefore: 0 };
const TASK_ID = '0a1b2c3d4e5f46789abcdef012345678';

describe('following a run from state to state', () => {
  it.each([
    {
      what: 'a run goes from starting to watching to its own answer',
      phase: 'run' as const,
      exitCode: 0,
      calls: {
        ecs: ['RunTask', 'DescribeTasks', 'DescribeTasks'],
        cloudFormation: ['DescribeStacks', 'DescribeStacks'],
      },
      outcome: {
        kind: 'answer',
        answer: {
          status: 'SUCCESS',
          data: expect.objectContaining({ TaskArn: TASK_ARN, ExitCode: '0' }) as object,
          // For the metrics, never sent: when the tasks started, and the attempts.
          tasks: { startedAt: expect.any(Number) as number, attempts: 1 },
        },
      },
    },
    {
      what: "a run's failed task is its FAILED answer",
      phase: 'run' as const,
      exitCode: 1,
      calls: {
        ecs: ['RunTask', 'DescribeTasks', 'DescribeTasks'],
        cloudFormation: ['DescribeStacks', 'DescribeStacks'],
      },
      outcome: { kind: 'answer', answer: expect.objectContaining({ status: 'FAILED' }) as object },
    },
    {
      what: "a teardown's success is the Delete's SUCCESS, naming the task",
      phase: 'teardown' as const,
      exitCode: 0,
      calls: { ecs: ['RunTask', 'DescribeTasks', 'DescribeTasks'] },
      outcome: {
        kind: 'answer',
        answer: { status: 'SUCCESS', reason: `${NOTHING_RUNNING} Teardown task ${TASK_ID} succeeded.` },
      },
    },
    {
      what: "a teardown's failure is still the Delete's SUCCESS, saying the teardown failed",
      phase: 'teardown' as const,
      exitCode: 1,
      calls: { ecs: ['RunTask', 'DescribeTasks', 'DescribeTasks'] },
      outcome: {
        kind: 'answer',
        answer: {
          status: 'SUCCESS',
          reason: expect.stringContaining(`${NOTHING_RUNNING} Teardown failed: `) as string,
        },
      },
    },
  ])('$what', async ({ phase, exitCode, calls, outcome }) => {
    aws.ecs
      .on(DescribeTasksCommand)
      .resolvesOnce({ tasks: [ecsTask()] })
      .resolves({ tasks: [stoppedTask(exitCode)] });
    const { clock, deps } = runDeps(aws);
    const run = runIn(starting, clock.now(), purposeOf(phase));
    expect(await followRun(run, policyOf(run), deps, false)).toEqual(outcome);
    expect(sent(aws)).toEqual(calls);
  });

  it('polls at once only in the step it took over: a watch it then starts waits before its first poll', async () => {
    // DescribeTasks: running, then stopped (stubHappyPath).
    const { clock, deps } = runDeps(aws);
    const run = runIn(starting, clock.now());
    expect(await followRun(run, policyOf(run), deps, true)).toMatchObject({ kind: 'answer' });
    expect(sent(aws).ecs).toEqual(['RunTask', 'DescribeTasks', 'DescribeTasks']);
    // A wait before each poll; a watch taken over would have polled first, after no wait.
    expect(clock.sleeps).toHaveLength(2);
    expect(clock.sleeps[0]).toBeGreaterThan(0);
  });

  it('hands the run off to a fresh invocation, with one more hand-off counted', async () => {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask()] });
    const { clock, deps } = runDeps(aws, 40_000);
    const run = runIn(starting, clock.now());
    expect(await followRun(run, policyOf(run), deps, false)).toEqual({ kind: 'handed-off' });
    expect(sent(aws).lambda).toEqual(['Invoke']);
    const payload = JSON.parse(
      Buffer.from(aws.lambda.commandCalls(InvokeCommand)[0]?.args[0].input.Payload as Uint8Array).toString(),
    ) as { handOffs: number; state: RunState };
    expect(payload).toMatchObject({ handOffs: 1, state: { kind: 'watching', taskArns: [TASK_ARN] } });
  });

  it.each([
    { phase: 'run' as const, outcome: { kind: 'answer', answer: { status: 'FAILED' } } },
    {
      phase: 'teardown' as const,
      outcome: {
        kind: 'answer',
        answer: {
          status: 'SUCCESS',
          reason: expect.stringContaining(`${NOTHING_RUNNING} Teardown failed: `) as string,
        },
      },
    },
  ])(
    'stops the tasks when a $phase cannot be handed off, and answers as the phase does',
    async ({ phase, outcome }) => {
      aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask()] });
      aws.lambda.on(InvokeCommand).rejects(Object.assign(new Error('throttled'), { name: 'TooManyRequestsException' }));
      const { clock, deps } = runDeps(aws, 40_000);
      const run = runIn(starting, clock.now(), purposeOf(phase));
      expect(await followRun(run, policyOf(run), deps, false)).toMatchObject(outcome);
      expect(sent(aws).ecs?.at(-1)).toBe('StopTask');
    },
  );
});

describe('following a woken parked run (events on)', () => {
  const parkedAt = (now: number): RunState => ({
    kind: 'parked',
    taskArns: [TASK_ARN],
    startedAt: now - 120_000,
    parkedAt: now - 60_000,
  });

  /** A woken run of generation 1 whose item, at `version`, holds `generation`; the deps with events on over `table`. */
  function woken(version: number, generation = 1) {
    const table = new MemoryStateTable();
    const { clock, deps, log } = runDeps(aws);
    const run = runIn(parkedAt(clock.now()), clock.now() - 120_000);
    const item: RunItem = { kind: 'run', generation, heldSince: clock.now(), run };
    table.items.set(runItemKey(run.request), { pk: runItemKey(run.request), version, body: JSON.stringify(item) });
    const withEvents: RunnerDeps = { ...deps, eventDriven: true, aws: { ...aws.ports, stateTable: async () => table } };
    return { table, clock, log, run, deps: withEvents };
  }

  const itemOf = (table: MemoryStateTable, run: Run) => {
    const item = table.items.get(runItemKey(run.request));
    return { version: item?.version, body: JSON.parse(item?.body ?? '{}') as RunItem };
  };

  it('parks the run again, on the version it claimed, while its task runs: no answer, no hand-off', async () => {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask()] });
    const { table, clock, run, deps } = woken(3);
    expect(await followRun(run, policyOf(run), deps, true, 3)).toEqual({ kind: 'parked' });
    expect(sent(aws)).toEqual({ ecs: ['DescribeTasks'] });
    const { version, body } = itemOf(table, run);
    expect(version).toBe(4);
    expect(body.run?.state).toEqual({ ...parkedAt(clock.now()), parkedAt: clock.now() });
  });

  it('reads the tasks once more when an event was recorded since it claimed the run, and answers what it finds', async () => {
    aws.ecs
      .on(DescribeTasksCommand)
      .resolvesOnce({ tasks: [ecsTask()] })
      .resolves({ tasks: [stoppedTask(0)] });
    const { table, run, deps } = woken(4);
    expect(await followRun(run, policyOf(run), deps, true, 3)).toMatchObject({
      kind: 'answer',
      answer: { status: 'SUCCESS', data: { TaskArn: TASK_ARN } },
    });
    expect(sent(aws)).toEqual({ ecs: ['DescribeTasks', 'DescribeTasks'] });
    // Nothing was parked over the news.
    expect(itemOf(table, run).version).toBe(4);
  });

  it('parks on the version read with the news when the tasks still run', async () => {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask()] });
    const { table, run, deps } = woken(4);
    expect(await followRun(run, policyOf(run), deps, true, 3)).toEqual({ kind: 'parked' });
    expect(sent(aws)).toEqual({ ecs: ['DescribeTasks', 'DescribeTasks'] });
    expect(itemOf(table, run).version).toBe(5);
  });

  it('lets the run go, writing nothing, when a later invocation holds it', async () => {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask()] });
    const { table, run, deps } = woken(3, 2);
    expect(await followRun(run, policyOf(run), deps, true, 3)).toEqual({ kind: 'held-elsewhere' });
    expect(itemOf(table, run)).toMatchObject({ version: 3, body: { generation: 2, run: { state: run.state } } });
  });

  it('never parks a run this invocation did not register in the state table: that is a bug, not a silent loss', async () => {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask()] });
    const { clock, deps } = runDeps(aws);
    const run = runIn(parkedAt(clock.now()), clock.now() - 120_000);
    await expect(followRun(run, policyOf(run), deps, true)).rejects.toThrow(
      'A run that is not registered in the state table cannot park',
    );
  });
});
