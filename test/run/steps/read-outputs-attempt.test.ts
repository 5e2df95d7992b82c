import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { Run, RunState } from '../../../src/run/run-state';
import { readOutputsAttempt } from '../../../src/run/steps/read-outputs-attempt';
import type { DecidedTask } from '../../../src/tasks/task-outcome';
import { OUTPUT_RECHECK_MS, OUTPUT_WAIT_AFTER_STOP_MS } from '../../../src/tasks/task-outputs';
import { mockedAws, stubHappyPath, TASK_ARN } from '../../support/aws-mocks';
import { contextOf, purposeOf, runDeps, runIn, sent } from '../../support/run-harness';

const aws = mockedAws();
beforeEach(() => stubHappyPath(aws));

const TASK_ID = TASK_ARN.split('/').pop() as string;
const LOGS = { migrate: { group: '/ecs/todobackend', region: 'eu-west-1', streamPrefix: 'todobackend' } };
const succeeded: DecidedTask = {
  taskArn: TASK_ARN,
  lastStatus: 'STOPPED',
  failures: [],
  exitCode: 0,
  stopCode: 'EssentialContainerExited',
  verdict: 'succeeded',
};
const BUILT_IN = {
  TaskArn: TASK_ARN,
  TaskArns: TASK_ARN,
  TaskId: TASK_ID,
  ExitCode: '0',
  StopCode: 'EssentialContainerExited',
  StoppedReason: '',
  Attempts: '1',
};

const readingSince = (stoppedAt: number): Extract<RunState, { kind: 'reading-outputs' }> => ({
  kind: 'reading-outputs',
  tasks: [succeeded],
  stoppedAt,
});

/** A run reading its Outputs from the migrate container's awslogs stream, with `deadlineMs` left to its deadline. */
function readingRun(state: RunState, now: number, properties: Record<string, unknown>, deadlineMs = 600_000): Run {
  const run = runIn(state, now, purposeOf('run', properties));
  return { ...run, plan: { ...run.plan, logs: LOGS, deadline: now + deadlineMs } };
}

/** The log stream prints `lines` (oldest first) and nothing before them. */
function stubPrinted(...lines: string[]): void {
  aws.logs.on(GetLogEventsCommand).resolves({
    events: lines.map((message, index) => ({ message, timestamp: index + 1 })),
    nextBackwardToken: 'b/1',
  });
  aws.logs.on(GetLogEventsCommand, { nextToken: 'b/1' }).resolves({ events: [], nextBackwardToken: 'b/1' });
}

