import type { Failure } from '@aws-sdk/client-ecs';
import { errorName, errorSummary, httpStatus, isPermissionDenied, isUnreadableAnswer } from '../aws/aws-errors';
import { taskId } from '../shared/arns';
import { type DecidedTask, hasSucceeded, type PendingTask } from '../tasks/task-outcome';
import { MISSING_GRACE_MS } from '../tasks/watch-tasks';
import { PERMISSION_HINT, withHintList, withHints } from './failure-hints';

/** What a stop code other than EssentialContainerExited tells the user, and what to do about it. */
const STOPPED_FROM_OUTSIDE: Record<string, string> = {
  SpotInterruption:
    'Spot capacity was reclaimed — run the migration on on-demand capacity (LaunchType FARGATE, or a capacity provider that is not Spot)',
  UserInitiated: 'someone or something called StopTask on it',
  ServiceSchedulerInitiated:
    'the ECS service scheduler stopped it — do not give the task a Group or StartedBy of a service',
  TerminationNotice: 'its host was being retired or its instance drained',
  InfrastructureHealth: 'ECS stopped it because the infrastructure under it was unhealthy',
};

/** "Task 1a2b… failed: container "migrate" exited with code 1 (stopCode …: "…")." for every failed task. */
export function describeFailedTasks(tasks: readonly DecidedTask[]): string {
  const failed = tasks.filter((task) => !hasSucceeded(task));
  const lines = failed.map(describeFailedTask);
  const summary = tasks.length > 1 ? `${failed.length} of ${tasks.length} tasks failed. ` : '';
  return withHints(summary + lines.join(' '));
}

function describeFailedTask(task: DecidedTask): string {
  const stop =
    task.stopCode || task.stoppedReason
      ? ` (${[task.stopCode, task.stoppedReason && JSON.stringify(task.stoppedReason)].filter(Boolean).join(': ')})`
      : '';
  if (task.verdict === 'stopped-from-outside') {
    const meaning = STOPPED_FROM_OUTSIDE[task.stopCode ?? ''] ?? 'it was stopped from outside';
    const exits =
      task.failures.length > 0
        ? ` ${task.failures.map(describeContainerFailure).join(', ')}.`
        : task.exitCode === undefined
          ? ''
          : ` Its essential container exited with code ${task.exitCode}.`;
    return (
      `Task ${taskId(task.taskArn)} was stopped before it finished${stop}: ${meaning}.` +
      ` A container that handles SIGTERM may exit 0 although it was cut short, so this run does not count.${exits}`
    );
  }
  if (task.verdict === 'unknown-to-ecs') {
    return (
      `Task ${taskId(task.taskArn)} failed: ECS still did not know the task` +
      ` ${Math.round(MISSING_GRACE_MS / 60_000)} minutes after RunTask (${task.ecsSaid});` +
      ' it was stopped (StopTask, best effort) so that it cannot run unwatched.'
    );
  }
  const containers = task.failures.map(describeContainerFailure).join(', ');
  return `Task ${taskId(task.taskArn)} failed: ${containers || 'no essential container reported an exit code'}${stop}.`;
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
  const details = failures
    .map((failure) => [failure.reason, failure.detail, failure.arn && `(${failure.arn})`].filter(Boolean).join(' '))
    .join('; ');
  const count = `RunTask started ${started} of ${wanted} task${wanted === 1 ? '' : 's'}`;
  const stopped = started > 0 ? ' and the started ones were stopped' : '';
  return withHints(`${count}${stopped}: ${details || 'ECS gave no reason'}.`);
}

/**
 * The deadline passed with tasks still running: they were stopped. `late`: the request reached the runner late, so
 * the deadline was what was left of CloudFormation's wait, and a longer Timeout would not have helped.
 */
export function describeTimeout(
  pending: readonly PendingTask[],
  timeoutSeconds: number,
  late?: { lateSeconds: number; waitSeconds: number },
): string {
  const tasks = pending.map((task) => `${taskId(task.taskArn)} (${task.lastStatus})`).join(', ');
  const one = pending.length === 1;
  return (
    `Timed out after ${timeoutSeconds} s waiting for task${one ? '' : 's'} ${tasks}; stopped ${one ? 'it' : 'them'}.` +
    (late
      ? ` ${lateDeliveryAdvice(late, timeoutSeconds)}`
      : ' Raise Timeout (and ServiceTimeout) if the task needs longer, or find out why it did not finish.')
  );
}

/** Why a late request had less time than its Timeout, and what to do. */
export function lateDeliveryAdvice(late: { lateSeconds: number; waitSeconds: number }, timeoutSeconds: number): string {
  return (
    `The request reached the runner ${late.lateSeconds} s after CloudFormation sent it (an SNS delay, or Lambda's` +
    ` asynchronous retries), so only ${timeoutSeconds} s of CloudFormation's ${late.waitSeconds} s wait were left:` +
    ' run the stack operation again.'
  );
}

/**
 * An AWS call failed: which call, the error's name and message, with a hint where one applies — on one line, and
 * without the SDK's internals (its deserialization notes, `$response`, a parser's complaint about an HTML page).
 */
export function describeAwsError(action: string, error: unknown): string {
  const status = httpStatus(error);
  if (isUnreadableAnswer(error)) {
    return (
      `${action} failed: AWS answered${status === undefined ? '' : ` HTTP ${status}`} with a body that is not the API's` +
      ' (an error page from a proxy or load balancer?); it was retried while time allowed — try again later.'
    );
  }
  const message = errorSummary(error);
  const statusNote = status !== undefined && status >= 500 ? ` (HTTP ${status})` : '';
  return withHintList(
    `${action} failed: ${errorName(error)}${message ? `: ${message}` : ''}${statusNote}`,
    isPermissionDenied(error) ? [PERMISSION_HINT] : [],
  );
}

/**
 * An error the runner did not expect, on one line: an AWS answer that is not the API's is said so (no parser
 * complaint about an HTML page), anything else keeps its name and message.
 */
export function describeUnexpectedError(error: unknown): string {
  if (isUnreadableAnswer(error)) return describeAwsError('An AWS call', error);
  if (!(error instanceof Error)) return errorSummary(error);
  const summary = errorSummary(error);
  return summary ? `${errorName(error)}: ${summary}` : errorName(error);
}
