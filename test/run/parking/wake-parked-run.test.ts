import { DescribeTasksCommand, type DescribeTasksCommandOutput, type Task } from '@aws-sdk/client-ecs';
import type { TaskStateChange } from '../../../src/events/task-state-change';
import { taskItemKey } from '../../../src/run/parking/parking';
import { HOLDER_GONE_AFTER_MS, type RunItem, runItemKey } from '../../../src/run/parking/run-item';
import {
  claimOrphanedRun,
  claimParkedRun,
  CONFIRM_ATTEMPTS,
  CONFIRM_WAIT_MS,
  holderGone,
  wakeParkedRun,
} from '../../../src/run/parking/wake-parked-run';
import type { Run, RunState } from '../../../src/run/run-state';
import { ecsTask, mockedAws, stoppedTask, stubHappyPath, TASK_ARN } from '../../support/aws-mocks';
import { MemoryStateTable } from '../../support/fakes';
import { runDeps, runIn } from '../../support/run-harness';

const aws = mockedAws();
let table = new MemoryStateTable();

beforeEach(() => {
  stubHappyPath(aws);
  table = new MemoryStateTable();
});

const STARTED_AT = Date.UTC(2026, 10, 25, 11, 58, 0);
const PARKED_AT = Date.UTC(2026, 10, 25, 11, 59, 0);
const OTHER_ARN = 'arn:aws:ecs:us-east-1:123456789012:task/todobackend-cluster/ffffffffffffffffffffffffffffffff';

const parked: RunState = { kind: 'parked', taskArns: [TASK_ARN], startedAt: STARTED_AT, parkedAt: PARKED_AT };
const watching: RunState = { kind: 'watching', taskArns: [TASK_ARN], startedAt: STARTED_AT };

/** The key of the run item of every run here (the fixtures' Create). */
const RUN_KEY = runItemKey(runIn(parked, 0).request);

/** An invocation's dependencies whose state table is `table` (or none). */
function wakeDeps(withTable = true) {
  const harness = runDeps(aws);
  const deps = { ...harness.deps, aws: { ...aws.ports, stateTable: async () => (withTable ? table : undefined) } };
  return { ...harness, deps };
}

/** The run of the fixtures' Create in `state`, at `generation`. */
function runOf(state: RunState, now: number, generation = 1): Run {
  return { ...runIn(state, now), generation };
}

/** Stores the run item (at version 4) and the task's index item, as registerRun and parkRun leave them. */
function store(item: Partial<RunItem> & { generation: number }, index: unknown = { kind: 'task', run: RUN_KEY }) {
  table.items.set(RUN_KEY, { pk: RUN_KEY, version: 4, body: JSON.stringify({ kind: 'run', ...item }) });
  table.items.set(taskItemKey(TASK_ARN), { pk: taskItemKey(TASK_ARN), version: 1, body: JSON.stringify(index) });
}

/** The run item as stored now, and its version. */
function stored(): { version: number | undefined; item: RunItem } {
  const item = table.items.get(RUN_KEY);
  return { version: item?.version, item: JSON.parse(item?.body ?? '{}') as RunItem };
}

const puts = () => table.calls.filter((call) => call.call === 'put').length;

/** ECS's Task State Change for the fixtures' task, at `version`. */
function changeOf(version: number, lastStatus = 'STOPPED'): TaskStateChange {
  return {
    taskArn: TASK_ARN,
    clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/todobackend-cluster',
    lastStatus,
    desiredStatus: 'STOPPED',
    version,
    containers: [],
  };
}

/** DescribeTasks answers with `tasks` from now on (each answer in `answers` once first, in turn). */
function describeAnswers(tasks: Task[], ...answers: Task[][]): DescribeTasksCommandOutput {
  const output = { tasks, failures: [], $metadata: {} };
  const mock = aws.ecs.on(DescribeTasksCommand);
  for (const first of answers) mock.resolvesOnce({ tasks: first, failures: [] });
  mock.resolves(output);
  return output;
}

/** The event is ignored: nothing asked of ECS, nothing written, and the log says why. */
async function expectIgnoredQuietly(why: string, entry: { level: string; message: string; extra: object[] }) {
  const { deps, log } = wakeDeps();
  expect(await wakeParkedRun(changeOf(5), deps)).toEqual({ kind: 'ignored', why });
  expect(aws.ecs.calls()).toHaveLength(0);
  expect(puts()).toBe(0);
  expect(log.entries).toContainEqual(entry);
}