describe('the reading-outputs step', () => {
  it('answers a run with no declared Outputs at once, reading no log', async () => {
    const { clock, deps } = runDeps(aws);
    const state = readingSince(clock.now());
    // (The watch moves on to this state only with Outputs declared; a run without them has nothing to look for.)
    const run = runIn(state, clock.now());
    expect(await readOutputsAttempt(run, state, contextOf(run, deps))).toEqual({
      kind: 'answer',
      answer: { status: 'SUCCESS', data: BUILT_IN },
    });
    expect(clock.sleeps).toEqual([]);
    expect(sent(aws)).toEqual({});
    expect(aws.logs.calls()).toHaveLength(0);
  });

  it('answers the printed Outputs with the task attributes, and the run timings for the metrics', async () => {
    stubPrinted('Applying todo.0042_add_index... OK', 'ECS_TASK_RUNNER_OUTPUT SchemaVersion=0042');
    const { clock, deps } = runDeps(aws);
    const state = { ...readingSince(clock.now()), answered: { attempts: 1, startedAt: clock.now() - 30_000 } };
    const run = readingRun(state, clock.now(), { Outputs: ['SchemaVersion'] });
    expect(await readOutputsAttempt(run, state, contextOf(run, deps))).toEqual({
      kind: 'answer',
      answer: {
        status: 'SUCCESS',
        data: { ...BUILT_IN, SchemaVersion: '0042' },
        tasks: { attempts: 1, startedAt: clock.now() - 30_000 },
      },
    });
    expect(aws.logs).toHaveReceivedCommandWith(GetLogEventsCommand, {
      logGroupName: '/ecs/todobackend',
      logStreamName: `todobackend/migrate/${TASK_ID}`,
    });
  });

  it.each([
    {
      what: 'a minute after the tasks stopped',
      stoppedAgoMs: 0,
      deadlineMs: 600_000,
      lookedForMs: OUTPUT_WAIT_AFTER_STOP_MS,
    },
    {
      what: 'a minute after the tasks stopped, counted from when they stopped',
      stoppedAgoMs: 20_000,
      deadlineMs: 600_000,
      lookedForMs: OUTPUT_WAIT_AFTER_STOP_MS - 20_000,
    },
    { what: 'the deadline, when sooner', stoppedAgoMs: 0, deadlineMs: 25_000, lookedForMs: 25_000 },
  ])('looks for a name never printed until $what, then answers it empty', async (example) => {
    stubPrinted('Applying todo.0042_add_index... OK');
    const { clock, deps, log } = runDeps(aws);
    const start = clock.now();
    const state = readingSince(start - example.stoppedAgoMs);
    const run = readingRun(state, start, { Outputs: ['SchemaVersion'] }, example.deadlineMs);
    expect(await readOutputsAttempt(run, state, contextOf(run, deps))).toEqual({
      kind: 'answer',
      answer: { status: 'SUCCESS', data: { ...BUILT_IN, SchemaVersion: '' } },
    });
    expect(clock.now() - start).toBe(example.lookedForMs);
    expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(OUTPUT_RECHECK_MS);
    expect(log.text()).toContain('Declared Outputs never appeared in the log');
  });

  it('hands the reading off at once, reading nothing, when this invocation cannot reach the bound and has no time left', async () => {
    const { clock, deps } = runDeps(aws, 25_000);
    const state = readingSince(clock.now());
    const run = readingRun(state, clock.now(), { Outputs: ['SchemaVersion'] });
    expect(await readOutputsAttempt(run, state, contextOf(run, deps))).toEqual({ kind: 'hand-off', run });
    expect(aws.logs.calls()).toHaveLength(0);
  });

  it.each([
    // The bound (a minute after the stop) is 40 s past what this invocation can answer by: it reads until its
    // hand-off margin, then hands off.
    { what: 'beyond', budgetMs: 60_000, readFor: 30_000 },
    // The bound falls one millisecond after this invocation must answer: it reads until its hand-off margin.
    { what: 'one millisecond beyond', budgetMs: 79_999, readFor: 40_000 },
  ])(
    'hands a reading whose bound is $what what this invocation can answer by to a fresh invocation, with what it found',
    async ({ budgetMs, readFor }) => {
      stubPrinted('Applying todo.0042_add_index... OK');
      const { clock, deps, log } = runDeps(aws, budgetMs);
      const start = clock.now();
      const state = readingSince(start);
      const run = readingRun(state, start, { Outputs: ['SchemaVersion'] });
      const transition = await readOutputsAttempt(run, state, contextOf(run, deps));
      expect(transition).toEqual({ kind: 'hand-off', run, ifNotSent: expect.any(Function) as unknown });
      expect(clock.now() - start).toBe(readFor);
      const info = log.entries.find((entry) => entry.message.startsWith('Declared Outputs not found yet'));
      expect(info?.extra).toEqual([
        { notFound: ['SchemaVersion'], until: new Date(start + OUTPUT_WAIT_AFTER_STOP_MS).toISOString() },
      ]);
      if (transition.kind !== 'hand-off') throw new Error('not a hand-off');
      expect(transition.ifNotSent?.()).toEqual({ status: 'SUCCESS', data: { ...BUILT_IN, SchemaVersion: '' } });
    },
  );

  it('reads up to a bound exactly when this invocation must answer, and answers', async () => {
    stubPrinted('Applying todo.0042_add_index... OK');
    // 80 s left: the answer is due 20 s before the end, a minute from now, when the bound falls.
    const { clock, deps } = runDeps(aws, 80_000);
    const start = clock.now();
    const state = readingSince(start);
    const run = readingRun(state, start, { Outputs: ['SchemaVersion'] });
    expect(await readOutputsAttempt(run, state, contextOf(run, deps))).toEqual({
      kind: 'answer',
      answer: { status: 'SUCCESS', data: { ...BUILT_IN, SchemaVersion: '' } },
    });
    expect(clock.now() - start).toBe(OUTPUT_WAIT_AFTER_STOP_MS);
  });
});
