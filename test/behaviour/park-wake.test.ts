import { DescribeTasksCommand, RunTaskCommand, StopTaskCommand, type Task } from '@aws-sdk/client-ecs';
import { GetFunctionRecursionConfigCommand, InvokeCommand } from '@aws-sdk/client-lambda';
import type { StateItem } from '../../src/aws/ports';
import { PARK_AFTER_MS, taskItemKey } from '../../src/run/parking/parking';
import { QUIET_FALLBACK_MS } from '../../src/run/steps/quiet-watch';
import { type RunItem, runItemKey } from '../../src/run/parking/run-item';
import { YOUNG_POLL_MS } from '../../src/tasks/poll-schedule';
import { taskStateChange } from '../../scripts/local/task-state-change';
import { ecsTask, mockedAws, stoppedTask, stubHappyPath, TASK_ARN } from '../support/aws-mocks';
import { FakeClock, MemoryStateTable } from '../support/fakes';
import { fixtures, withProperties } from '../support/fixtures';
import { invokeWith, type InvokeOptions } from '../support/invoke';

const aws = mockedAws();
let table = new MemoryStateTable();
const invoke = invokeWith({ ...aws.ports, stateTable: async () => table });
const withEvents = (event: unknown, options: InvokeOptions = {}) => invoke(event, { eventDriven: true, ...options });

const START = Date.UTC(2026, 10, 25, 12, 0, 0);
const request = fixtures.create();

beforeEach(() => {
  stubHappyPath(aws);
  table = new MemoryStateTable();
  describeAnswers(ecsTask({ version: 2 }));
});

/** What an answered run's item keeps until its TTL: its generation, and that it was answered (answer-claim.ts). */
function answeredItem(generation: number): RunItem {
  return { kind: 'run', generation, answered: true, heldSince: expect.any(Number) as number };
}

/** The run item's bodies as written from now on, in order. */
function runItemWrites(): RunItem[] {
  const written: RunItem[] = [];
  const put = table.put.bind(table);
  table.put = async (item, expected) => {
    if (item.pk === runItemKey(request)) written.push(JSON.parse(item.body) as RunItem);
    return put(item, expected);
  };
  return written;
}

/** DescribeTasks answers with `task` from now on. */
function describeAnswers(task: Task): void {
  aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [task] });
}

/** The event ECS would send for `task` (the local tools' builder, from a DescribeTasks task), at `version`. */
function eventOf(task: Task, version: number): unknown {
  return taskStateChange(task, { version, time: new Date(START) });
}

function runItem(): RunItem {
  const item = table.items.get(runItemKey(request));
  if (!item) throw new Error('no run item');
  return JSON.parse(item.body) as RunItem;
}

/** The Create, started with events on: watched for PARK_AFTER_MS, then parked. */
async function parkedCreate(options: InvokeOptions = {}) {
  const first = await withEvents(request, { clock: new FakeClock(START), budgetMs: FIVE_MINUTES, ...options });
  expect(first.puts).toHaveLength(0);
  expect(runItem().run?.state.kind).toBe('parked');
  aws.ecs.resetHistory();
  return first;
}

/** A later invocation's clock: `ms` after the Create came. */
const later = (ms: number) => ({ clock: new FakeClock(START + ms) });

/**
 * A 5-minute function: the fixtures' 600 s Timeout is out of its reach, so the run parks (a deadline within reach
 * is watched for in the invocation, as without events).
 */
const FIVE_MINUTES = 300_000;