describe('an ECS event for a task the runner may have started', () => {
  it('is ignored, with nothing asked of ECS, when the function has no state table', async () => {
    const { deps } = wakeDeps(false);
    expect(await wakeParkedRun(changeOf(5), deps)).toEqual({ kind: 'ignored', why: 'no-table' });
    expect(aws.ecs.calls()).toHaveLength(0);
  });

  it.each([
    { what: 'no index item for the task', setUp: () => undefined },
    {
      what: 'an index item that is not a task’s',
      setUp: () => store({ generation: 1, run: runOf(parked, PARKED_AT) }, { kind: 'resource', run: RUN_KEY }),
    },
    {
      what: 'an index item that names no run',
      setUp: () => store({ generation: 1, run: runOf(parked, PARKED_AT) }, { kind: 'task', run: 7 }),
    },
    {
      what: 'an index item whose run item is gone',
      setUp: () => store({ generation: 1 }, { kind: 'task', run: 'run#gone' }),
    },
    { what: 'a run item that holds no run (a polling run)', setUp: () => store({ generation: 2 }) },
  ])('is a foreign task’s, with nothing asked of ECS or written: $what', async ({ setUp }) => {
    setUp();
    await expectIgnoredQuietly('foreign-task', {
      level: 'debug',
      message: 'ECS task state change for a task this runner did not start: nothing to do',
      extra: [{ taskArn: TASK_ARN, version: 5 }],
    });
  });

  it('of a run already answered is stale: its item keeps nothing to confirm, and ECS is not asked', async () => {
    store({ generation: 2, answered: true, run: runOf(parked, PARKED_AT) });
    await expectIgnoredQuietly('stale', {
      level: 'info',
      message: 'ECS event of a task whose run was answered already: nothing to do',
      extra: [{ taskArn: TASK_ARN, version: 5 }],
    });
  });

  it.each([
    { what: 'a repeated event (the version seen already)', seen: 5 },
    { what: 'an older event (below the version seen)', seen: 6 },
  ])('is stale, with nothing asked of ECS or written: $what', async ({ seen }) => {
    store({ generation: 1, run: runOf(parked, PARKED_AT), seen: { [TASK_ARN]: seen } });
    await expectIgnoredQuietly('stale', {
      level: 'info',
      message: 'A stale or repeated ECS event (detail.version already seen): nothing to do',
      extra: [{ taskArn: TASK_ARN, version: 5, lastStatus: 'STOPPED' }],
    });
  });

  it('wakes a parked run: claims its next generation, shows it watching, records the version, hands on the read', async () => {
    const run = runOf(parked, PARKED_AT);
    store({ generation: 1, run, seen: { [TASK_ARN]: 4, [OTHER_ARN]: 9 } });
    const output = describeAnswers([stoppedTask(0, { version: 5 })]);
    const { clock, deps, log } = wakeDeps();
    const wake = await wakeParkedRun(changeOf(5), deps);
    expect(wake).toEqual({
      kind: 'woken',
      run: { ...run, generation: 2 },
      itemVersion: 5,
      read: { input: { cluster: 'todobackend-cluster', tasks: [TASK_ARN] }, output: expect.objectContaining(output) },
    });
    expect(aws.ecs.commandCalls(DescribeTasksCommand).map((call) => call.args[0].input)).toEqual([
      { cluster: 'todobackend-cluster', tasks: [TASK_ARN] },
    ]);
    expect(clock.sleeps).toEqual([]);
    expect(stored()).toEqual({
      version: 5,
      item: {
        kind: 'run',
        generation: 2,
        heldSince: clock.now(),
        run: { ...run, generation: 2, state: { kind: 'watching', taskArns: [TASK_ARN], startedAt: STARTED_AT } },
        seen: { [TASK_ARN]: 5, [OTHER_ARN]: 9 },
      },
    });
    expect(log.entries).toContainEqual({
      level: 'info',
      message: 'An ECS event woke the parked run',
      extra: [{ taskArn: TASK_ARN, version: 5, lastStatus: 'STOPPED', generation: 2 }],
    });
  });

  it('records the version in a run an invocation holds, and leaves the run to it', async () => {
    const run = runOf(watching, STARTED_AT, 3);
    store({ generation: 3, heldSince: STARTED_AT, run });
    describeAnswers([ecsTask({ version: 6 })]);
    const { deps, log } = wakeDeps();
    expect(await wakeParkedRun(changeOf(5, 'RUNNING'), deps)).toEqual({ kind: 'recorded' });
    expect(stored()).toEqual({
      version: 5,
      item: { kind: 'run', generation: 3, heldSince: STARTED_AT, run, seen: { [TASK_ARN]: 5 } },
    });
    expect(log.entries).toContainEqual({
      level: 'info',
      message: 'ECS event recorded: the invocation that holds the run reads the tasks again before parking it',
      extra: [{ taskArn: TASK_ARN, version: 5, lastStatus: 'RUNNING' }],
    });
  });

  it.each([
    { what: 'DescribeTasks returns no task', tasks: [] },
    { what: 'DescribeTasks returns only another task', tasks: [ecsTask({ taskArn: OTHER_ARN, version: 9 })] },
  ])('of a task ECS does not know wakes the parked run, recording no version: $what', async ({ tasks }) => {
    const run = runOf(parked, PARKED_AT);
    store({ generation: 1, run });
    describeAnswers(tasks);
    const { deps } = wakeDeps();
    expect(await wakeParkedRun(changeOf(5), deps)).toMatchObject({ kind: 'woken', run: { generation: 2 } });
    const { item } = stored();
    expect(item.generation).toBe(2);
    expect(item).not.toHaveProperty('seen');
  });

  it('of a task ECS does not know, in a held run, writes the item as it was', async () => {
    const run = runOf(watching, STARTED_AT, 2);
    store({ generation: 2, heldSince: STARTED_AT, run, seen: { [TASK_ARN]: 3 } });
    describeAnswers([]);
    const { deps } = wakeDeps();
    expect(await wakeParkedRun(changeOf(5), deps)).toEqual({ kind: 'recorded' });
    expect(stored()).toEqual({
      version: 5,
      item: { kind: 'run', generation: 2, heldSince: STARTED_AT, run, seen: { [TASK_ARN]: 3 } },
    });
  });

  it('is believed when ECS reports no version for the task (moto): the woken run’s step decides', async () => {
    store({ generation: 1, run: runOf(parked, PARKED_AT) });
    describeAnswers([stoppedTask(0)]);
    const { deps } = wakeDeps();
    expect(await wakeParkedRun(changeOf(5), deps)).toMatchObject({ kind: 'woken' });
    expect(stored().item.seen).toEqual({ [TASK_ARN]: 5 });
  });

  it('asks DescribeTasks again, CONFIRM_WAIT_MS apart, until it catches up with the event', async () => {
    store({ generation: 1, run: runOf(parked, PARKED_AT) });
    describeAnswers([stoppedTask(0, { version: 5 })], [ecsTask({ version: 3 })], [ecsTask({ version: 4 })]);
    const { clock, deps } = wakeDeps();
    const wake = await wakeParkedRun(changeOf(5), deps);
    expect(wake).toMatchObject({ kind: 'woken', read: { output: { tasks: [{ version: 5 }] } } });
    expect(aws.ecs).toHaveReceivedCommandTimes(DescribeTasksCommand, 3);
    expect(clock.sleeps).toEqual([CONFIRM_WAIT_MS, CONFIRM_WAIT_MS]);
  });

  it('is not believed, and nothing is written, when DescribeTasks never catches up', async () => {
    store({ generation: 1, run: runOf(parked, PARKED_AT) });
    describeAnswers([ecsTask({ version: 4 })]);
    const { clock, deps, log } = wakeDeps();
    expect(await wakeParkedRun(changeOf(5), deps)).toEqual({ kind: 'ignored', why: 'unconfirmed' });
    expect(aws.ecs).toHaveReceivedCommandTimes(DescribeTasksCommand, CONFIRM_ATTEMPTS);
    expect(clock.sleeps).toEqual(Array<number>(CONFIRM_ATTEMPTS - 1).fill(CONFIRM_WAIT_MS));
    expect(puts()).toBe(0);
    expect(log.entries).toContainEqual({
      level: 'warn',
      message: 'DescribeTasks did not catch up with the event: not believed, nothing recorded',
      extra: [{ taskArn: TASK_ARN, version: 5, lastStatus: 'STOPPED' }],
    });
  });

  it.each([
    {
      what: 'another event recorded the version meanwhile: stale',
      meanwhile: (item: RunItem): RunItem => ({ ...item, seen: { [TASK_ARN]: 5 } }),
      why: 'stale',
    },
    {
      what: 'the run was answered meanwhile: not parked here',
      meanwhile: (item: RunItem): RunItem => ({ kind: 'run', generation: item.generation, answered: true }),
      why: 'not-parked-here',
    },
  ])('is judged again on the item read after DescribeTasks: $what', async ({ meanwhile, why }) => {
    store({ generation: 1, run: runOf(parked, PARKED_AT) });
    aws.ecs.on(DescribeTasksCommand).callsFake(() => {
      const { version, item } = stored();
      table.items.set(RUN_KEY, { pk: RUN_KEY, version: (version ?? 0) + 1, body: JSON.stringify(meanwhile(item)) });
      return { tasks: [stoppedTask(0, { version: 5 })] };
    });
    const { deps, log } = wakeDeps();
    expect(await wakeParkedRun(changeOf(5), deps)).toEqual({ kind: 'ignored', why });
    expect(puts()).toBe(0);
    expect(log.entries).toContainEqual({
      level: 'info',
      message: 'ECS event: nothing to do',
      extra: [{ taskArn: TASK_ARN, version: 5, lastStatus: 'STOPPED', why }],
    });
  });
});

