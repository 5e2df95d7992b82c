import { createHash } from 'node:crypto';
import type { StateItem, StateTableApi } from '../aws/ports';

/**
 * What the runner keeps of a resource between requests, in its state table (`STATE_TABLE_NAME`): whether a run of
 * it succeeded (its OnDelete teardown then has something to undo) and the Data of the last successful run's answer
 * (what an Update that runs nothing answers, since `Fn::GetAtt` reads the latest answer's Data). After its Delete
 * only a tombstone is left, without Data, which TTL removes later: it keeps a late invocation of an earlier request
 * (a hand-off, a duplicate delivery) from writing the record back.
 *
 * The item's `version` grows with every write, and a write is conditioned on the version read: two writers that
 * read the same version cannot both win, and the loser reads again and decides again. The same item shape will
 * carry parked runs (event-driven completion).
 */
export type ResourceRecord =
  | {
      kind: 'resource';
      /** A run of the resource (Create or Update) succeeded. */
      succeeded: true;
      /** The Data of the last successful run's answer. */
      data: Record<string, string>;
      /** When CloudFormation sent the request whose run succeeded last (epoch ms). */
      sentAt: number;
    }
  | {
      kind: 'deleted';
      /** When CloudFormation sent the Delete (epoch ms): a write for an earlier request is too late. */
      sentAt: number;
    };

/** What the table says of a resource: nothing (no table, or no item), or its record with the version read. */
export type KeptResource = { kind: 'nothing-kept' } | { kind: 'kept'; record: ResourceRecord; version: number };

/** How long the tombstone of a deleted resource stays: longer than any late invocation can arrive (an hour). */
export const TOMBSTONE_DAYS = 7;

/** Conditional writes lost to another writer before one gives up: each loss means someone else just wrote. */
const WRITE_ATTEMPTS = 5;

export interface ResourceKey {
  StackId: string;
  LogicalResourceId: string;
}

/** The item's key: the resource, as CloudFormation names it (a StackId holds the stack's unique ID). */
export function resourceItemKey(resource: ResourceKey): string {
  const digest = createHash('sha256').update(`${resource.StackId}\n${resource.LogicalResourceId}`).digest('hex');
  return `resource#${digest}`;
}

/** Reads what the table keeps of the resource. */
export async function readResource(table: StateTableApi | undefined, resource: ResourceKey): Promise<KeptResource> {
  if (!table) return { kind: 'nothing-kept' };
  const item = await table.get(resourceItemKey(resource));
  if (!item) return { kind: 'nothing-kept' };
  return { kind: 'kept', record: recordOf(item), version: item.version };
}

/**
 * Keeps a successful run's Data. Not written over a tombstone of a Delete sent after the run's request (a late
 * invocation of a deleted resource), nor over the Data of a run whose request was sent later. A Create of a resource
 * deleted earlier (the same logical ID added back) replaces its tombstone.
 */
export async function keepSuccessfulRun(
  table: StateTableApi,
  resource: ResourceKey,
  run: { data: Record<string, string>; sentAt: number },
): Promise<'kept' | 'superseded'> {
  const record: ResourceRecord = { kind: 'resource', succeeded: true, data: run.data, sentAt: run.sentAt };
  return writeUnless(table, resource, record, (current) => current.sentAt > run.sentAt);
}

/** Leaves the tombstone of a deleted resource: its Data is gone, and a late write for an earlier request is refused. */
export async function forgetResource(
  table: StateTableApi,
  resource: ResourceKey,
  deletion: { sentAt: number; now: number },
): Promise<'kept' | 'superseded'> {
  const record: ResourceRecord = { kind: 'deleted', sentAt: deletion.sentAt };
  const expiresAt = Math.ceil(deletion.now / 1000) + TOMBSTONE_DAYS * 24 * 3600;
  return writeUnless(table, resource, record, (current) => current.sentAt > deletion.sentAt, expiresAt);
}

async function writeUnless(
  table: StateTableApi,
  resource: ResourceKey,
  record: ResourceRecord,
  isNewer: (current: ResourceRecord) => boolean,
  expiresAt?: number,
): Promise<'kept' | 'superseded'> {
  const pk = resourceItemKey(resource);
  for (let attempt = 1; ; attempt++) {
    const current = await table.get(pk);
    const currentRecord = current && recordOf(current);
    if (currentRecord && isNewer(currentRecord)) return 'superseded';
    const item: StateItem = {
      pk,
      version: (current?.version ?? 0) + 1,
      body: JSON.stringify(record),
      ...(expiresAt === undefined ? {} : { expiresAt }),
    };
    if ((await table.put(item, current?.version)) === 'written') return 'kept';
    if (attempt >= WRITE_ATTEMPTS)
      throw new Error(`The state table's item ${pk} changed under ${WRITE_ATTEMPTS} writes in a row`);
  }
}

function recordOf(item: StateItem): ResourceRecord {
  const parsed = JSON.parse(item.body) as Record<string, unknown>;
  const { kind, sentAt, data } = parsed;
  if (kind === 'deleted' && typeof sentAt === 'number') return { kind: 'deleted', sentAt };
  if (kind === 'resource' && typeof sentAt === 'number' && typeof data === 'object' && data !== null)
    return { kind: 'resource', succeeded: true, data: stringRecord(data), sentAt };
  throw new Error(`The state table's item ${item.pk} is not a resource record the runner wrote`);
}

function stringRecord(value: object): Record<string, string> {
  return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, String(entry)]));
}