describe('parking', () => {
  it('watches a minute, then parks the run in its item (and an item per task) and ends: no answer, no hand-off', async () => {
    const { clock, log } = await withEvents(request, { clock: new FakeClock(START), budgetMs: FIVE_MINUTES });
    const item = runItem();
    expect(item).toMatchObject({
      kind: 'run',
      generation: 1,
      run: { state: { kind: 'parked', taskArns: [TASK_ARN] } },
    });
    expect(JSON.parse(table.items.get(taskItemKey(TASK_ARN))?.body ?? '{}')).toEqual({
      kind: 'task',
      run: runItemKey(request),
    });
    expect(clock.now() - START).toBeGreaterThanOrEqual(PARK_AFTER_MS - 5_000);
    expect(clock.now() - START).toBeLessThanOrEqual(PARK_AFTER_MS + 5_000);
    expect(aws.lambda).not.toHaveReceivedCommand(InvokeCommand);
    expect(aws.ecs).not.toHaveReceivedCommand(StopTaskCommand);
    expect(log.text()).toContain('Parked the run');
  });

  it('a short migration is answered by the invocation that started it, once (claimed, then marked answered)', async () => {
    stubHappyPath(aws);
    const writes = runItemWrites();
    const { responses } = await withEvents(request);
    expect(responses.map((body) => body.Status)).toEqual(['SUCCESS']);
    const claims = writes.filter((item) => item.answer);
    expect(claims).toHaveLength(1);
    expect(JSON.parse(claims[0]?.answer?.body ?? '{}')).toEqual(responses[0]);
    // Once sent, nothing of the run is kept: no request, no attributes (answer-claim.ts).
    expect(runItem()).toEqual(answeredItem(1));
  });

  it('parks instead of handing the watch off, and a long Timeout is not refused for the chain it would need', async () => {
    aws.lambda.on(GetFunctionRecursionConfigCommand).resolves({ RecursiveLoop: 'Terminate' });
    const long = withProperties(fixtures.create(), { Timeout: '3600' });
    const { puts } = await withEvents(long, { budgetMs: 60_000, clock: new FakeClock(START) });
    expect(puts).toHaveLength(0);
    expect(aws.lambda).not.toHaveReceivedCommand(InvokeCommand);
    expect(aws.lambda).not.toHaveReceivedCommand(GetFunctionRecursionConfigCommand);
    expect(runItem().run?.state.kind).toBe('parked');
  });
});

describe("the first minute's watch, events on", () => {
  it('with no event, asks DescribeTasks only as often as the lost-event fallback, then parks', async () => {
    const { clock } = await withEvents(request, { clock: new FakeClock(START), budgetMs: FIVE_MINUTES });
    expect(runItem().run?.state.kind).toBe('parked');
    const calls = aws.ecs.commandCalls(DescribeTasksCommand).length;
    expect(calls).toBeGreaterThan(0);
    expect(calls).toBeLessThanOrEqual(Math.ceil((clock.now() - START) / QUIET_FALLBACK_MS));
    // The polls still come at the young-task pace: each reads the run item, not ECS.
    expect(clock.sleeps.filter((ms) => ms === YOUNG_POLL_MS).length).toBeGreaterThan(3 * calls);
  });

  it('an event recorded meanwhile is read from ECS at the next poll and answered, within one YOUNG_POLL_MS', async () => {
    const stopped = stoppedTask(0, { version: 5 });
    const arrival = START + 10_000;
    const clock = new FakeClock(START);
    const sleep = clock.sleep.bind(clock);
    let delivered: { puts: unknown[] } | undefined;
    clock.sleep = async (ms) => {
      if (!delivered && clock.now() + ms >= arrival) {
        describeAnswers(stopped);
        delivered = await withEvents(eventOf(stopped, 5), later(arrival - START));
      }
      return sleep(ms);
    };
    const first = await withEvents(request, { clock, budgetMs: FIVE_MINUTES });
    expect(delivered?.puts).toHaveLength(0);
    expect(first.responses.map((body) => body.Status)).toEqual(['SUCCESS']);
    expect(clock.now() - arrival).toBeLessThanOrEqual(YOUNG_POLL_MS);
    // The event's confirmation and the watch's one read: nothing before the event (it came before the fallback's).
    expect(aws.ecs).toHaveReceivedCommandTimes(DescribeTasksCommand, 2);
    expect(runItem()).toEqual(answeredItem(1));
  });
});