describe('the sweep’s claims', () => {
  const NOW = Date.UTC(2026, 10, 25, 13, 0, 0);

  it('wakes a run still parked: its next generation, shown watching', async () => {
    const run = runOf(parked, PARKED_AT, 2);
    store({ generation: 2, heldSince: STARTED_AT, run });
    expect(await claimParkedRun(table, run, NOW)).toEqual({
      kind: 'woken',
      run: { ...run, generation: 3 },
      itemVersion: 5,
    });
    expect(stored().item).toEqual({
      kind: 'run',
      generation: 3,
      heldSince: NOW,
      run: { ...run, generation: 3, state: { kind: 'watching', taskArns: [TASK_ARN], startedAt: STARTED_AT } },
    });
  });

  it.each([
    { what: 'a run an invocation holds', item: () => ({ generation: 2, run: runOf(watching, STARTED_AT, 2) }) },
    { what: 'a run answered', item: () => ({ generation: 2, answered: true }) },
  ])('leaves $what, with nothing written', async ({ item }) => {
    store(item());
    expect(await claimParkedRun(table, runOf(parked, PARKED_AT, 2), NOW)).toEqual({
      kind: 'ignored',
      why: 'not-parked-here',
    });
    expect(puts()).toBe(0);
  });

  it('takes over a run watched by a holder gone HOLDER_GONE_AFTER_MS ago: parked at now, then woken', async () => {
    const run = runOf(watching, STARTED_AT, 2);
    const heldSince = NOW - HOLDER_GONE_AFTER_MS;
    store({ generation: 2, heldSince, run, seen: { [TASK_ARN]: 3 } });
    const orphanParked: RunState = { kind: 'parked', taskArns: [TASK_ARN], startedAt: STARTED_AT, parkedAt: NOW };
    expect(await claimOrphanedRun(table, run, NOW)).toEqual({
      kind: 'woken',
      run: { ...run, generation: 3, state: orphanParked },
      itemVersion: 5,
    });
    expect(stored().item).toEqual({
      kind: 'run',
      generation: 3,
      heldSince: NOW,
      run: { ...run, generation: 3 },
      seen: { [TASK_ARN]: 3 },
    });
  });

  it.each([
    { what: 'a holder that may still run', item: { heldSince: NOW - HOLDER_GONE_AFTER_MS + 1 } },
    { what: 'a holder whose claim time is unknown', item: {} },
    { what: 'a run whose answer is claimed', item: { heldSince: 0, answer: { body: '{}', claimedAt: 0 } } },
    { what: 'a parked run (the wake’s to claim)', item: { heldSince: 0, run: runOf(parked, PARKED_AT, 2) } },
    { what: 'an item with no run', item: { heldSince: 0, run: undefined } },
  ])('leaves $what, with nothing written', async ({ item }) => {
    store({ generation: 2, run: runOf(watching, STARTED_AT, 2), ...item });
    expect(await claimOrphanedRun(table, runOf(watching, STARTED_AT, 2), NOW)).toEqual({
      kind: 'ignored',
      why: 'not-parked-here',
    });
    expect(puts()).toBe(0);
  });

  it('finds no orphan where there is no item', async () => {
    expect(await claimOrphanedRun(table, runOf(watching, STARTED_AT, 2), NOW)).toEqual({
      kind: 'ignored',
      why: 'not-parked-here',
    });
  });

  it.each([
    { when: 'at an unknown time', heldSince: undefined, gone: false },
    { when: 'longer ago than HOLDER_GONE_AFTER_MS', heldSince: NOW - HOLDER_GONE_AFTER_MS - 1, gone: true },
    { when: 'HOLDER_GONE_AFTER_MS ago', heldSince: NOW - HOLDER_GONE_AFTER_MS, gone: true },
    { when: 'a millisecond less long ago', heldSince: NOW - HOLDER_GONE_AFTER_MS + 1, gone: false },
    { when: 'just now', heldSince: NOW, gone: false },
  ])('judges a holder that claimed the run $when gone: $gone', ({ heldSince, gone }) => {
    const item: RunItem = { kind: 'run', generation: 2, ...(heldSince === undefined ? {} : { heldSince }) };
    expect(holderGone(item, NOW)).toBe(gone);
  });
});
