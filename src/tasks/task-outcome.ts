import type { Container, Task } from '@aws-sdk/client-ecs';

/** One essential container that did not exit 0. */
export interface ContainerFailure {
  name: string;
  /** Absent when the container never ran (image pull failure, killed before start, ...). */
  exitCode?: number;
  /** ECS's `containers[].reason`, e.g. `CannotPullContainerError: ...` or `OutOfMemoryError: ...`. */
  reason?: string;
  /** The task did not report this container at all. */
  notReported?: true;
}

/**
 * What a decided task came to:
 * - `succeeded`: every essential container exited 0, and ECS stopped the task because they exited;
 * - `failed`: an essential container exited with another code, never ran, or was not reported;
 * - `stopped-from-outside`: something other than its essential containers' exit stopped it (Spot, StopTask, a
 *   draining instance), whatever their exit codes;
 * - `unknown-to-ecs`: ECS never reported the task within the grace period after RunTask; `ecsSaid` is what it said
 *   instead (`MISSING`, or a DescribeTasks failure's reason and detail).
 */
export type Verdict =
  | { verdict: 'succeeded' }
  | { verdict: 'failed' }
  | { verdict: 'stopped-from-outside' }
  | { verdict: 'unknown-to-ecs'; ecsSaid: string };

/** A task whose outcome is known: every essential container has stopped, or the task itself has. */
export type DecidedTask = TaskFacts & Verdict;

/** What ECS reported of a decided task. */
export interface TaskFacts {
  taskArn: string;
  lastStatus: string;
  /** The essential containers that did not exit 0. */
  failures: ContainerFailure[];
  /** No essential container reported an exit code: none of them ran (or ECS does not know). */
  neverRan?: true;
  /** The first essential container's exit code, for `Fn::GetAtt ... ExitCode`. */
  exitCode?: number;
  stopCode?: string;
  stoppedReason?: string;
  /** When the task's containers stopped (epoch ms): ECS's `executionStoppedAt`, else `stoppingAt` or `stoppedAt`. */
  exitedAt?: number;
}

export interface PendingTask {
  taskArn: string;
  lastStatus: string;
}

/** A task judged from one DescribeTasks answer: decided, or still pending. */
export type TaskOutcome = ({ kind: 'decided' } & DecidedTask) | ({ kind: 'pending' } & PendingTask);

export function hasSucceeded(task: DecidedTask): boolean {
  return task.verdict === 'succeeded';
}

/**
 * The only stop code under which a task ended on its own: its essential container exited. Every other code means
 * the task was stopped from outside (Spot reclaimed the capacity, someone called StopTask, the instance was
 * drained, ECS replaced unhealthy infrastructure) or never started — and a container that handles SIGTERM may
 * exit 0 although it was cut short. Amazon ECS Developer Guide, "Amazon ECS stopped task error codes";
 * `Task.stopCode` in the ECS API reference.
 */
export const COMPLETED_STOP_CODE = 'EssentialContainerExited';

/**
 * Judges one task as DescribeTasks reported it. The outcome is known as soon as every essential container reports
 * STOPPED and ECS has said why the task stops (`stopCode`) — there is no need to wait for the task's ENI to be
 * detached and deleted (DEACTIVATING → DEPROVISIONING can take minutes) — or when the task itself is STOPPED,
 * whichever comes first. A task stopped with any stop code but EssentialContainerExited fails, whatever its
 * containers' exit codes. A STOPPED task without a stop code (older agents; moto) is judged by exit codes alone.
 */
export function judgeTask(task: Task, essentialContainers: readonly string[]): TaskOutcome {
  const taskArn = task.taskArn ?? 'unknown task';
  const lastStatus = task.lastStatus ?? 'UNKNOWN';
  const containers = task.containers ?? [];
  const judged =
    essentialContainers.length > 0
      ? essentialContainers
      : containers.flatMap((container) => (container.name ? [container.name] : []));
  const byName = new Map(containers.map((container) => [container.name, container] as const));
  const taskStopped = lastStatus === 'STOPPED';
  const containersStopped = judged.length > 0 && judged.every((name) => byName.get(name)?.lastStatus === 'STOPPED');
  if (!taskStopped && !(containersStopped && task.stopCode)) return { kind: 'pending', taskArn, lastStatus };

  const failures = judged.flatMap((name) => containerFailure(name, byName.get(name)));
  const failedToStart = task.stopCode === 'TaskFailedToStart';
  if (failedToStart && failures.length === 0)
    failures.push(...judged.map((name) => ({ name, reason: byName.get(name)?.reason })).map(withoutUndefined));
  const stoppedFromOutside = task.stopCode !== undefined && task.stopCode !== COMPLETED_STOP_CODE && !failedToStart;
  const first = judged[0] === undefined ? undefined : byName.get(judged[0]);
  const verdict: Verdict = stoppedFromOutside
    ? { verdict: 'stopped-from-outside' }
    : { verdict: failures.length === 0 && judged.length > 0 ? 'succeeded' : 'failed' };
  return {
    kind: 'decided',
    taskArn,
    lastStatus,
    ...verdict,
    failures,
    ...(judged.every((name) => byName.get(name)?.exitCode == null) ? { neverRan: true as const } : {}),
    ...(first?.exitCode != null ? { exitCode: first.exitCode } : {}),
    ...(task.stopCode ? { stopCode: task.stopCode } : {}),
    ...(task.stoppedReason ? { stoppedReason: task.stoppedReason } : {}),
    ...exitTime(task),
  };
}

function exitTime(task: Task): { exitedAt?: number } {
  const at = task.executionStoppedAt ?? task.stoppingAt ?? task.stoppedAt;
  return at ? { exitedAt: at.getTime() } : {};
}

function containerFailure(name: string, container: Container | undefined): ContainerFailure[] {
  if (!container) return [{ name, notReported: true }];
  if (container.exitCode === 0) return [];
  return [withoutUndefined({ name, exitCode: container.exitCode ?? undefined, reason: container.reason })];
}

function withoutUndefined(failure: {
  name: string;
  exitCode?: number | undefined;
  reason?: string | undefined;
}): ContainerFailure {
  return {
    name: failure.name,
    ...(failure.exitCode !== undefined ? { exitCode: failure.exitCode } : {}),
    ...(failure.reason ? { reason: failure.reason } : {}),
  };
}
