import type {
  CloudFormationCustomResourceCreateEvent,
  CloudFormationCustomResourceDeleteEvent,
  CloudFormationCustomResourceUpdateEvent,
} from 'aws-lambda';
import { readFileSync } from 'node:fs';
import type { ContinuationEventV1 } from '../../src/run/continuation';
import path from 'node:path';

function load(name: string): unknown {
  return JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', name), 'utf8'));
}

/** A fresh copy of each fixture, so a test may change it freely. */
export const fixtures = {
  create: () => load('create.json') as CloudFormationCustomResourceCreateEvent,
  update: () => load('update.json') as CloudFormationCustomResourceUpdateEvent,
  updateRollback: () => load('update-rollback.json') as CloudFormationCustomResourceUpdateEvent,
  delete: () => load('delete.json') as CloudFormationCustomResourceDeleteEvent,
  /**
   * What an invocation of an earlier runner version (hand-off payload version 1, before run policies) hands to a
   * fresh one: the Create request it still owes an answer, and the watch. Converted on entry.
   */
  continuation: () => load('continuation.json') as ContinuationEventV1,
};

/** `event` with `properties` set over its fixture's ones (give scalars as strings, as CloudFormation sends them). */
export function withProperties<E extends { ResourceProperties: object }>(
  event: E,
  properties: Record<string, unknown>,
): E {
  Object.assign(event.ResourceProperties, properties);
  return event;
}
