import { createHash } from 'node:crypto';
import type { StateItem, StateTableApi } from '../aws/ports';
import { cloudFormationWait } from './deadline';

/**
 * A run's item in the state table (`STATE_TABLE_NAME`): which invocation holds the run. Every invocation of a run
 * has a *generation*: 1 for the invocation that planned it, and each hand-off is sent for the next one. An Invoke
 * that timed out may still have been queued by Lambda, so a hand-off sent again can start two invocations carrying
 * the same run and generation: each claims its generation here, with a write conditioned on the version it read,
 * before it does anything, and the one that finds its generation (or a later one) already claimed ends quietly.
 *
 * The invocation that planned the run writes nothing: the first receiver's claim creates the item (a claim succeeds
 * whenever the item holds an earlier generation, or none), so a run answered by the invocation that started it costs
 * no write. A claim that cannot be made (no table, or the table failing) never stops the run: it carries on as a
 * runner without a table does, where duplicate watchers give the same answer (hand-off.ts says why).
 *
 * The item's `version` grows with every write, and the body keeps whatever else a later runner wrote into it (a
 * parked run, for event-driven completion): a claim only sets the generation. Run items are transient: they expire
 * (TTL) a day after the request's ResponseURL does, when nobody can be answered any more.
 */
export interface RunItem {
  kind: 'run';
  /** The latest generation claimed: the invocation that holds the run. */
  generation: number;
}

/** What a claim came to. */
export type GenerationClaim =
  /** This invocation holds the run. */
  | { kind: 'claimed' }
  /** Another invocation already claimed this generation or a later one: this one is a duplicate, or stale. */
  | { kind: 'stale'; held: number }
  /** Nothing to claim in: the function has no state table. */
  | { kind: 'no-table' };

/** How long after the ResponseURL expires a run item is kept: TTL is housekeeping, never a timer. */
export const RUN_ITEM_KEEP_DAYS = 1;

/**
 * How long CloudFormation's presigned ResponseURL is valid when it says nothing (`X-Amz-Expires`, 7200 s in the URLs
 * CloudFormation sends): a run item outlives any answer that can still be given.
 */
const RESPONSE_URL_VALID_SECONDS = 7200;

/** Conditional writes lost to another writer before one gives up: each loss means someone else just wrote. */
const WRITE_ATTEMPTS = 5;

export interface RunKey {
  StackId: string;
  LogicalResourceId: string;
  RequestId: string;
}

/** The item's key: the request the run answers (one run per request: a Create, an Update or a Delete's teardown). */
export function runItemKey(request: RunKey): string {
  const digest = createHash('sha256')
    .update(`${request.StackId}\n${request.LogicalResourceId}\n${request.RequestId}`)
    .digest('hex');
  return `run#${digest}`;
}

/**
 * Claims `generation` of the run answering `request`: written only if the item holds an earlier generation (or there
 * is no item), conditioned on the version read, so two invocations of one generation cannot both win.
 */
export async function claimGeneration(
  table: StateTableApi | undefined,
  request: RunKey & { ResponseURL: string },
  generation: number,
  now: number,
): Promise<GenerationClaim> {
  if (!table) return { kind: 'no-table' };
  const pk = runItemKey(request);
  for (let attempt = 1; ; attempt++) {
    const current = await table.get(pk);
    const body = current ? bodyOf(current) : {};
    const held = current ? generationOf(current, body) : 0;
    if (held >= generation) return { kind: 'stale', held };
    const item: StateItem = {
      pk,
      version: (current?.version ?? 0) + 1,
      body: JSON.stringify({ ...body, kind: 'run', generation } satisfies RunItem),
      expiresAt: runItemExpiry(request.ResponseURL, now),
    };
    if ((await table.put(item, current?.version)) === 'written') return { kind: 'claimed' };
    if (attempt >= WRITE_ATTEMPTS)
      throw new Error(`The state table's item ${pk} changed under ${WRITE_ATTEMPTS} writes in a row`);
  }
}

/**
 * Epoch seconds (the table's TTL attribute): a day after the ResponseURL expires (its `X-Amz-Date` plus
 * `X-Amz-Expires`), or after `now` plus the URL's usual validity for a URL that does not say.
 */
export function runItemExpiry(responseUrl: string, now: number): number {
  const signedAt = cloudFormationWait(responseUrl)?.sentAt ?? now;
  const validSeconds = Number(safeSearchParam(responseUrl, 'X-Amz-Expires') ?? RESPONSE_URL_VALID_SECONDS);
  const valid = Number.isFinite(validSeconds) && validSeconds > 0 ? validSeconds : RESPONSE_URL_VALID_SECONDS;
  return Math.ceil(signedAt / 1000) + valid + RUN_ITEM_KEEP_DAYS * 24 * 3600;
}

function safeSearchParam(url: string, name: string): string | undefined {
  try {
    return new URL(url).searchParams.get(name) ?? undefined;
  } catch {
    return undefined;
  }
}

function bodyOf(item: StateItem): Record<string, unknown> {
  const parsed: unknown = JSON.parse(item.body);
  if (typeof parsed !== 'object' || parsed === null || (parsed as { kind?: unknown }).kind !== 'run')
    throw new Error(`The state table's item ${item.pk} is not a run item the runner wrote`);
  return parsed as Record<string, unknown>;
}

function generationOf(item: StateItem, body: Record<string, unknown>): number {
  const { generation } = body;
  if (typeof generation !== 'number' || !Number.isInteger(generation))
    throw new Error(`The state table's item ${item.pk} holds no generation`);
  return generation;
}
