import type { Failure } from '@aws-sdk/client-ecs';
import type { DecidedTask } from './task-outcome';

/**
 * RunTask `failures[]` reasons that say "not now" rather than "never": no instance had the CPU, memory, ports,
 * ENIs or GPUs free (`RESOURCE:*`), the agent was disconnected (`AGENT`), Fargate had no capacity ("Capacity is
 * unavailable at this time"). `ATTRIBUTE` (no instance can ever run the task) and the others are not transient.
 */
const TRANSIENT_PLACEMENT = /^RESOURCE:|^AGENT$|Capacity is unavailable/i;

/** Every failure RunTask reported may pass with time: starting again can work. */
export function isTransientPlacementFailure(failures: readonly Failure[]): boolean {
  return (
    failures.length > 0 &&
    failures.every(
      (failure) => TRANSIENT_PLACEMENT.test(failure.reason ?? '') || TRANSIENT_PLACEMENT.test(failure.detail ?? ''),
    )
  );
}

/**
 * The task failed to start: ECS stopped it with `TaskFailedToStart` (CannotPullContainerError,
 * ResourceInitializationError, ...), or Spot reclaimed its capacity before any essential container ran. A task whose
 * essential container ran and exited — with any exit code — did start.
 */
export function failedToStart(task: DecidedTask): boolean {
  if (task.succeeded || task.unknownToEcs) return false;
  return task.stopCode === 'TaskFailedToStart' || (task.stopCode === 'SpotInterruption' && task.neverRan === true);
}
