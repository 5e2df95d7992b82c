import { type Parking, parkingOf, parkRun, registerRun, taskItemKey } from '../../../src/run/parking/parking';
import { type RunItem, runItemKey } from '../../../src/run/parking/run-item';
import type { Run, RunState } from '../../../src/run/run-state';
import { mockedAws, stubHappyPath, TASK_ARN } from '../../support/aws-mocks';
import { MemoryStateTable } from '../../support/fakes';
import { runDeps, runIn } from '../../support/run-harness';

const aws = mockedAws();
let table = new MemoryStateTable();

beforeEach(() => {
  stubHappyPath(aws);
  table = new MemoryStateTable();
});

const STARTED_AT = Date.UTC(2026, 10, 25, 11, 59, 0);
const OTHER_ARN = 'arn:aws:ecs:us-east-1:123456789012:task/todobackend-cluster/ffffffffffffffffffffffffffffffff';

type Watching = Extract<RunState, { kind: 'watching' }>;
type Parked = Extract<RunState, { kind: 'parked' }>;

const watching: Watching = { kind: 'watching', taskArns: [TASK_ARN, OTHER_ARN], startedAt: STARTED_AT };

function runOf<S extends RunState>(state: S, generation = 2): Run & { state: S } {
  return { ...runIn(state, STARTED_AT), generation, state };
}

const RUN_KEY = runItemKey(runIn(watching, STARTED_AT).request);

/** Stores the run item at `version`. */
function store(version: number, item: Omit<RunItem, 'kind'>): void {
  table.items.set(RUN_KEY, { pk: RUN_KEY, version, body: JSON.stringify({ kind: 'run', ...item }) });
}

function stored(): { version: number | undefined; item: RunItem } {
  const item = table.items.get(RUN_KEY);
  return { version: item?.version, item: JSON.parse(item?.body ?? '{}') as RunItem };
}

const runPuts = () => table.calls.filter((call) => call.call === 'put' && call.pk === RUN_KEY).length;

describe('whether runs park in this invocation', () => {
  it.each([
    { eventDriven: true, hasTable: true, parks: true },
    { eventDriven: true, hasTable: false, parks: false },
    { eventDriven: false, hasTable: true, parks: false },
    { eventDriven: undefined, hasTable: true, parks: false },
  ])('events on: $eventDriven, a state table: $hasTable → parks: $parks', async ({ eventDriven, hasTable, parks }) => {
    const deps = {
      aws: { ...aws.ports, stateTable: async () => (hasTable ? table : undefined) },
      ...(eventDriven === undefined ? {} : { eventDriven }),
    };
    const parking = await parkingOf(deps, 7);
    expect(parking).toEqual(parks ? { table, itemVersion: 7 } : undefined);
  });
});

describe("a task's index item", () => {
  it('is keyed by a digest of the task’s ARN, apart from run items', () => {
    expect(taskItemKey(TASK_ARN)).toMatch(/^task#[0-9a-f]{64}$/);
    expect(taskItemKey(OTHER_ARN)).not.toBe(taskItemKey(TASK_ARN));
  });
});

describe('registering a run that RunTask just started', () => {
  it('writes an index item per task, then the run in its item, and keeps the version written', async () => {
    store(3, { generation: 2, heldSince: STARTED_AT, seen: { [TASK_ARN]: 1 } });
    const { deps, log } = runDeps(aws);
    const parking: Parking = { table, itemVersion: undefined };
    const run = runOf(watching);
    await registerRun(run, parking, deps);
    expect(table.calls.filter((call) => call.call === 'put').map((call) => call.pk)).toEqual([
      taskItemKey(TASK_ARN),
      taskItemKey(OTHER_ARN),
      RUN_KEY,
    ]);
    for (const taskArn of [TASK_ARN, OTHER_ARN])
      expect(JSON.parse(table.items.get(taskItemKey(taskArn))?.body ?? '{}')).toEqual({ kind: 'task', run: RUN_KEY });
    expect(stored()).toEqual({
      version: 4,
      item: { kind: 'run', generation: 2, heldSince: STARTED_AT, seen: { [TASK_ARN]: 1 }, run },
    });
    expect(parking.itemVersion).toBe(4);
    expect(log.entries.filter((entry) => entry.level === 'warn')).toEqual([]);
  });

  it.each([
    { what: 'no item yet (the invocation that planned it)', held: undefined, version: 1 },
    { what: 'an earlier generation', held: 1, version: 6 },
  ])('claims the run over $what', async ({ held, version }) => {
    if (held !== undefined) store(5, { generation: held });
    const { clock, deps } = runDeps(aws);
    const parking: Parking = { table, itemVersion: undefined };
    await registerRun(runOf(watching), parking, deps);
    expect(stored()).toEqual({
      version,
      item: { kind: 'run', generation: 2, heldSince: clock.now(), run: runOf(watching) },
    });
    expect(parking.itemVersion).toBe(version);
  });

  it('registers a task registered before (a retried RunTask gives the same tasks) all the same', async () => {
    table.items.set(taskItemKey(TASK_ARN), { pk: taskItemKey(TASK_ARN), version: 1, body: '{"kind":"task"}' });
    const { deps } = runDeps(aws);
    const parking: Parking = { table, itemVersion: undefined };
    await registerRun(runOf(watching), parking, deps);
    expect(parking.itemVersion).toBe(1);
    expect(stored().item.run).toEqual(runOf(watching));
  });

  it('leaves the run unregistered, to poll, when a later generation holds it', async () => {
    store(5, { generation: 3 });
    const { deps, log } = runDeps(aws);
    const parking: Parking = { table, itemVersion: 5 };
    await registerRun(runOf(watching), parking, deps);
    expect(parking.itemVersion).toBeUndefined();
    expect(stored()).toEqual({ version: 5, item: { kind: 'run', generation: 3 } });
    expect(log.entries).toContainEqual({
      level: 'warn',
      message: 'Could not write the run to the state table: it polls, as without events',
      extra: [{ error: 'Error', message: 'generation 3 already holds the run, not 2' }],
    });
  });

  it('leaves the run unregistered, to poll, when the table fails, and says why', async () => {
    table.put = () =>
      Promise.reject(
        Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
          name: 'ProvisionedThroughputExceededException',
        }),
      );
    const { deps, log } = runDeps(aws);
    const parking: Parking = { table, itemVersion: 2 };
    await expect(registerRun(runOf(watching), parking, deps)).resolves.toBeUndefined();
    expect(parking.itemVersion).toBeUndefined();
    expect(log.entries).toContainEqual({
      level: 'warn',
      message: 'Could not write the run to the state table: it polls, as without events',
      extra: [
        {
          error: 'ProvisionedThroughputExceededException',
          message: 'Rate of requests exceeds the allowed throughput.',
        },
      ],
    });
  });
});

