import type { CloudFormationCustomResourceDeleteEvent } from 'aws-lambda';
import type { Watch } from '../tasks/watch-tasks';
import type { RunRequest } from './contract';

/** Create or Update: the watched tasks are the resource's run. */
export interface RunPhase {
  kind: 'run';
}

/** Delete: the watched task is the OnDelete teardown. */
export interface TeardownPhase {
  kind: 'teardown';
  /** What became of the resource's own running tasks before the teardown started, for the Delete's Reason. */
  cleanup: string;
}

/**
 * What the watched tasks are for. It travels with every hand-off, so that the invocation that finishes the request
 * answers it as the first one would have. A run's phase is absent in events from runner versions before phases.
 */
export type Purpose = { request: RunRequest; phase?: RunPhase } | { request: CloudFormationCustomResourceDeleteEvent; phase: TeardownPhase };

/**
 * The event a runner invocation sends to a fresh invocation of the same function when its own time runs short:
 * the CloudFormation request it still owes an answer, what the tasks are for, and the tasks it is watching.
 */
export type ContinuationEvent = Purpose & {
  ecsTaskRunnerContinuation: 1;
  watch: Watch;
  /** How many hand-offs came before this one. */
  handOffs: number;
};

export function isContinuationEvent(event: unknown): event is ContinuationEvent {
  if (typeof event !== 'object' || event === null) return false;
  const candidate = event as Partial<ContinuationEvent>;
  return candidate.ecsTaskRunnerContinuation === 1 && typeof candidate.request === 'object' && typeof candidate.watch === 'object';
}
