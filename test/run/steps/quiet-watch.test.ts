import type { Parking } from '../../../src/run/parking/parking';
import { QUIET_FALLBACK_MS, quietWatch } from '../../../src/run/steps/quiet-watch';
import { type RunItem, runItemKey } from '../../../src/run/parking/run-item';
import { YOUNG_POLL_MS } from '../../../src/tasks/poll-schedule';
import { FakeClock, MemoryStateTable, RecordingLog } from '../../support/fakes';
import { fixtures } from '../../support/fixtures';

const request = fixtures.create();
const TASK = 'arn:aws:ecs:us-east-1:123456789012:task/todobackend-cluster/0a1b2c3d';

/** A run item at `version` (what registerRun wrote is version 1), with `seen` recorded by events. */
function storeItem(table: MemoryStateTable, version: number, seen?: Record<string, number>): void {
  const body: RunItem = { kind: 'run', generation: 1, ...(seen ? { seen } : {}) };
  table.items.set(runItemKey(request), { pk: runItemKey(request), version, body: JSON.stringify(body), expiresAt: 0 });
}

function setUp(describeFirst = false) {
  const clock = new FakeClock();
  const table = new MemoryStateTable();
  storeItem(table, 1);
  const parking: Parking = { table, itemVersion: 1 };
  const log = new RecordingLog();
  const gate = quietWatch(request, parking, { clock, log }, describeFirst);
  return { clock, table, parking, log, gate };
}

describe("the first minute's quiet watch", () => {
  it('says no while the run item is unchanged, until the lost-event fallback is due', async () => {
    const { clock, gate } = setUp();
    const answers: boolean[] = [];
    for (let at = YOUNG_POLL_MS; at <= QUIET_FALLBACK_MS + YOUNG_POLL_MS; at += YOUNG_POLL_MS) {
      await clock.sleep(YOUNG_POLL_MS);
      answers.push(await gate.shouldDescribe());
    }
    expect(answers.slice(0, -1).every((answer) => !answer)).toBe(true);
    expect(answers.at(-1)).toBe(true);
  });

  it('says yes at the poll after an event was recorded, and parks on that version once ECS answered', async () => {
    const { table, parking, gate } = setUp();
    expect(await gate.shouldDescribe()).toBe(false);
    storeItem(table, 2, { [TASK]: 5 });
    expect(await gate.shouldDescribe()).toBe(true);
    gate.described();
    expect(parking.itemVersion).toBe(2);
    expect(await gate.shouldDescribe()).toBe(false);
  });

  it('asks again at the next poll when the DescribeTasks after an event failed (no `described`)', async () => {
    const { table, parking, gate } = setUp();
    storeItem(table, 2, { [TASK]: 5 });
    expect(await gate.shouldDescribe()).toBe(true);
    expect(await gate.shouldDescribe()).toBe(true);
    expect(parking.itemVersion).toBe(1);
  });

  it('a watch taken over asks ECS at its first poll; an unreadable item says yes, and is logged', async () => {
    const { table, gate, log } = setUp(true);
    expect(await gate.shouldDescribe()).toBe(true);
    gate.described();
    table.get = async () => {
      throw Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' });
    };
    expect(await gate.shouldDescribe()).toBe(true);
    expect(log.entries).toContainEqual({
      level: 'warn',
      message: 'Could not read the run item: asking ECS',
      extra: [{ error: 'ProvisionedThroughputExceededException', message: expect.stringContaining('Rate exceeded') }],
    });
  });

  it.each([
    { what: 'a new version of the item, with no event seen', version: 2, seen: undefined },
    { what: 'events seen in the item at the version this invocation holds', version: 1, seen: { [TASK]: 5 } },
  ])('says yes at once for $what', async ({ version, seen }) => {
    const { table, gate } = setUp();
    storeItem(table, version, seen);
    expect(await gate.shouldDescribe()).toBe(true);
  });

  it('asks ECS again exactly QUIET_FALLBACK_MS after it last did, not before', async () => {
    const { clock, gate } = setUp();
    await clock.sleep(QUIET_FALLBACK_MS - 1);
    expect(await gate.shouldDescribe()).toBe(false);
    await clock.sleep(1);
    expect(await gate.shouldDescribe()).toBe(true);
  });

  it('keeps the version it parks on when the item was gone at the look that ECS answered', async () => {
    const { table, parking, gate } = setUp();
    table.items.clear();
    expect(await gate.shouldDescribe()).toBe(true);
    gate.described();
    expect(parking.itemVersion).toBe(1);
  });
});
