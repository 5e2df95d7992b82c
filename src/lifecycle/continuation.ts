import type { Watch } from '../tasks/watch-tasks';
import type { RunRequest } from './contract';

/**
 * The event a runner invocation sends to a fresh invocation of the same function when its own time runs short:
 * the CloudFormation request it still owes an answer, and the tasks it is watching.
 */
export interface ContinuationEvent {
  ecsTaskRunnerContinuation: 1;
  request: RunRequest;
  watch: Watch;
  /** How many hand-offs came before this one. */
  handOffs: number;
}

export function isContinuationEvent(event: unknown): event is ContinuationEvent {
  if (typeof event !== 'object' || event === null) return false;
  const candidate = event as Partial<ContinuationEvent>;
  return candidate.ecsTaskRunnerContinuation === 1 && typeof candidate.request === 'object' && typeof candidate.watch === 'object';
}
