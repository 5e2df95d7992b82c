import type {
  CloudFormationCustomResourceCreateEvent,
  CloudFormationCustomResourceDeleteEvent,
  CloudFormationCustomResourceUpdateEvent,
} from 'aws-lambda';
import { readFileSync } from 'node:fs';
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
};
