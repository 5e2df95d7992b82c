import { DescribeTasksCommand, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { readEcsEvent } from '../../src/events/task-state-change';
import { answerWokenRun } from '../../src/requests/answer-cloudformation';
import type { ResponseBody } from '../../src/response/response-body';
import type { RunItem } from '../../src/run/parking/run-item';
import { HOLDER_GONE_AFTER_MS, runItemKey } from '../../src/run/parking/run-item';
import { type Wake, wakeParkedRun } from '../../src/run/parking/wake-parked-run';
import type { EcsEventEnvelope } from '../../src/runtime/ecs-event';
import { SWEEP_QUIET_MS } from '../../src/sweep/sweep-parked-runs';
import { sweep } from '../../src/sweep/sweep';
import { ecsTask, stoppedTask, TASK_ARN } from '../support/aws-mocks';
import { FakeClock, fakeInvocation, RecordingLog, recordingHttp } from '../support/fakes';
import { eventsOn } from '../support/events-on';
import { fixtures, withProperties } from '../support/fixtures';

const events = eventsOn();
const { aws, ports, invoke, describeAnswers } = events;
const START = Date.UTC(2026, 10, 25, 12, 0, 0);
const request = fixtures.create();

function runItem(of: typeof request = request): RunItem {
  return JSON.parse(events.table().items.get(runItemKey(of))?.body ?? '{}') as RunItem;
}

/** The fixtures' Create parked (a 5-minute function: its 600 s Timeout out of reach). */
async function parkedCreate(of: typeof request = request): Promise<void> {
  const { puts } = await invoke(of, { eventDriven: true, budgetMs: 300_000, clock: new FakeClock(START) });
  expect(puts).toHaveLength(0);
  expect(runItem(of).run?.state.kind).toBe('parked');
  aws.ecs.resetHistory();
}

/** What an invocation at `at` is given, events on, and what it sent to the ResponseURL. */
function depsAt(at: number, statuses: (number | Error)[] = []) {
  const clock = new FakeClock(at);
  const log = new RecordingLog();
  const { http, puts } = recordingHttp(statuses);
  const deps = { aws: ports, clock, invocation: fakeInvocation(clock), log, http, eventDriven: true };
  return { deps, puts, responses: () => puts.map((put) => JSON.parse(put.body) as ResponseBody), log };
}

/** One scheduled sweep at `at`, events on: what it sent to the ResponseURL. */
async function sweepAt(at: number, statuses: (number | Error)[] = []) {
  const { deps, puts, responses, log } = depsAt(at, statuses);
  await sweep({ ecs: ports.ecs, clock: deps.clock, log, clusters: undefined, parkedRuns: deps });
  return { puts, responses: responses(), log };
}

/**
 * An ECS event wakes the parked run at `at`, and its invocation then ends before it parks or answers (a timeout, a
 * crash): the wake's claim of generation 2 is all it wrote. The woken run is returned, as that invocation held it.
 */
async function wokenThenDied(
  at: number,
  version: number,
  lastStatus: string,
  of: typeof request = request,
): Promise<Extract<Wake, { kind: 'woken' }>> {
  const read = readEcsEvent(taskEvent(version, lastStatus));
  if (read.kind !== 'task-state-change') throw new Error('not a task state change');
  const { deps } = depsAt(at);
  const wake = await wakeParkedRun(read.change, deps);
  if (wake.kind !== 'woken') throw new Error(`not woken: ${JSON.stringify(wake)}`);
  expect(runItem(of)).toMatchObject({ generation: 2, heldSince: at, run: { state: { kind: 'watching' } } });
  return wake;
}

describe('the sweep of parked runs', () => {
  it('wakes a run whose stop event was lost, and answers it once', async () => {
    await parkedCreate();
    describeAnswers(stoppedTask(0, { version: 5 }));
    const { responses } = await sweepAt(START + 60_000 + SWEEP_QUIET_MS);
    expect(responses.map((body) => body.Status)).toEqual(['SUCCESS']);
    expect(runItem()).toMatchObject({ generation: 2, answered: true });
    // A later sweep finds nothing left to do.
    aws.ecs.resetHistory();
    const later = await sweepAt(START + 60_000 + 2 * SWEEP_QUIET_MS);
    expect(later.puts).toHaveLength(0);
    expect(aws.ecs).not.toHaveReceivedCommand(DescribeTasksCommand);
  });

  it('leaves a run alone while its task runs within the deadline, and one parked only a moment ago', async () => {
    await parkedCreate();
    const soon = await sweepAt(START + 90_000);
    expect(aws.ecs).not.toHaveReceivedCommand(DescribeTasksCommand);
    const quiet = await sweepAt(START + 60_000 + SWEEP_QUIET_MS);
    expect([...soon.puts, ...quiet.puts]).toHaveLength(0);
    expect(aws.ecs).toHaveReceivedCommandTimes(DescribeTasksCommand, 1);
    expect(runItem()).toMatchObject({ generation: 1, run: { state: { kind: 'parked' } } });
  });

  it('reads the tasks of every quiet parked run of a cluster with one DescribeTasks', async () => {
    const arns = ['a', 'b'].map((id) => `arn:aws:ecs:us-east-1:123456789012:task/todobackend-cluster/${id}`);
    aws.ecs
      .on(RunTaskCommand)
      .resolvesOnce({ tasks: [{ taskArn: arns[0] }], failures: [] })
      .resolvesOnce({ tasks: [{ taskArn: arns[1] }], failures: [] });
    aws.ecs.on(DescribeTasksCommand).callsFake((input: { tasks: string[] }) => ({
      tasks: input.tasks.map((taskArn) => ecsTask({ taskArn, version: 2 })),
    }));
    for (const RequestId of ['request-a', 'request-b']) {
      const { puts } = await invoke(
        { ...fixtures.create(), RequestId },
        {
          eventDriven: true,
          budgetMs: 300_000,
          clock: new FakeClock(START),
        },
      );
      expect(puts).toHaveLength(0);
    }
    aws.ecs.resetHistory();
    const { puts } = await sweepAt(START + 60_000 + SWEEP_QUIET_MS);
    expect(puts).toHaveLength(0);
    expect(aws.ecs.commandCalls(DescribeTasksCommand).map((call) => call.args[0].input.tasks)).toEqual([arns]);
  });

  it('stops a run past its deadline and answers FAILED', async () => {
    await parkedCreate();
    const { responses } = await sweepAt(START + 700_000);
    expect(responses.map((body) => body.Status)).toEqual(['FAILED']);
    expect(responses[0]?.Reason).toContain('Timeout');
    expect(aws.ecs).toHaveReceivedCommandWith(StopTaskCommand, { task: TASK_ARN });
  });

  it('sends again a claimed answer whose PUT failed, the same body, until the ResponseURL expires', async () => {
    await parkedCreate();
    describeAnswers(stoppedTask(0, { version: 5 }));
    // The woken run's PUT fails every time (the SDK's own retries spent): the answer stays claimed, not answered.
    const failing = await invoke(stoppedEvent(), {
      eventDriven: true,
      clock: new FakeClock(START + 600_000),
      statuses: Array<number>(20).fill(500),
    });
    expect(failing.puts.length).toBeGreaterThan(0);
    const claimed = runItem();
    expect(claimed.answer).toBeDefined();
    expect(claimed.answered).toBeUndefined();
    const resent = await sweepAt(START + 900_000);
    expect(resent.puts.map((put) => put.body)).toEqual([claimed.answer?.body]);
    expect(runItem().answered).toBe(true);
    const none = await sweepAt(START + 1_200_000);
    expect(none.puts).toHaveLength(0);
  });

  it('answers a run whose waking invocation ended before parking or answering, once, after HOLDER_GONE_AFTER_MS', async () => {
    await parkedCreate();
    describeAnswers(stoppedTask(0, { version: 5 }));
    const WOKEN_AT = START + 300_000;
    await wokenThenDied(WOKEN_AT, 5, 'STOPPED');
    aws.ecs.resetHistory();
    const { responses, log } = await sweepAt(WOKEN_AT + HOLDER_GONE_AFTER_MS);
    expect(responses.map((body) => body.Status)).toEqual(['SUCCESS']);
    expect(log.text()).toContain('took over a run whose invocation ended');
    expect(runItem()).toMatchObject({ generation: 3, answered: true, heldSince: WOKEN_AT + HOLDER_GONE_AFTER_MS });
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    // Answered: a later sweep neither sends again nor reads the task.
    aws.ecs.resetHistory();
    const later = await sweepAt(WOKEN_AT + HOLDER_GONE_AFTER_MS + SWEEP_QUIET_MS);
    expect(later.puts).toHaveLength(0);
    expect(aws.ecs).not.toHaveReceivedCommand(DescribeTasksCommand);
  });

  it('leaves a run alone while the invocation holding it may still run (within HOLDER_GONE_AFTER_MS of its claim)', async () => {
    await parkedCreate();
    describeAnswers(stoppedTask(0, { version: 5 }));
    const WOKEN_AT = START + 300_000;
    await wokenThenDied(WOKEN_AT, 5, 'STOPPED');
    const before = events.table().items.get(runItemKey(request));
    aws.ecs.resetHistory();
    const { puts } = await sweepAt(WOKEN_AT + HOLDER_GONE_AFTER_MS - 1);
    expect(puts).toHaveLength(0);
    expect(aws.ecs).not.toHaveReceivedCommand(DescribeTasksCommand);
    expect(events.table().items.get(runItemKey(request))).toEqual(before);
  });

  it('takes over a run the invocation that started it never parked, and parks it again while its task runs', async () => {
    // The first invocation registers the run, then its first DescribeTasks never returns: what Lambda's timeout
    // (or a crash) leaves, the run `watching` and nobody watching it.
    const long = withProperties(fixtures.create(), { Timeout: '3600' });
    let firstPoll: () => void = () => undefined;
    const polled = new Promise<void>((resolve) => (firstPoll = resolve));
    aws.ecs.on(DescribeTasksCommand).callsFake(() => {
      firstPoll();
      return new Promise(() => undefined);
    });
    void invoke(long, { eventDriven: true, budgetMs: 120_000, clock: new FakeClock(START) });
    await polled;
    expect(runItem(long)).toMatchObject({ generation: 1, heldSince: START, run: { state: { kind: 'watching' } } });
    describeAnswers(ecsTask({ version: 2 }));
    const { puts } = await sweepAt(START + HOLDER_GONE_AFTER_MS);
    expect(puts).toHaveLength(0);
    expect(runItem(long)).toMatchObject({
      generation: 2,
      run: { state: { kind: 'parked', parkedAt: START + HOLDER_GONE_AFTER_MS } },
    });
    // Parked now: the task's stop event (or the sweep, should it be lost) answers it as any parked run.
    describeAnswers(stoppedTask(0, { version: 5 }));
    const { responses } = await sweepAt(START + HOLDER_GONE_AFTER_MS + SWEEP_QUIET_MS);
    expect(responses.map((body) => body.Status)).toEqual(['SUCCESS']);
  });

  it('a holder still alive after the sweep took its run over ends quietly at its next write: its park, its answer', async () => {
    // An hour's Timeout: the deadline stays ahead of everything here.
    const long = withProperties(fixtures.create(), { Timeout: '3600' });
    await parkedCreate(long);
    const WOKEN_AT = START + 300_000;
    const stale = await wokenThenDied(WOKEN_AT, 2, 'RUNNING', long);
    // The sweep takes the run over (generation 3) and parks it again: its task still runs.
    const taken = await sweepAt(WOKEN_AT + HOLDER_GONE_AFTER_MS);
    expect(taken.puts).toHaveLength(0);
    expect(runItem(long)).toMatchObject({ generation: 3, run: { state: { kind: 'parked' } } });
    const parked = events.table().items.get(runItemKey(long));
    // Generation 2 carries on (it cannot in Lambda, past its timeout): its park writes nothing ...
    const parkAgain = depsAt(WOKEN_AT + HOLDER_GONE_AFTER_MS + 1_000);
    await answerWokenRun(stale.run, stale.itemVersion, parkAgain.deps);
    expect(parkAgain.puts).toHaveLength(0);
    expect(events.table().items.get(runItemKey(long))).toEqual(parked);
    // ... and once its task stopped, its answer is not claimed: generation 3 answers.
    describeAnswers(stoppedTask(0, { version: 5 }));
    const answer = depsAt(WOKEN_AT + HOLDER_GONE_AFTER_MS + 2_000);
    await answerWokenRun(stale.run, stale.itemVersion, answer.deps);
    expect(answer.puts).toHaveLength(0);
    expect(runItem(long).answer).toBeUndefined();
    const { responses } = await sweepAt(WOKEN_AT + HOLDER_GONE_AFTER_MS + SWEEP_QUIET_MS);
    expect(responses.map((body) => body.Status)).toEqual(['SUCCESS']);
    expect(runItem(long)).toMatchObject({ generation: 4, answered: true });
  });

  it('does not send a claimed answer once the ResponseURL has expired', async () => {
    await parkedCreate();
    describeAnswers(stoppedTask(0, { version: 5 }));
    await invoke(stoppedEvent(), {
      eventDriven: true,
      clock: new FakeClock(START + 600_000),
      statuses: Array<number>(20).fill(500),
    });
    // X-Amz-Expires=7200 in the fixtures' ResponseURL.
    const { puts } = await sweepAt(START + 7_200_000);
    expect(puts).toHaveLength(0);
  });
});

/** The event of the task's stop, as ECS sends it. */
function stoppedEvent(): EcsEventEnvelope {
  return taskEvent(5, 'STOPPED');
}

/** An ECS Task State Change of the fixtures' task at `version`, as ECS sends it. */
function taskEvent(version: number, lastStatus: string): EcsEventEnvelope {
  return {
    source: 'aws.ecs',
    'detail-type': 'ECS Task State Change',
    detail: {
      taskArn: TASK_ARN,
      clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/todobackend-cluster',
      lastStatus,
      desiredStatus: 'STOPPED',
      version,
      containers: [{ name: 'migrate', ...(lastStatus === 'STOPPED' ? { exitCode: 0 } : {}), lastStatus }],
    },
  };
}
