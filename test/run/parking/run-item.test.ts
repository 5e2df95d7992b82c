import {
  claimGeneration,
  HOLDER_GONE_AFTER_MS,
  responseUrlExpiry,
  RUN_ITEM_KEEP_DAYS,
  type RunItem,
  runItemExpiry,
  runItemKey,
  runItemOf,
  updateRunItem,
} from '../../../src/run/parking/run-item';
import { MemoryStateTable } from '../../support/fakes';
import { fixtures } from '../../support/fixtures';

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);

describe('the run item', () => {
  it('is keyed by the request: another request of the same resource has another item', () => {
    const create = fixtures.create();
    const update = fixtures.update();
    expect(runItemKey(create)).toMatch(/^run#[0-9a-f]{64}$/);
    expect(runItemKey(create)).toBe(runItemKey({ ...fixtures.create() }));
    expect(runItemKey(update)).not.toBe(runItemKey(create));
  });

  it('claims a generation once: the second claim of it, or of an earlier one, is stale', async () => {
    const table = new MemoryStateTable();
    const request = fixtures.create();
    expect(await claimGeneration(table, request, 2, NOW)).toEqual({ kind: 'claimed', version: 1 });
    expect(await claimGeneration(table, request, 2, NOW)).toEqual({ kind: 'stale', held: 2 });
    expect(await claimGeneration(table, request, 1, NOW)).toEqual({ kind: 'stale', held: 2 });
    expect(await claimGeneration(table, request, 3, NOW)).toEqual({ kind: 'claimed', version: 2 });
    const item = table.items.get(runItemKey(request));
    expect(item?.version).toBe(2);
    expect(JSON.parse(item?.body ?? '{}')).toEqual({ kind: 'run', generation: 3, heldSince: NOW });
    expect(table.calls.filter((call) => call.call === 'put').map((call) => call.expectedVersion)).toEqual([
      undefined,
      1,
    ]);
  });

  it('of two invocations claiming the same generation at once, lets one win; the other reads again and is stale', async () => {
    const table = new MemoryStateTable();
    const request = fixtures.create();
    const { get } = table;
    // Both read before either writes.
    let reads = 0;
    let release: () => void = () => undefined;
    const bothRead = new Promise<void>((resolve) => (release = resolve));
    table.get = async (pk) => {
      const item = await get(pk);
      if (++reads === 2) release();
      if (reads <= 2) await bothRead;
      return item;
    };
    const claims = await Promise.all([
      claimGeneration(table, request, 2, NOW),
      claimGeneration(table, request, 2, NOW),
    ]);
    expect(claims).toContainEqual({ kind: 'claimed', version: 1 });
    expect(claims).toContainEqual({ kind: 'stale', held: 2 });
  });

  it('keeps what else a later runner wrote into the body (a parked run)', async () => {
    const table = new MemoryStateTable();
    const request = fixtures.create();
    const pk = runItemKey(request);
    table.items.set(pk, { pk, version: 4, body: JSON.stringify({ kind: 'run', generation: 1, parked: { x: 1 } }) });
    expect(await claimGeneration(table, request, 2, NOW)).toEqual({ kind: 'claimed', version: 5 });
    expect(JSON.parse(table.items.get(pk)?.body ?? '{}')).toEqual({
      kind: 'run',
      generation: 2,
      parked: { x: 1 },
      heldSince: NOW,
    });
    expect(table.items.get(pk)?.version).toBe(5);
  });

  it('records when the generation that holds the run was claimed, and keeps it through the holder’s other writes', async () => {
    const table = new MemoryStateTable();
    const request = fixtures.create();
    const pk = runItemKey(request);
    const bodyAt = () => JSON.parse(table.items.get(pk)?.body ?? '{}') as RunItem;
    await claimGeneration(table, request, 2, NOW);
    expect(bodyAt().heldSince).toBe(NOW);
    // A write that keeps the generation (a park, an event recorded, the answer's claim) is no claim.
    await updateRunItem(table, request, NOW + 60_000, (current) => ({
      write: { ...(current ?? { kind: 'run', generation: 0 }), seen: { task: 3 } },
      result: () => undefined,
    }));
    expect(bodyAt()).toMatchObject({ generation: 2, heldSince: NOW, seen: { task: 3 } });
    // Not even one that tries to move it: only the generation says who holds the run.
    await updateRunItem(table, request, NOW + 90_000, (current) => ({
      write: { ...(current ?? { kind: 'run', generation: 0 }), heldSince: NOW + 90_000 },
      result: () => undefined,
    }));
    expect(bodyAt().heldSince).toBe(NOW);
    await claimGeneration(table, request, 3, NOW + 120_000);
    expect(bodyAt()).toMatchObject({ generation: 3, heldSince: NOW + 120_000 });
  });

  it('is not claimed over an item the runner did not write as a run item', async () => {
    const table = new MemoryStateTable();
    const request = fixtures.create();
    const pk = runItemKey(request);
    table.items.set(pk, { pk, version: 1, body: '{"kind":"resource"}' });
    await expect(claimGeneration(table, request, 2, NOW)).rejects.toThrow('is not a run item');
  });

  it('is claimed in nothing without a table', async () => {
    expect(await claimGeneration(undefined, fixtures.create(), 2, NOW)).toEqual({ kind: 'no-table' });
  });

  it('expires a day after the ResponseURL does, never before', () => {
    const day = RUN_ITEM_KEEP_DAYS * 24 * 3600;
    const url =
      'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x?X-Amz-Date=20261125T120000Z&X-Amz-Expires=7200';
    expect(runItemExpiry(url, NOW + 3_600_000)).toBe(NOW / 1000 + 7200 + day);
    // A URL that does not say: from now, with the 2 hours CloudFormation's URLs are valid.
    expect(runItemExpiry('http://localhost:4567/answer', NOW)).toBe(NOW / 1000 + 7200 + day);
  });

  it('gives up, saying so, when another writer wins WRITE_ATTEMPTS (8) writes in a row', async () => {
    const table = new MemoryStateTable();
    const request = fixtures.create();
    table.put = async () => 'conflict';
    await expect(claimGeneration(table, request, 2, NOW)).rejects.toThrow(
      `The state table's item ${runItemKey(request)} changed under 8 writes in a row`,
    );
    expect(table.calls.filter((call) => call.call === 'get')).toHaveLength(8);
  });

  it('writes after a lost write, deciding again on the item read again', async () => {
    const table = new MemoryStateTable();
    const request = fixtures.create();
    const { put } = table;
    let lost = 0;
    table.put = async (item, expected) => {
      if (lost++ < 7) return 'conflict';
      return put(item, expected);
    };
    expect(await claimGeneration(table, request, 2, NOW)).toEqual({ kind: 'claimed', version: 1 });
  });

  it('stamps no claim time on a write of the same generation into an item written before it was recorded', async () => {
    const table = new MemoryStateTable();
    const request = fixtures.create();
    const pk = runItemKey(request);
    table.items.set(pk, { pk, version: 2, body: JSON.stringify({ kind: 'run', generation: 2 }) });
    await updateRunItem(table, request, NOW, (current) => ({
      write: { ...(current ?? { kind: 'run', generation: 0 }), seen: { task: 4 } },
      result: () => undefined,
    }));
    expect(JSON.parse(table.items.get(pk)?.body ?? '{}')).toEqual({ kind: 'run', generation: 2, seen: { task: 4 } });
  });

  it.each([
    { what: 'no JSON object', body: '3' },
    { what: 'null', body: 'null' },
    { what: 'another kind', body: '{"kind":"task","generation":1}' },
  ])('is refused when the stored body is $what', ({ body }) => {
    expect(() => runItemOf({ pk: 'run#x', version: 1, body })).toThrow(
      "The state table's item run#x is not a run item the runner wrote",
    );
  });

  it.each([
    { what: 'no generation', body: '{"kind":"run"}' },
    { what: 'a generation that is no whole number', body: '{"kind":"run","generation":1.5}' },
  ])('is refused when the stored run item holds $what', ({ body }) => {
    expect(() => runItemOf({ pk: 'run#x', version: 1, body })).toThrow(
      "The state table's item run#x holds no generation",
    );
  });

  it('judges a holder gone only after the longest Lambda invocation (900 s) and a minute', () => {
    expect(HOLDER_GONE_AFTER_MS).toBe(960_000);
  });

  it.each([
    { what: 'the X-Amz-Expires it says', expires: '&X-Amz-Expires=900', valid: 900 },
    { what: 'two hours when it says none', expires: '', valid: 7200 },
    { what: 'two hours when it says no number', expires: '&X-Amz-Expires=soon', valid: 7200 },
    { what: 'two hours when it says 0', expires: '&X-Amz-Expires=0', valid: 7200 },
    { what: 'two hours when it says less than 0', expires: '&X-Amz-Expires=-60', valid: 7200 },
  ])('takes a ResponseURL to expire after $what, from its X-Amz-Date', ({ expires, valid }) => {
    const url = `https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x?X-Amz-Date=20261125T120000Z${expires}`;
    expect(responseUrlExpiry(url, NOW + 3_600_000)).toBe(NOW + valid * 1000);
  });

  it('takes a ResponseURL that is no URL to expire two hours from now', () => {
    expect(responseUrlExpiry('not a url', NOW)).toBe(NOW + 7200 * 1000);
  });
});