describe('the first minute, an event of a task still running', () => {
  it('is read from ECS at the next poll, and the run then parks without reading the tasks again', async () => {
    const stillRunning = ecsTask({ version: 3 });
    describeAnswers(stillRunning);
    const clock = new FakeClock(START);
    const sleep = clock.sleep.bind(clock);
    let delivered = false;
    const readsAt: number[] = [];
    clock.sleep = async (ms) => {
      if (!delivered && clock.now() + ms >= START + 10_000) {
        delivered = true;
        await withEvents(eventOf(stillRunning, 3), later(10_000));
        aws.ecs.resetHistory();
        aws.ecs.on(DescribeTasksCommand).callsFake(() => {
          readsAt.push(clock.now());
          return { tasks: [stillRunning] };
        });
      }
      return sleep(ms);
    };
    await withEvents(request, { clock, budgetMs: FIVE_MINUTES });
    expect(runItem()).toMatchObject({ seen: { [TASK_ARN]: 3 }, run: { state: { kind: 'parked' } } });
    // The read at the poll after the event, then the lost-event fallback's; none when the run parks.
    const pollAt = (ms: number) => Math.ceil(ms / YOUNG_POLL_MS) * YOUNG_POLL_MS;
    const expected: number[] = [];
    for (let at = pollAt(10_000); at < PARK_AFTER_MS; at = pollAt(at + QUIET_FALLBACK_MS)) expected.push(at);
    expect(readsAt.map((at) => at - START)).toEqual(expected);
  });
});

