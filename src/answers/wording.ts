import { lateDeliveryAdvice } from '../diagnostics/failure-reason';
import { taskId } from '../shared/arns';
import { MIN_INVOCATION_MS } from '../runtime/time-budget';

/**
 * The Reasons a run, a teardown or a Delete answers with, when they are about the request rather than about why a
 * task failed (that is diagnostics/). Every sentence a stack event shows for these cases is written here.
 */

/** A task named with its last status: `0a1b… (RUNNING)`. */
interface NamedTask {
  taskArn: string;
  lastStatus: string;
}

function named(tasks: readonly NamedTask[]): string {
  return tasks.map((task) => `${taskId(task.taskArn)} (${task.lastStatus})`).join(', ');
}

/** `it` or `them`. */
function them(count: number): string {
  return count === 1 ? 'it' : 'them';
}

/** The deadline passed while every poll of the tasks' status failed (throttled, or a transient error). */
export function statusUnread(forMs: number, failure: string): string {
  const said = failure.endsWith('.') ? failure : `${failure}.`;
  return `Their status could not be read for the last ${Math.round(forMs / 1000)} s before the deadline: ${said}`;
}

/** The request reached the runner after CloudFormation's wait for it (less the margin to answer) had passed. */
export function requestTooLate(wait: { sentAt: number; answerBy: number; waitSeconds: number }, now: number): string {
  return (
    `Not started: CloudFormation sent this request at ${new Date(wait.sentAt).toISOString()} (the ResponseURL's` +
    ` X-Amz-Date) and waits ${wait.waitSeconds} s for its answer (ServiceTimeout); it reached the runner` +
    ` ${Math.round((now - wait.sentAt) / 1000)} s later, too late to run a task (an SNS delay, or Lambda's` +
    ' asynchronous retries of a failed invocation). Run the stack operation again.'
  );
}

export function tooLittleInvocationTime(remainingMs: number): string {
  return (
    `Not started: the runner function has only ${Math.round(remainingMs / 1000)} s left in this invocation;` +
    ` it needs a Lambda Timeout of at least ${Math.ceil(MIN_INVOCATION_MS / 1000) + 5} s (900 s recommended)` +
    " to watch tasks and hand off to a fresh invocation safely. Raise the function's Timeout."
  );
}

export function chainTooLong(invocationMs: number, timeoutMs: number, needed: number): string {
  const seconds = Math.round(invocationMs / 1000);
  return (
    `Not started: with a function Timeout of about ${seconds} s, watching for up to ${Math.round(timeoutMs / 1000)} s` +
    ` would take ${needed} invocations in one chain, ` +
    `and Lambda's recursive loop detection stops such a chain after about 16. Raise the runner function's Timeout (900 s needs at most 5), ` +
    'or set RecursiveLoop: Allow on the function and grant it lambda:GetFunctionRecursionConfig on itself.'
  );
}

export function earlierRunStillRuns(tasks: readonly NamedTask[]): string {
  const one = tasks.length === 1;
  return (
    `Not started: IfRunning is Fail, and ${tasks.length} task${one ? '' : 's'} of an earlier run of this resource` +
    ` still run${one ? 's' : ''}: ${named(tasks)}.` +
    ` Let ${them(tasks.length)} finish or stop ${them(tasks.length)}, or set IfRunning to Wait or Stop.`
  );
}

/**
 * The deadline passed while tasks that had to end first (an earlier run, or those a Delete stopped) still ran.
 * `ifRunning` is absent for a teardown.
 */
export function earlierRunTimeout(
  timeoutSeconds: number,
  running: readonly NamedTask[],
  waitedFor: { teardown: true } | { teardown: false; ifRunning: string },
  late?: { lateSeconds: number; waitSeconds: number },
): string {
  const what = waitedFor.teardown
    ? "the resource's stopped tasks to end before the teardown"
    : `an earlier run of this resource to end (IfRunning ${waitedFor.ifRunning})`;
  return (
    `Timed out after ${timeoutSeconds} s waiting for ${what}: ${named(running)} still run${running.length === 1 ? 's' : ''};` +
    (late
      ? ` nothing was started. ${lateDeliveryAdvice(late, timeoutSeconds)}`
      : ` nothing was started. Stop ${them(running.length)}, or raise Timeout (and ServiceTimeout).`)
  );
}

export function recursionStoppedHandOff(handOffs: number): string {
  return (
    "Lambda's recursive loop detection stopped the hand-off to a fresh invocation after" +
    ` ${handOffs} hand-off(s) (RecursiveInvocationException); the tasks were stopped.` +
    ' Set RecursiveLoop: Allow on the runner function (AWS::Lambda::Function property RecursiveLoop),' +
    ' or raise its Timeout so that fewer hand-offs are needed.'
  );
}

/** `failure` is the failed call, as diagnostics describe it. */
export function handOffFailed(failure: string): string {
  return `${failure} The tasks were stopped; grant the function lambda:InvokeFunction on itself, or give it a longer Timeout.`;
}

/** `failure` is the failed call, as diagnostics describe it. */
export function watchFailed(failure: string): string {
  return `${failure} The tasks were stopped.`;
}

