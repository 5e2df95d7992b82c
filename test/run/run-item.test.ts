import { claimGeneration, RUN_ITEM_KEEP_DAYS, runItemExpiry, runItemKey } from '../../src/run/run-item';
import { MemoryStateTable } from '../support/fakes';
import { fixtures } from '../support/fixtures';

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
    expect(JSON.parse(item?.body ?? '{}')).toEqual({ kind: 'run', generation: 3 });
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
    expect(JSON.parse(table.items.get(pk)?.body ?? '{}')).toEqual({ kind: 'run', generation: 2, parked: { x: 1 } });
    expect(table.items.get(pk)?.version).toBe(5);
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
});
