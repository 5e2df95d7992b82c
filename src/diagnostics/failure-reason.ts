import type { Failure } from '@aws-sdk/client-ecs';
import { errorMessage, errorName } from '../aws/aws-errors';
import { taskId } from '../shared/arns';
import type { DecidedTask, PendingTask } from '../tasks/task-outcome';
import { withHints } from './failure-hints';

/** "Task 1a2b… failed: container "migrate" exited with code 1 (stopCode …: "…")." for every failed task. */
export function describeFailedTasks(tasks: readonly DecidedTask[]): string {
  const failed = tasks.filter((task) => !task.succeeded);
  const lines = failed.map((task) => {
    const containers = task.problem ?? task.failures.map(describeContainerFailure).join(', ');
    const stop = task.stopCode || task.stoppedReason ? ` (${[task.stopCode, task.stoppedReason && JSON.stringify(task.stoppedReason)].filter(Boolean).join(': ')})` : '';
    return `Task ${taskId(task.taskArn)} failed: ${containers || 'no essential container reported an exit code'}${stop}.`;
  });
  const summary = tasks.length > 1 ? `${failed.length} of ${tasks.length} tasks failed. ` : '';
  return withHints(summary + lines.join(' '));
}

function describeContainerFailure(failure: DecidedTask['failures'][number]): string {
  const name = `container ${JSON.stringify(failure.name)}`;
  if (failure.notReported) return `${name} was not reported by ECS`;
  const reason = failure.reason ? ` (${failure.reason})` : '';
  if (failure.exitCode === undefined) return `${name} never ran${reason}`;
  return `${name} exited with code ${failure.exitCode}${reason}`;
}

/** Why RunTask started fewer tasks than asked, from its `failures[]`. */
export function describeRunTaskFailures(failures: readonly Failure[], started: number, wanted: number): string {
  const details = failures.map((failure) => [failure.reason, failure.detail, failure.arn && `(${failure.arn})`].filter(Boolean).join(' ')).join('; ');
  const count = `RunTask started ${started} of ${wanted} task${wanted === 1 ? '' : 's'}`;
  const stopped = started > 0 ? ' and the started ones were stopped' : '';
  return withHints(`${count}${stopped}: ${details || 'ECS gave no reason'}.`);
}

/** The deadline passed with tasks still running: they were stopped. */
export function describeTimeout(pending: readonly PendingTask[], timeoutSeconds: number): string {
  const tasks = pending.map((task) => `${taskId(task.taskArn)} (${task.lastStatus})`).join(', ');
  return `Timed out after ${timeoutSeconds} s waiting for task${pending.length === 1 ? '' : 's'} ${tasks}; stopped ${pending.length === 1 ? 'it' : 'them'}. Raise Timeout (and ServiceTimeout) if the task needs longer, or find out why it did not finish.`;
}

/** An AWS call failed: the error's name and message, with a hint where one applies. */
export function describeAwsError(action: string, error: unknown): string {
  const name = errorName(error);
  const message = errorMessage(error);
  return withHints(`${action} failed: ${name}: ${message}`);
}
