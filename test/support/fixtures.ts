import type {
  CloudFormationCustomResourceCreateEvent,
  CloudFormationCustomResourceDeleteEvent,
  CloudFormationCustomResourceUpdateEvent,
} from 'aws-lambda';
import { readFileSync } from 'node:fs';
import type { ContinuationEventV1 } from '../../src/run/continuation';
import path from 'node:path';

function load<T>(name: string): T {
  return JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', name), 'utf8')) as T;
}

/** A fresh copy of each fixture, so a test may change it freely. */
export const fixtures = {
  create: () => load<CloudFormationCustomResourceCreateEvent>('create.json'),
  update: () => load<CloudFormationCustomResourceUpdateEvent>('update.json'),
  updateRollback: () => load<CloudFormationCustomResourceUpdateEvent>('update-rollback.json'),
  delete: () => load<CloudFormationCustomResourceDeleteEvent>('delete.json'),
  /**
   * What an invocation of an earlier runner version (hand-off payload version 1, before run policies) hands to a
   * fresh one: the Create request it still owes an answer, and the watch. Converted on entry.
   */
  continuation: () => load<ContinuationEventV1>('continuation.json'),
};

/** `event` with `properties` set over its fixture's ones (give scalars as strings, as CloudFormation sends them). */
export function withProperties<E extends { ResourceProperties: object }>(
  event: E,
  properties: Record<string, unknown>,
): E {
  Object.assign(event.ResourceProperties, properties);
  return event;
}