describe('parking a run', () => {
  const parked: Parked = { kind: 'parked', taskArns: [TASK_ARN], startedAt: STARTED_AT, parkedAt: STARTED_AT + 60_000 };

  it('writes the parked run on the version this invocation last wrote, and keeps the version written', async () => {
    store(4, { generation: 2, heldSince: STARTED_AT, run: runOf(watching), seen: { [TASK_ARN]: 3 } });
    const { deps, log } = runDeps(aws);
    const parking: Parking = { table, itemVersion: 4 };
    expect(await parkRun(runOf(parked), parking, deps)).toEqual({ kind: 'parked' });
    expect(stored()).toEqual({
      version: 5,
      item: { kind: 'run', generation: 2, heldSince: STARTED_AT, run: runOf(parked), seen: { [TASK_ARN]: 3 } },
    });
    expect(table.calls.filter((call) => call.call === 'put')).toEqual([
      { call: 'put', pk: RUN_KEY, expectedVersion: 4 },
    ]);
    expect(parking.itemVersion).toBe(5);
    expect(log.entries).toContainEqual({
      level: 'info',
      message: 'Parked the run: an ECS event (or the sweep) wakes it',
      extra: [{ taskArns: [TASK_ARN], generation: 2 }],
    });
  });

  it('writes nothing when an event was recorded since, and keeps the version read for the next try', async () => {
    store(6, { generation: 2, run: runOf(watching), seen: { [TASK_ARN]: 5 } });
    const { deps, log } = runDeps(aws);
    const parking: Parking = { table, itemVersion: 4 };
    expect(await parkRun(runOf(parked), parking, deps)).toEqual({ kind: 'news' });
    expect(runPuts()).toBe(0);
    expect(parking.itemVersion).toBe(6);
    expect(log.text()).not.toContain('Parked the run');
    // Parked on the next try, on the version read.
    expect(await parkRun(runOf(parked), parking, deps)).toEqual({ kind: 'parked' });
    expect(stored().version).toBe(7);
  });

  it('writes nothing when a later generation holds the run', async () => {
    store(6, { generation: 3, run: runOf(watching, 3) });
    const { deps } = runDeps(aws);
    const parking: Parking = { table, itemVersion: 6 };
    expect(await parkRun(runOf(parked), parking, deps)).toEqual({ kind: 'held-elsewhere', generation: 3 });
    expect(runPuts()).toBe(0);
    expect(parking.itemVersion).toBe(6);
  });

  it.each([
    {
      what: 'a run never registered',
      setUp: () => store(1, { generation: 2 }),
      itemVersion: undefined,
      error: 'A run that is not registered in the state table cannot park',
    },
    { what: 'a run whose item is gone', setUp: () => undefined, itemVersion: 3, error: 'the run item is gone' },
  ])('is refused for $what', async ({ setUp, itemVersion, error }) => {
    setUp();
    const { deps } = runDeps(aws);
    await expect(parkRun(runOf(parked), { table, itemVersion }, deps)).rejects.toThrow(error);
    expect(runPuts()).toBe(0);
  });
});