describe('waking', () => {
  it('an event of the stopped task, confirmed by DescribeTasks, wakes the run and answers SUCCESS once', async () => {
    await parkedCreate();
    const stopped = stoppedTask(0, { version: 5 });
    describeAnswers(stopped);
    const woken = await withEvents(eventOf(stopped, 5), later(600_000));
    expect(woken.responses).toHaveLength(1);
    expect(woken.response).toMatchObject({ Status: 'SUCCESS', RequestId: request.RequestId, Data: { ExitCode: '0' } });
    expect(runItem()).toEqual(answeredItem(2));
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
  });

  it("a wake asks ECS once: the confirmation is also the woken run's look at its task", async () => {
    await parkedCreate();
    const stopped = stoppedTask(0, { version: 5 });
    describeAnswers(stopped);
    aws.ecs.resetHistory();
    const woken = await withEvents(eventOf(stopped, 5), later(600_000));
    expect(woken.response).toMatchObject({ Status: 'SUCCESS' });
    expect(aws.ecs).toHaveReceivedCommandTimes(DescribeTasksCommand, 1);
  });

  it('a woken run whose task failed to start starts it again (StartRetries), watches a minute, and parks again', async () => {
    const retried = TASK_ARN.replace('0a1b2c3d', '7c8d9e0f');
    const first = await withEvents(withProperties(fixtures.create(), { StartRetries: '1' }), {
      clock: new FakeClock(START),
      budgetMs: FIVE_MINUTES,
    });
    expect(first.puts).toHaveLength(0);
    const pullFailure = stoppedTask(undefined, {
      version: 5,
      stopCode: 'TaskFailedToStart',
      stoppedReason: 'CannotPullContainerError: pull image manifest has been retried 5 time(s): i/o timeout',
      containers: [{ name: 'migrate', lastStatus: 'STOPPED' }],
    });
    aws.ecs.on(DescribeTasksCommand, { tasks: [TASK_ARN] }).resolves({ tasks: [pullFailure] });
    aws.ecs.on(DescribeTasksCommand, { tasks: [retried] }).resolves({ tasks: [ecsTask({ taskArn: retried })] });
    aws.ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: retried }], failures: [] });
    aws.ecs.resetHistory();
    const woken = await withEvents(eventOf(pullFailure, 5), { ...later(120_000), budgetMs: FIVE_MINUTES });
    expect(woken.puts).toHaveLength(0);
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
    expect(runItem()).toMatchObject({
      generation: 2,
      run: { progress: { attempt: 2 }, state: { kind: 'parked', taskArns: [retried] } },
    });
    expect(JSON.parse(table.items.get(taskItemKey(retried))?.body ?? '{}')).toEqual({
      kind: 'task',
      run: runItemKey(request),
    });
    // The retried task's exit is heard as the first one's was.
    const exited = stoppedTask(0, { taskArn: retried, version: 4 });
    aws.ecs.on(DescribeTasksCommand, { tasks: [retried] }).resolves({ tasks: [exited] });
    const answered = await withEvents(eventOf(exited, 4), later(600_000));
    expect(answered.response).toMatchObject({ Status: 'SUCCESS', Data: { TaskArn: retried } });
  });

  it('a duplicate, or an older event arriving after, does nothing: no DescribeTasks, no answer', async () => {
    await parkedCreate();
    const stopped = stoppedTask(0, { version: 5 });
    describeAnswers(stopped);
    await withEvents(eventOf(stopped, 5), later(600_000));
    aws.ecs.resetHistory();
    const again = await withEvents(eventOf(stopped, 5), later(601_000));
    const older = await withEvents(eventOf(ecsTask({ version: 4 }), 4), later(602_000));
    expect([...again.puts, ...older.puts]).toHaveLength(0);
    expect(aws.ecs).not.toHaveReceivedCommand(DescribeTasksCommand);
  });

  it('concurrent events of one stop (STOPPING, STOPPED) answer exactly once', async () => {
    await parkedCreate();
    const stopped = stoppedTask(0, { version: 6 });
    describeAnswers(stopped);
    const writes = runItemWrites();
    const both = await Promise.all([
      withEvents(eventOf({ ...stopped, lastStatus: 'STOPPING' }, 5), later(600_000)),
      withEvents(eventOf(stopped, 6), later(600_000)),
    ]);
    expect(both.flatMap((one) => one.responses).map((body) => body.Status)).toEqual(['SUCCESS']);
    expect(writes.filter((item) => item.answer)).toHaveLength(1);
    expect(writes.some((item) => item.seen?.[TASK_ARN] === 6)).toBe(true);
    expect(runItem()).toMatchObject({ answered: true });
  });

  it('a forged event naming a task that still runs answers nothing: DescribeTasks says RUNNING, the run parks again', async () => {
    await parkedCreate();
    describeAnswers(ecsTask({ version: 3 }));
    const forged = eventOf(stoppedTask(0), 3);
    const { puts } = await withEvents(forged, later(300_000));
    expect(puts).toHaveLength(0);
    expect(aws.ecs).not.toHaveReceivedCommand(StopTaskCommand);
    expect(runItem()).toMatchObject({ generation: 2, run: { state: { kind: 'parked' } } });
    // The real stop is still heard.
    const stopped = stoppedTask(0, { version: 5 });
    describeAnswers(stopped);
    const woken = await withEvents(eventOf(stopped, 5), later(600_000));
    expect(woken.response?.Status).toBe('SUCCESS');
  });

  it('an event DescribeTasks never catches up with is not believed, nor recorded', async () => {
    await parkedCreate();
    describeAnswers(ecsTask({ version: 3 }));
    const { puts, log } = await withEvents(eventOf(stoppedTask(0), 9), later(300_000));
    expect(puts).toHaveLength(0);
    expect(aws.ecs.commandCalls(DescribeTasksCommand).length).toBeGreaterThan(1);
    expect(runItem().seen).toBeUndefined();
    expect(runItem().run?.state.kind).toBe('parked');
    expect(log.text()).toContain('not believed');
  });

  it('an event for a task the runner did not start is logged at debug and never throws: nothing is called', async () => {
    await parkedCreate();
    const foreign = ecsTask({ taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/todobackend-cluster/ffff0000' });
    const { puts, log } = await withEvents(eventOf(foreign, 4), later(300_000));
    expect(puts).toHaveLength(0);
    expect(aws.ecs).not.toHaveReceivedCommand(DescribeTasksCommand);
    expect(log.entries.filter((entry) => entry.level !== 'debug')).toEqual([]);
  });

  it('a task ECS no longer knows is stopped and the run answered FAILED, its outcome unknown', async () => {
    await parkedCreate();
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [], failures: [{ arn: TASK_ARN, reason: 'MISSING' }] });
    const { response } = await withEvents(eventOf(stoppedTask(0), 5), later(3 * 3600_000));
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toMatch(/^The outcome of task 0a1b2c3d4e5f46789abcdef012345678 is unknown/);
    expect(aws.ecs).toHaveReceivedCommandWith(StopTaskCommand, { task: TASK_ARN });
  });

  it('woken past the deadline with the task still running: StopTask, FAILED as a watch would', async () => {
    await parkedCreate({ budgetMs: 120_000, clock: new FakeClock(START) });
    describeAnswers(ecsTask({ version: 3 }));
    const { response } = await withEvents(eventOf(ecsTask(), 3), later(3600_000 + 60_000));
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toContain('Timeout');
    expect(aws.ecs).toHaveReceivedCommandWith(StopTaskCommand, { task: TASK_ARN });
  });

  it('an answer another invocation already claimed (the sweep, a concurrent wake) is not sent again', async () => {
    await parkedCreate();
    const pk = runItemKey(request);
    const stored = table.items.get(pk) as StateItem;
    const claimed = { ...runItem(), answer: { body: '{"Status":"SUCCESS"}', claimedAt: START } };
    table.items.set(pk, { ...stored, version: stored.version + 1, body: JSON.stringify(claimed) });
    const stopped = stoppedTask(0, { version: 5 });
    describeAnswers(stopped);
    const { puts, log } = await withEvents(eventOf(stopped, 5), later(600_000));
    expect(puts).toHaveLength(0);
    expect(log.text()).toContain('Another invocation already claimed the answer');
  });

  it('an event recorded while the run is being parked: the tasks are read once more and the run answered', async () => {
    const stopped = stoppedTask(0, { version: 5 });
    const put = table.put;
    let delivered: Promise<unknown> | undefined;
    table.put = async (item, expected) => {
      if (!delivered && item.body.includes('"kind":"parked"')) {
        describeAnswers(stopped);
        delivered = withEvents(eventOf(stopped, 5), later(PARK_AFTER_MS));
        await delivered;
      }
      return put(item, expected);
    };
    const first = await withEvents(request, { clock: new FakeClock(START), budgetMs: FIVE_MINUTES });
    const event = (await delivered) as { puts: unknown[] };
    expect(event.puts).toHaveLength(0);
    expect(first.responses.map((body) => body.Status)).toEqual(['SUCCESS']);
    expect(runItem()).toEqual(answeredItem(1));
  });
});

