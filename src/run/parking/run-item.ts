import { createHash } from 'node:crypto';
import type { StateItem, StateTableApi } from '../../aws/ports';
import { cloudFormationWait } from '../deadline';
import type { Run } from '../run-state';

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
  /** The latest generation claimed: the invocation that holds the run (a wake is an invocation of the run too). */
  generation: number;
  /**
   * Epoch ms when `generation` was claimed (stamped by every write that moves it: updateRunItem). The invocation that
   * holds the run was running by then, so Lambda has ended it HOLDER_GONE_AFTER_MS later at the latest: a run still
   * `watching` after that, with no answer claimed, has lost its holder (a timeout, a crash, out of memory) and the
   * sweep takes it over (sweep-parked-runs.ts). Absent in items written before it was recorded.
   */
  heldSince?: number;
  /**
   * With events on (parking.ts): the run as last written — after RunTask, while an invocation watches it, and its
   * `parked` state while none does. Absent for a polling run.
   */
  run?: Run;
  /** The highest `detail.version` confirmed for each task (by ARN): an event not above it is stale (event-news.ts). */
  seen?: Record<string, number>;
  /** The answer claimed before its PUT (answer-claim.ts): exactly this body goes to the ResponseURL, once. */
  answer?: { body: string; claimedAt: number };
  /** The claimed answer's PUT succeeded. */
  answered?: boolean;
}

/** What a claim came to. */
export type GenerationClaim =
  /** This invocation holds the run; `version`: the run item's version it wrote. */
  | { kind: 'claimed'; version: number }
  /** Another invocation already claimed this generation or a later one: this one is a duplicate, or stale. */
  | { kind: 'stale'; held: number }
  /** Nothing to claim in: the function has no state table. */
  | { kind: 'no-table' };

/**
 * How long after its claim (`heldSince`) a generation's invocation may still be running: Lambda ends every invocation
 * by the function's timeout, at most 900 seconds (AWS Lambda Developer Guide, "Configure Lambda function timeout"),
 * and the claim is made inside that invocation. (A function on Lambda Managed Instances may run an asynchronous
 * invocation for up to 5,400 seconds, the same page says: the runner's templates deploy none.) The minute on top
 * covers the clocks of two invocations (the holder's, which stamped the claim, and the sweep's) and the claim's own
 * write. A run still held by a generation claimed longer ago than this has no live holder: nothing is left that
 * could park it or answer it.
 */
export const HOLDER_GONE_AFTER_MS = (900 + 60) * 1000;

/** How long after the ResponseURL expires a run item is kept: TTL is housekeeping, never a timer. */
export const RUN_ITEM_KEEP_DAYS = 1;

/**
 * How long CloudFormation's presigned ResponseURL is valid when it says nothing (`X-Amz-Expires`, 7200 s in the URLs
 * CloudFormation sends): a run item outlives any answer that can still be given.
 */
const RESPONSE_URL_VALID_SECONDS = 7200;

/**
 * Conditional writes lost to another writer before one gives up: each loss means someone else just wrote (a
 * handful of events per run at most, so more losses in a row mean something is wrong).
 */
const WRITE_ATTEMPTS = 8;

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
  return updateRunItem(table, request, now, (current) => {
    const held = current?.generation ?? 0;
    if (held >= generation) return { result: { kind: 'stale', held } };
    return {
      write: { ...current, kind: 'run', generation },
      result: (version: number): GenerationClaim => ({ kind: 'claimed', version }),
    };
  });
}

/**
 * What a change of the run item decides from the item as read (undefined: there is none): nothing to write, with
 * its result, or the body to write and the result given the version written.
 */
export type RunItemChange<T> = { result: T } | { write: RunItem; result: (version: number) => T };

/**
 * Reads the run item of `request`, lets `decide` choose, and writes what it chose conditioned on the version read;
 * when another writer got there first, reads again and decides again. Every write of a run item goes through here.
 */
export async function updateRunItem<T>(
  table: StateTableApi,
  request: RunKey & { ResponseURL: string },
  now: number,
  decide: (current: RunItem | undefined, version: number | undefined) => RunItemChange<T>,
): Promise<T> {
  const pk = runItemKey(request);
  for (let attempt = 1; ; attempt++) {
    const current = await table.get(pk);
    const read = current ? runItemOf(current) : undefined;
    const change = decide(read, current?.version);
    if (!('write' in change)) return change.result;
    const version = (current?.version ?? 0) + 1;
    const item: StateItem = {
      pk,
      version,
      body: JSON.stringify(withHolderSince(change.write, read, now)),
      expiresAt: runItemExpiry(request.ResponseURL, now),
    };
    if ((await table.put(item, current?.version)) === 'written') return change.result(version);
    if (attempt >= WRITE_ATTEMPTS)
      throw new Error(`The state table's item ${pk} changed under ${WRITE_ATTEMPTS} writes in a row`);
  }
}

/**
 * `write` with `heldSince` stamped `now` when it claims a generation (the item is new, or the generation moves), and
 * otherwise the claim's time kept: only a claim says when the invocation that holds the run began to hold it.
 */
function withHolderSince(write: RunItem, current: RunItem | undefined, now: number): RunItem {
  if (current?.generation === write.generation && current.heldSince !== undefined)
    return { ...write, heldSince: current.heldSince };
  if (current?.generation === write.generation) return write;
  return { ...write, heldSince: now };
}

/** The run item a stored item holds: thrown when it is not one the runner wrote. */
export function runItemOf(item: StateItem): RunItem {
  const body = bodyOf(item);
  return { ...body, kind: 'run', generation: generationOf(item, body) };
}

/**
 * Epoch seconds (the table's TTL attribute): a day after the ResponseURL expires (its `X-Amz-Date` plus
 * `X-Amz-Expires`), or after `now` plus the URL's usual validity for a URL that does not say.
 */
export function runItemExpiry(responseUrl: string, now: number): number {
  return Math.ceil(responseUrlExpiry(responseUrl, now) / 1000) + RUN_ITEM_KEEP_DAYS * 24 * 3600;
}

/**
 * Epoch ms when the presigned ResponseURL stops taking an answer: its `X-Amz-Date` plus `X-Amz-Expires` (after
 * `now` plus the URL's usual validity for a URL that does not say).
 */
export function responseUrlExpiry(responseUrl: string, now: number): number {
  const signedAt = cloudFormationWait(responseUrl)?.sentAt ?? now;
  const validSeconds = Number(safeSearchParam(responseUrl, 'X-Amz-Expires') ?? RESPONSE_URL_VALID_SECONDS);
  const valid = Number.isFinite(validSeconds) && validSeconds > 0 ? validSeconds : RESPONSE_URL_VALID_SECONDS;
  return signedAt + valid * 1000;
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
