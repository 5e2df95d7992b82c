import { describeAwsError, lateDeliveryAdvice } from '../diagnostics/failure-reason';
import { stackName, taskId } from '../shared/arns';
import { MIN_INVOCATION_MS } from '../runtime/time-budget';
import type { UnreadStatus } from '../tasks/call-backoff';

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

/** A deadline's Reason, with why the tasks' status (DescribeTasks) could not be read at the end, when it could not. */
export function withUnreadTaskStatus(reason: string, unread: UnreadStatus | undefined, now: number): string {
  if (!unread) return reason;
  return `${reason} ${statusUnread(now - unread.since, describeAwsError('DescribeTasks', unread.error))}`;
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

/** Why a run is not started: the properties do not fit the task definition (preflight.ts lists each problem). */
export function preflightRefused(problems: readonly string[]): string {
  return `Not started: ${problems.join('; ')}`;
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

/** `error` is why lambda:InvokeFunction failed. */
export function handOffFailed(error: unknown): string {
  const failure = describeAwsError('Handing off to a fresh invocation (lambda:InvokeFunction on this function)', error);
  return `${failure}${HAND_OFF_WAY_OUT}`;
}

const HAND_OFF_WAY_OUT =
  ' The tasks were stopped; grant the function lambda:InvokeFunction on itself, or give it a longer Timeout.';

/** `error` is why the last of `attempts` Invokes of the hand-off failed, each one worth another until time ran out. */
export function handOffRanOutOfTime(attempts: number, error: unknown): string {
  const failure = describeAwsError('Handing off to a fresh invocation (lambda:InvokeFunction on this function)', error);
  const said = failure.endsWith('.') ? failure : `${failure}.`;
  return `${said} It was sent ${attempts} time(s), until only the time to stop the tasks and answer was left.${HAND_OFF_WAY_OUT}`;
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
 * Why a Create or Update started no task, or stopped those it had just started: its stack moved on
 * (run/checks/stack-status.ts says why), so CloudFormation no longer waits for the answer.
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
  skippedAfterFailedCreate: (cleanup: string) =>
    `${cleanup} No teardown task: the resource's Create failed (its PhysicalResourceId says so), so nothing was created that needs tearing down.`,
  skippedAlreadyDeleted: (cleanup: string) =>
    `${cleanup} No teardown task: this Delete was already carried out (a repeated delivery), teardown included.`,
  tasksUnknown: (cleanup: string) =>
    `${/[.!?]$/.test(cleanup) ? cleanup : `${cleanup}.`} The OnDelete teardown was not started: ECS did not say in time whether the resource's tasks still run, and a teardown must not run beside them. Delete again once ECS answers, or retain the resource when deleting again to give up its teardown.`,
  notCarriedOn: (cleanup: string) =>
    `${cleanup} The teardown was not carried on: the Delete's properties have no OnDelete.`,
  succeeded: (cleanup: string, task: string) => `${cleanup} Teardown task ${task} succeeded.`,
  failed: (cleanup: string, reason: string | undefined) =>
    `${cleanup} Teardown failed: ${reason ?? "no reason was recorded; see the runner's log."}`,
};

/**
 * Why nothing runs for a request from a stack of an account the runner does not serve. `variable` is the environment
 * variable that lists the accounts served. The Reason goes to the requester: it names no other account.
 */
export function unservedAccount(
  requestType: 'Create' | 'Update' | 'Delete',
  account: string | undefined,
  variable: string,
): string {
  const whose = account ? `account ${account}` : 'an account the StackId does not show';
  const why =
    `this runner does not serve stacks of ${whose}. Its owner can add the account to the runner's ` +
    `${variable} (TopicAccountIds in the runner template), or deploy a runner in that account.`;
  return requestType === 'Delete' ? `Nothing was done: ${why}` : `Not started: ${why}`;
}

/**
 * The Reason of a request through the topic from an account of the runner's Organization that the runner could not
 * confirm with CloudFormation (no stack-status role there, or the role could not read the stack): any account of the
 * Organization may publish, so only CloudFormation's own word lets the runner act for that account's stack.
 */
export function unconfirmedOrganizationAccount(
  requestType: 'Create' | 'Update' | 'Delete',
  account: string,
  roleNameVariable: string,
  cause: UnreadableCause,
): string {
  const why =
    `this runner serves the accounts of its Organization only once CloudFormation confirms the request, and it ` +
    `could not read the stack in account ${account}: ${explain(cause).what}. Its owner can set StackStatusRoleName ` +
    `(${roleNameVariable}) in the runner template and deploy that role in every account (${ROLE_TEMPLATE} as a ` +
    'StackSet), allowed cloudformation:DescribeStackResource.';
  return requestType === 'Delete' ? `Nothing was done: ${why}` : `Not started: ${why}`;
}

/** What a stack status the request's stack moved on to means for it, by the status's kind (stack-status.ts). */
export const stackMovedOnWhy = {
  createRollback: 'a resource of the stack failed, and its creation is being rolled back',
  addingUpdateRollback: 'the update that added this resource failed, and is being rolled back',
  updateRollback: 'the update failed and is being rolled back, and RunOnRollback is false',
  importRollback: 'the stack is rolling back an import',
  deleting: 'the stack is being deleted',
  ended: 'the stack operation this request belonged to has ended',
} as const;

/**
 * Why a stack's status could not be read: the facts run/checks/stack-status.ts reports, declared beside the words that
 * explain each one.
 */
export type UnreadableCause =
  /** DescribeStacks sees only the caller's account, and no StackStatusRoleArn was given. */
  | { kind: 'other-account'; stackAccount: string; ownAccount: string | undefined }
  /** StackStatusRoleArn is a role of another account than the stack's: it cannot see the stack either. */
  | { kind: 'role-elsewhere'; roleArn: string; stackAccount: string | undefined }
  /** sts:AssumeRole of StackStatusRoleArn failed. */
  | { kind: 'role-refused'; roleArn: string; error: string }
  | { kind: 'denied'; roleArn: string | undefined; error: string }
  | { kind: 'not-found'; roleArn: string | undefined }
  /** Throttling or a transient error lasted until the time to read it ran out. */
  | { kind: 'gave-up'; error: string; attempts: number }
  | { kind: 'failed'; error: string };

/** The template users deploy in the stack's account to create a StackStatusRoleArn. */
const ROLE_TEMPLATE = 'infra/stack-status-role.yml';

/** The Reason of an Update that is not run because the runner cannot tell a forward update from a rollback. */
export function cannotTellUpdateRollback(stackId: string, cause: UnreadableCause): string {
  const { what, fix } = explain(cause);
  return (
    `Not started: RunOnRollback is false, so the runner must tell an update from the rollback of a failed one, ` +
    `and it could not read the status of stack ${stackName(stackId) ?? stackId}: ${what}. ${fix}` +
    'Or set RunOnRollback to true to run on every update, rollbacks included.'
  );
}

/**
 * Why a Create with RunOnRollback false starts nothing when its stack's status cannot be read: every later Update
 * would fail the same way, the rollback's too (UPDATE_ROLLBACK_FAILED).
 */
export function cannotTellRollbacksLater(stackId: string, cause: UnreadableCause): string {
  const { what, fix } = explain(cause);
  return (
    `Not started: RunOnRollback is false, so every update of this resource must tell an update from the rollback of ` +
    `a failed one, and the runner cannot read the status of stack ${stackName(stackId) ?? stackId}: ${what}. ${fix}` +
    'Or set RunOnRollback to true to run on every update, rollbacks included. (Created without it, the first ' +
    'update would fail, and so would its rollback, leaving the stack in UPDATE_ROLLBACK_FAILED.)'
  );
}

/** Why a Delete runs no teardown task: the runner cannot tell a deletion from a failed creation's rollback. */
export function cannotTellCreateRollback(stackId: string, cause: UnreadableCause): string {
  const { what, fix } = explain(cause);
  return (
    `No teardown task: the runner could not read the status of stack ${stackName(stackId) ?? stackId}, so it ` +
    `cannot tell a deletion from the rollback of a failed creation (which created nothing to tear down): ${what}. ${fix}`
  ).trim();
}

function explain(cause: UnreadableCause): { what: string; fix: string } {
  switch (cause.kind) {
    case 'other-account':
      return {
        what:
          `the stack is in account ${cause.stackAccount},` +
          ` and DescribeStacks sees only the runner's own account${cause.ownAccount ? ` ${cause.ownAccount}` : ''}`,
        fix:
          `Give StackStatusRoleArn: a role in account ${cause.stackAccount} that the runner's role may assume,` +
          ` allowed cloudformation:DescribeStacks (${ROLE_TEMPLATE} creates one). `,
      };
    case 'role-elsewhere':
      return {
        what:
          `StackStatusRoleArn ${cause.roleArn} is not a role of the stack's account` +
          `${cause.stackAccount ? ` ${cause.stackAccount}` : ''}, so it cannot see the stack either`,
        fix: `Give a role of the stack's account (${ROLE_TEMPLATE} creates one). `,
      };
    case 'role-refused':
      return {
        what: `the runner could not assume StackStatusRoleArn ${cause.roleArn} (sts:AssumeRole): ${cause.error}`,
        fix: "The role must trust the runner's role, and the runner's role must be allowed sts:AssumeRole on it (StackStatusRoleArns in the runner template). ",
      };
    case 'denied':
      return {
        what: `DescribeStacks was denied: ${cause.error}`,
        fix: cause.roleArn
          ? `Allow StackStatusRoleArn ${cause.roleArn} cloudformation:DescribeStacks on the stack. `
          : "Allow the runner's role cloudformation:DescribeStacks on the stack (StackArns in the runner template). ",
      };
    case 'not-found':
      return {
        what: `DescribeStacks does not know the stack${cause.roleArn ? ` as ${cause.roleArn} sees it` : ''}`,
        fix: "The runner reads stacks in its own region, and in another account only through a role of the stack's account. ",
      };
    case 'gave-up':
      return {
        what: `DescribeStacks kept failing (${cause.attempts} attempts, the last: ${cause.error})`,
        fix: 'Try again when CloudFormation answers. ',
      };
    case 'failed':
      return { what: `DescribeStacks failed: ${cause.error}`, fix: '' };
  }
}

/**
 * A woken run whose task ECS no longer reports: stopped tasks stay visible for about an hour, so the task ended long
 * ago, or never was the runner's. Nobody can tell how it ended.
 */
export function parkedTaskUnknown(taskIds: readonly string[]): string {
  return (
    `The outcome of task ${taskIds.join(', ')} is unknown: ECS no longer reported the task when the parked run was` +
    ' woken (a stopped task stays visible for about an hour after it stops, and no event of its stop was confirmed' +
    ' in time). It was stopped (StopTask, best effort) in case it still runs, and the run fails.'
  );
}
