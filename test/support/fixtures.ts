import type {
  CloudFormationCustomResourceCreateEvent,
  CloudFormationCustomResourceDeleteEvent,
  CloudFormationCustomResourceUpdateEvent,
} from 'aws-lambda';
import { readFileSync } from 'node:fs';
import type { ContinuationEvent } from '../../src/lifecycle/continuation';
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
  /** What an invocation hands to a fresh one: the Create request it still owes an answer, and the watch. */
  continuation: () => load<ContinuationEvent>('continuation.json'),
};
