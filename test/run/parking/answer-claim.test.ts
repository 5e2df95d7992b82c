import { claimAnswer, markAnswered } from '../../../src/run/parking/answer-claim';
import { type RunItem, runItemKey } from '../../../src/run/parking/run-item';
import { TASK_ARN } from '../../support/aws-mocks';
import { MemoryStateTable } from '../../support/fakes';
import { fixtures } from '../../support/fixtures';
import { runIn } from '../../support/run-harness';

const NOW = Date.UTC(2026, 10, 25, 12, 30, 0);
const HELD_SINCE = Date.UTC(2026, 10, 25, 12, 0, 0);
const request = fixtures.create();
const RUN_KEY = runItemKey(request);
const BODY = JSON.stringify({ Status: 'SUCCESS', RequestId: request.RequestId });

let table = new MemoryStateTable();
beforeEach(() => (table = new MemoryStateTable()));

const run = runIn({ kind: 'watching', taskArns: [TASK_ARN], startedAt: HELD_SINCE }, HELD_SINCE);

function store(item: Omit<RunItem, 'kind'>): void {
  table.items.set(RUN_KEY, { pk: RUN_KEY, version: 3, body: JSON.stringify({ kind: 'run', ...item }) });
}

function stored(): { version: number | undefined; item: RunItem } {
  const item = table.items.get(RUN_KEY);
  return { version: item?.version, item: JSON.parse(item?.body ?? '{}') as RunItem };
}

const puts = () => table.calls.filter((call) => call.call === 'put').length;

describe("claiming a run's answer before its PUT", () => {
  it.each([
    { what: 'its own generation', held: 2 },
    { what: 'an earlier generation (a run never handed off since)', held: 1 },
  ])('is claimed, with the exact body, by the invocation of $what', async ({ held }) => {
    store({ generation: held, heldSince: HELD_SINCE, run, seen: { [TASK_ARN]: 4 } });
    expect(await claimAnswer(table, request, BODY, 2, NOW)).toEqual({ kind: 'claimed' });
    expect(stored()).toEqual({
      version: 4,
      item: {
        kind: 'run',
        generation: held,
        heldSince: HELD_SINCE,
        run,
        seen: { [TASK_ARN]: 4 },
        answer: { body: BODY, claimedAt: NOW },
      },
    });
  });

  it.each([
    {
      what: 'another invocation claimed it first: lost',
      item: { generation: 2, answer: { body: '{"Status":"FAILED"}', claimedAt: NOW - 5_000 } },
      claim: { kind: 'lost', claimedAt: NOW - 5_000 },
    },
    {
      what: 'a later generation holds the run: held elsewhere',
      item: { generation: 3, run },
      claim: { kind: 'held-elsewhere', generation: 3 },
    },
  ])('writes nothing when $what', async ({ item, claim }) => {
    store(item);
    expect(await claimAnswer(table, request, BODY, 2, NOW)).toEqual(claim);
    expect(puts()).toBe(0);
  });

  it('finds no item for a run that never registered, and writes none', async () => {
    expect(await claimAnswer(table, request, BODY, 1, NOW)).toEqual({ kind: 'no-item' });
    expect(puts()).toBe(0);
  });
});

describe('marking the claimed answer sent', () => {
  it('keeps only the generation and that it was answered: no run, no versions seen, no attributes', async () => {
    store({
      generation: 2,
      heldSince: HELD_SINCE,
      run,
      seen: { [TASK_ARN]: 4 },
      answer: { body: BODY, claimedAt: NOW },
    });
    await markAnswered(table, request, NOW + 1_000);
    expect(stored()).toEqual({
      version: 4,
      item: { kind: 'run', generation: 2, heldSince: HELD_SINCE, answered: true },
    });
  });

  it('writes nothing for a run answered already, nor for one with no item', async () => {
    store({ generation: 2, answered: true });
    await markAnswered(table, request, NOW);
    expect(stored().version).toBe(3);
    table.items.clear();
    await markAnswered(table, request, NOW);
    expect(table.items.size).toBe(0);
    expect(puts()).toBe(0);
  });
});
