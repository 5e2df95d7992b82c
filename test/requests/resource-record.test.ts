import type { StateItem } from '../../src/aws/ports';
import {
  forgetResource,
  keepSuccessfulRun,
  readResource,
  resourceItemKey,
  TOMBSTONE_DAYS,
} from '../../src/requests/resource-record';
import { MemoryStateTable } from '../support/fakes';

const RESOURCE = {
  StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/app/5b7a3c10-9f3e-11ef-8a3b-0a1b2c3d4e5f',
  LogicalResourceId: 'MigrateTask',
};
const DATA = { TaskArn: 'arn:aws:ecs:us-east-1:123456789012:task/app/0a1b', ExitCode: '0', SchemaVersion: '42' };
const T0 = Date.UTC(2026, 11, 7, 12, 0, 0);

describe('the resource record', () => {
  it('is keyed by the resource: its stack (with the stack’s unique ID) and logical ID', () => {
    const key = resourceItemKey(RESOURCE);
    expect(key).toMatch(/^resource#[0-9a-f]{64}$/);
    expect(resourceItemKey({ ...RESOURCE })).toBe(key);
    expect(resourceItemKey({ ...RESOURCE, LogicalResourceId: 'Other' })).not.toBe(key);
    expect(resourceItemKey({ ...RESOURCE, StackId: RESOURCE.StackId.replace('5b7a', '6c8b') })).not.toBe(key);
  });

  it('is nothing without a table, and nothing for a resource never run', async () => {
    expect(await readResource(undefined, RESOURCE)).toEqual({ kind: 'nothing-kept' });
    expect(await readResource(new MemoryStateTable(), RESOURCE)).toEqual({ kind: 'nothing-kept' });
  });

  it('keeps the last successful run’s Data, each write raising the version it was conditioned on', async () => {
    const table = new MemoryStateTable();
    expect(await keepSuccessfulRun(table, RESOURCE, { data: DATA, sentAt: T0 })).toBe('kept');
    expect(
      await keepSuccessfulRun(table, RESOURCE, {
        data: { ...DATA, ExitCode: '0', SchemaVersion: '43' },
        sentAt: T0 + 60_000,
      }),
    ).toBe('kept');

    expect(await readResource(table, RESOURCE)).toEqual({
      kind: 'kept',
      version: 2,
      record: { kind: 'resource', succeeded: true, data: { ...DATA, SchemaVersion: '43' }, sentAt: T0 + 60_000 },
    });
    expect(table.calls.filter((call) => call.call === 'put').map((call) => call.expectedVersion)).toEqual([
      undefined,
      1,
    ]);
    // The Data item never expires: TTL would delete it days later, and it is read until then.
    expect(table.items.get(resourceItemKey(RESOURCE))).not.toHaveProperty('expiresAt');
  });

  it('does not let a run of an earlier request overwrite a later one’s Data', async () => {
    const table = new MemoryStateTable();
    await keepSuccessfulRun(table, RESOURCE, { data: { ...DATA, SchemaVersion: '43' }, sentAt: T0 + 60_000 });
    expect(await keepSuccessfulRun(table, RESOURCE, { data: DATA, sentAt: T0 })).toBe('superseded');
    const kept = await readResource(table, RESOURCE);
    expect(kept.kind === 'kept' && kept.record.kind === 'resource' && kept.record.data.SchemaVersion).toBe('43');
  });

  it('leaves after a Delete only a tombstone, without Data, that TTL removes after a week', async () => {
    const table = new MemoryStateTable();
    await keepSuccessfulRun(table, RESOURCE, { data: DATA, sentAt: T0 });
    const now = T0 + 3_600_000;
    expect(await forgetResource(table, RESOURCE, { sentAt: now - 5_000, now })).toBe('kept');

    const item = table.items.get(resourceItemKey(RESOURCE));
    expect(item?.body).not.toContain('TaskArn');
    expect(JSON.parse(item?.body ?? '{}')).toEqual({ kind: 'deleted', sentAt: now - 5_000 });
    expect(item?.expiresAt).toBe(now / 1000 + TOMBSTONE_DAYS * 86_400);
    expect(await readResource(table, RESOURCE)).toEqual({
      kind: 'kept',
      version: 2,
      record: { kind: 'deleted', sentAt: now - 5_000 },
    });
  });

  it('refuses a late write for a request sent before the Delete, but lets a later Create add the resource back', async () => {
    const table = new MemoryStateTable();
    await forgetResource(table, RESOURCE, { sentAt: T0, now: T0 });
    expect(await keepSuccessfulRun(table, RESOURCE, { data: DATA, sentAt: T0 - 1_000 })).toBe('superseded');
    expect(await readResource(table, RESOURCE)).toMatchObject({ record: { kind: 'deleted', sentAt: T0 } });

    expect(await keepSuccessfulRun(table, RESOURCE, { data: DATA, sentAt: T0 + 1_000 })).toBe('kept');
    const item = table.items.get(resourceItemKey(RESOURCE));
    expect(item?.expiresAt).toBeUndefined();
    expect(JSON.parse(item?.body ?? '{}')).toMatchObject({ kind: 'resource', data: DATA });
  });

  it('reads again and decides again when another writer got there first', async () => {
    const table = new MemoryStateTable();
    await keepSuccessfulRun(table, RESOURCE, { data: DATA, sentAt: T0 });
    // Between this writer's read and its write, a Delete sent later writes its tombstone.
    const put = table.put.bind(table);
    let raced = false;
    table.put = async (item: StateItem, expected: number | undefined) => {
      if (!raced) {
        raced = true;
        await put({ pk: item.pk, version: 2, body: JSON.stringify({ kind: 'deleted', sentAt: T0 + 120_000 }) }, 1);
      }
      return put(item, expected);
    };
    expect(await keepSuccessfulRun(table, RESOURCE, { data: DATA, sentAt: T0 + 60_000 })).toBe('superseded');
    expect(JSON.parse(table.items.get(resourceItemKey(RESOURCE))?.body ?? '{}')).toEqual({
      kind: 'deleted',
      sentAt: T0 + 120_000,
    });
  });

  it('gives up after five conflicts in a row, saying so', async () => {
    const table = new MemoryStateTable();
    let puts = 0;
    table.put = async () => {
      puts += 1;
      return 'conflict';
    };
    await expect(keepSuccessfulRun(table, RESOURCE, { data: DATA, sentAt: T0 })).rejects.toThrow(
      `The state table's item ${resourceItemKey(RESOURCE)} changed under 5 writes in a row`,
    );
    expect(puts).toBe(5);
  });

  it('writes again for the same request (a repeated delivery), Data or tombstone', async () => {
    const table = new MemoryStateTable();
    expect(await keepSuccessfulRun(table, RESOURCE, { data: DATA, sentAt: T0 })).toBe('kept');
    expect(await keepSuccessfulRun(table, RESOURCE, { data: DATA, sentAt: T0 })).toBe('kept');
    expect(await forgetResource(table, RESOURCE, { sentAt: T0 + 60_000, now: T0 + 60_000 })).toBe('kept');
    expect(await forgetResource(table, RESOURCE, { sentAt: T0 + 60_000, now: T0 + 120_000 })).toBe('kept');
    // The repeated Delete's tombstone stays its week from the last delivery.
    expect(table.items.get(resourceItemKey(RESOURCE))).toMatchObject({
      version: 4,
      expiresAt: (T0 + 120_000) / 1000 + TOMBSTONE_DAYS * 86_400,
    });
  });

  it('does not let a Delete sent before a later run’s request leave its tombstone over that run’s Data', async () => {
    const table = new MemoryStateTable();
    await keepSuccessfulRun(table, RESOURCE, { data: DATA, sentAt: T0 + 60_000 });
    expect(await forgetResource(table, RESOURCE, { sentAt: T0, now: T0 + 120_000 })).toBe('superseded');
    expect(await readResource(table, RESOURCE)).toMatchObject({
      version: 1,
      record: { kind: 'resource', data: DATA, sentAt: T0 + 60_000 },
    });
  });

  it.each([
    ['of another kind', { kind: 'other' }],
    ['of a resource without Data', { kind: 'resource', sentAt: T0 }],
    ['of a resource whose Data is null', { kind: 'resource', sentAt: T0, data: null }],
    ['of a resource without a time', { kind: 'resource', sentAt: '2026-12-07', data: DATA }],
    ['of a deletion without a time', { kind: 'deleted' }],
  ])('refuses an item it did not write rather than guessing: one %s', async (_what, body) => {
    const table = new MemoryStateTable();
    table.items.set(resourceItemKey(RESOURCE), {
      pk: resourceItemKey(RESOURCE),
      version: 1,
      body: JSON.stringify(body),
    });
    await expect(readResource(table, RESOURCE)).rejects.toThrow(
      `The state table's item ${resourceItemKey(RESOURCE)} is not a resource record the runner wrote`,
    );
  });
});