describe('the fallback: polling, exactly as without events', () => {
  it('events on, but a deadline this invocation can reach is watched for here, as without events', async () => {
    const writes = runItemWrites();
    const { response } = await withEvents(request, { clock: new FakeClock(START) });
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toContain('Timeout');
    expect(writes.map((item) => item.run?.state.kind).filter(Boolean)).not.toContain('parked');
    expect(runItem()).toEqual(answeredItem(1));
  });

  it('EVENT_DRIVEN_COMPLETION not true: an ECS event is only logged, and a run hands its watch off', async () => {
    const { puts } = await invoke(request, { budgetMs: 120_000 });
    expect(puts).toHaveLength(0);
    expect(aws.lambda).toHaveReceivedCommand(InvokeCommand);
    expect(table.items.get(taskItemKey(TASK_ARN))).toBeUndefined();
    aws.ecs.resetHistory();
    const event = await invoke(eventOf(stoppedTask(0), 5));
    expect(event.puts).toHaveLength(0);
    expect(aws.ecs).not.toHaveReceivedCommand(DescribeTasksCommand);
  });

  it('without events the first minute polls DescribeTasks at the young-task pace, as before', async () => {
    const clock = new FakeClock(START);
    await invoke(request, { clock, budgetMs: 120_000 });
    const polls = clock.sleeps.filter((ms) => ms === YOUNG_POLL_MS).length;
    expect(polls).toBeGreaterThan(PARK_AFTER_MS / YOUNG_POLL_MS);
    expect(aws.ecs).toHaveReceivedCommandTimes(DescribeTasksCommand, polls);
  });

  it('events on but no state table: the run polls and hands off', async () => {
    const noTable = invokeWith(aws.ports);
    const { puts } = await noTable(request, { budgetMs: 120_000, eventDriven: true });
    expect(puts).toHaveLength(0);
    expect(aws.lambda).toHaveReceivedCommand(InvokeCommand);
  });
});