function tasksSucceeded(count: number): string {
  return `The task${count === 1 ? '' : 's'} succeeded, but`;
}

/** `failure` is the failed GetLogEvents call, as diagnostics describe it. */
export function outputsUnreadable(taskCount: number, failure: string): string {
  return `${tasksSucceeded(taskCount)} the Outputs could not be read: ${failure}`;
}

export function outputsTooLarge(
  taskCount: number,
  sizes: readonly { name: string; bytes: number }[],
  maxBytes: number,
) {
  const listed = sizes.map(({ name, bytes }) => `${name} (${bytes} bytes)`).join(', ');
  return (
    `${tasksSucceeded(taskCount)} the printed value of Outputs ${listed} does not fit CloudFormation's ${maxBytes}-byte response` +
    ' — print a shorter value (an ID, a version), and keep larger results elsewhere (SSM Parameter Store, S3).'
  );
}

export function outputNamesTooLong(names: number, bytesOver: number, taskCount: number, maxBytes: number): string {
  return (
    `Not started: Outputs: the ${names} declared names do not fit CloudFormation's ${maxBytes}-byte` +
    ` response even with empty values (${bytesOver} bytes over, with ${taskCount} task ARN${taskCount === 1 ? '' : 's'})` +
    ' — declare fewer or shorter names, or lower Count.'
  );
}

export const RUN_ON_UPDATE_FALSE = 'RunOnUpdate is false: no task was run for this update.';

export const RERUN_ON_NOTHING_CHANGED =
  'RerunOn is TaskChange and this update changes nothing that decides what runs ' +
  '(task definition, overrides, network, launch settings, count, Triggers): no task was run.';

export const ROLLBACK_NOT_RUN = 'The stack is rolling back an update and RunOnRollback is false: no task was run.';

/** The Reason of an answer for an error nothing else explained; a Delete never fails (see delete-resource.ts). */
export function unexplainedError(requestType: 'Create' | 'Update' | 'Delete', explanation: string): string {
  return requestType === 'Delete' ? `Deleted; cleaning up failed: ${explanation}` : explanation;
}

export const INVALID_PROPERTIES_ON_DELETE =
  "Nothing to clean up: the resource's properties were invalid, so it never started a task.";

/** What became of the resource's tasks on Delete. */
export const cleanupWords = {
  notStopped: 'StopOnDelete is false: tasks still running were left alone.',
  stopped: (taskArns: readonly string[], alreadyStopping: readonly string[]) =>
    taskArns.length + alreadyStopping.length === 0
      ? 'No task of this resource was running.'
      : [
          ...(taskArns.length > 0
            ? [`Stopped ${taskArns.length} task(s) still running: ${taskArns.map(taskId).join(', ')}.`]
            : []),
          ...(alreadyStopping.length > 0
            ? [`${alreadyStopping.length} task(s) already stopping: ${alreadyStopping.map(taskId).join(', ')}.`]
            : []),
        ].join(' '),
  noCluster: (cluster: string) => `Cluster ${cluster} no longer exists: nothing to stop.`,
  /** Tasks only a second listing named (ListTasks is eventually consistent right after RunTask). */
  foundLate: (taskArns: readonly string[], afterSeconds: number) =>
    `${taskArns.length === 1 ? 'Task' : 'Tasks'} ${taskArns.map(taskId).join(', ')} had just started: ECS listed` +
    ` ${taskArns.length === 1 ? 'it' : 'them'} only on a second look, ${afterSeconds} s after the Delete was sent.`,
  /** `failure` is the failed call, as diagnostics describe it. */
  failed: (failure: string) => `Deleted without stopping tasks: ${failure}`,
};

/**
 * Why a Create or Update started no task, or stopped those it had just started: its stack moved on (stack-moved-on.ts
 * says why), so CloudFormation no longer waits for the answer.
 */
export const cancellationWords = {
  notStarted: (stack: string, moved: { status: string; why: string }, requestType: string) =>
    `Not started: stack ${stack} is ${moved.status} (${moved.why}), so CloudFormation no longer waits for this` +
    ` ${requestType}.`,
  stoppedJustStarted: (
    stack: string,
    moved: { status: string; why: string },
    requestType: string,
    taskArns: readonly string[],
  ) =>
    `Stopped ${taskArns.length} task(s) just started (${taskArns.map(taskId).join(', ')}): stack ${stack} became` +
    ` ${moved.status} while RunTask was called (${moved.why}), so CloudFormation no longer waits for this ${requestType}.`,
};

/** What the OnDelete teardown came to, after `cleanup` (what became of the resource's tasks). */
export const teardownWords = {
  skippedOnCreateRollback: (cleanup: string) =>
    `${cleanup} No teardown task: the stack is rolling back its creation, so nothing was created that needs tearing down.`,
  notCarriedOn: (cleanup: string) =>
    `${cleanup} The teardown was not carried on: the Delete's properties have no OnDelete.`,
  succeeded: (cleanup: string, task: string) => `${cleanup} Teardown task ${task} succeeded.`,
  failed: (cleanup: string, reason: string | undefined) =>
    `${cleanup} Teardown failed: ${reason ?? "no reason was recorded; see the runner's log."}`,
};
