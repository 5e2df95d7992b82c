import type {
  CloudFormationCustomResourceCreateEvent,
  CloudFormationCustomResourceDeleteEvent,
  CloudFormationCustomResourceUpdateEvent,
} from 'aws-lambda';
import { readFileSync } from 'node:fs';
import type { ContinuationEventV1 } from '../../src/run/hand-off/continuation';
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
  /**
   * The ECS Developer Guide's example "ECS Task State Change" event, as documented (a Fargate task RUNNING, detail
   * version 4): https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_task_events.html
   */
  ecsTaskRunning: () => load('ecs-task-state-change-running.json') as Record<string, unknown>,
  /**
   * The same task's next event after its essential container exited with 0: desiredStatus STOPPED (what the runner
   * template's rule matches), lastStatus DEACTIVATING, version 5, stopCode EssentialContainerExited.
   */
  ecsTaskStopping: () => load('ecs-task-state-change-stopping.json') as Record<string, unknown>,
};

/** `event` with `properties` set over its fixture's ones (give scalars as strings, as CloudFormation sends them). */
export function withProperties<E extends { ResourceProperties: object }>(
  event: E,
  properties: Record<string, unknown>,
): E {
  Object.assign(event.ResourceProperties, properties);
  return event;
}
