import type { CloudFormationCustomResourceDeleteEvent } from 'aws-lambda';
import type { DecidedTask } from '../tasks/task-outcome';
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
export type Purpose =
  | { request: RunRequest; phase?: RunPhase }
  | { request: CloudFormationCustomResourceDeleteEvent; phase: TeardownPhase };

/** What comes before the watch, while no task is watched yet (`watch.taskArns` is empty). */
export type NextStep =
  /** Tasks of an earlier run (IfRunning), or the resource's tasks stopped before a teardown, must stop first. */
  | { step: 'wait-for-earlier-run'; taskArns: string[] }
  /** Start `count` tasks (attempt `RunProgress.attempt`), not before `notBefore` (epoch ms; the retry backoff). */
  | { step: 'start'; count: number; notBefore: number };

/** How far the run has come: everything a policy needs across invocations. */
export interface RunProgress {
  /** The attempt being made: 1 for the first start, one more for each StartRetries retry. */
  attempt: number;
  /** Why each earlier attempt failed to start, oldest first: the final Reason lists them. */
  startFailures: string[];
  /** Tasks of earlier attempts that succeeded: with Count above 1, only the tasks that failed to start are retried. */
  succeeded: DecidedTask[];
  /** The task definition's ARN with its revision: every attempt runs the same one. */
  taskDefinitionArn: string;
  /** Set while no task is watched yet. */
  next?: NextStep;
}

export function isTeardown(purpose: Purpose): purpose is Extract<Purpose, { phase: TeardownPhase }> {
  return purpose.phase?.kind === 'teardown';
}

/**
 * The event a runner invocation sends to a fresh invocation of the same function when its own time runs short:
 * the CloudFormation request it still owes an answer, what the tasks are for, and the tasks it is watching.
 */
export type ContinuationEvent = Purpose & {
  ecsTaskRunnerContinuation: 1;
  watch: Watch;
  /** How many hand-offs came before this one. */
  handOffs: number;
  /** Absent in events from runner versions before run policies: one attempt, already started. */
  progress?: RunProgress;
};

export function isContinuationEvent(event: unknown): event is ContinuationEvent {
  if (typeof event !== 'object' || event === null) return false;
  const candidate = event as Partial<ContinuationEvent>;
  return (
    candidate.ecsTaskRunnerContinuation === 1 &&
    typeof candidate.request === 'object' &&
    typeof candidate.watch === 'object'
  );
}
