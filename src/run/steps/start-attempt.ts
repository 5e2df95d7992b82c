import { briefPlacementFailure } from '../../diagnostics/attempts-reason';
import { describeAwsError } from '../../diagnostics/failure-reason';
import { judgePlacementFailures, judgeRunTaskRefusal } from '../../tasks/start-failure';
import { startTasks } from '../../tasks/start-tasks';
import { HAND_OFF_MARGIN_MS, MIN_INVOCATION_MS, timeBudget } from '../../runtime/time-budget';
import { clientToken, requestTag, resourceTag } from '../../shared/resource-identity';
import { stopTasks } from '../../tasks/stop-tasks';
import { stackName } from '../../shared/arns';
import { cancellationWords, cannotTellRollbacksLater, type UnreadableCause } from '../../answers/wording';
import { failureDiagnosis } from '../failure-diagnosis';
import { registerRun } from '../parking/parking';
import { moveTo, type Run, type Transition } from '../run-state';
import type { Step, StepContext } from '../run-steps';
import type { RunnerDeps } from '../contract';
import { goesAheadUnread, type StackStance, stackStillWaits } from '../checks/stack-status';
import { retryAfter, withAttempts, withNotRetried } from './start-retries';

/**
 * RunTask for the attempt the run is at, once its backoff has passed: then the run watches the tasks, starts again
 * after a backoff (a placement that may work later, StartRetries), or fails with the reason. A backoff longer than
 * this invocation can wait is handed to a fresh invocation. Right before RunTask, and right after it, a Create's or
 * Update's stack status is read again: when CloudFormation has moved on (a sibling failed and the stack rolls back,
 * the stack is being deleted), nothing starts, or what just started is stopped (stack-status.ts).
 */
export const startAttempt: Step<'starting'> = async (run, state, context) => {
  const { properties, deps, budget } = context;
  const { aws, clock, log } = deps;
  const { request, plan, progress } = run;
  const delay = state.notBefore - clock.now();
  if (delay > 0) {
    // A fresh invocation waits out the backoff when this one could not start and watch afterwards.
    if (budget.mustHandOff(delay, MIN_INVOCATION_MS)) return { kind: 'hand-off', run };
    await clock.sleep(delay);
  }
  const before = await stackStanceOf(context);
  if (before.kind === 'moved-on') return notStarted(run, before);
  if (
    before.kind === 'unreadable' &&
    !goesAheadUnread('before-run-task', request.RequestType, properties, before.cause, deps)
  )
    return unreadableAtCreate(run, before.cause);
  const start = await startTasks(
    {
      properties,
      taskDefinitionArn: plan.taskDefinitionArn,
      count: state.count,
      clientToken: clientToken(request, progress.attempt),
      startedBy: context.policy.startedBy,
      requestTag: requestTag(request),
      resourceTag: resourceTag(request),
      deadline: plan.deadline,
      stackId: request.StackId,
      retryUntil: budget.callUntil(HAND_OFF_MARGIN_MS),
    },
    { ecs: aws.ecs, clock, log },
  );
  if (start.kind === 'started') {
    const after = await stackStanceOf(context);
    if (after.kind === 'moved-on') return stopJustStarted(run, start.taskArns, after, deps);
    if (after.kind === 'unreadable')
      goesAheadUnread('after-run-task', request.RequestType, properties, after.cause, deps);
    const watching = { kind: 'watching' as const, taskArns: start.taskArns, startedAt: clock.now() };
    // Events on: the run and its tasks are in the state table before the first poll, so an early event finds them.
    if (context.parking) await registerRun({ ...run, state: watching }, context.parking, deps);
    return { kind: 'next', run: moveTo(run, watching) };
  }
  const verdict = start.kind === 'refused' ? judgeRunTaskRefusal(start.error) : judgePlacementFailures(start.failures);
  if (verdict.kind === 'passes-with-time') {
    const cause =
      start.kind === 'refused'
        ? describeAwsError('RunTask', start.error)
        : briefPlacementFailure(start.failures, state.count, start.startedCount);
    const retry = retryAfter(run, properties, cause, state.count, deps);
    if (retry) return { kind: 'next', run: retry };
  }
  const diagnosis = failureDiagnosis(deps, properties, plan);
  const reason =
    start.kind === 'refused'
      ? await diagnosis.runTaskRefusal(start.error)
      : await diagnosis.runTaskFailures(start.failures, start.startedCount, state.count);
  return {
    kind: 'answer',
    answer: {
      status: 'FAILED',
      reason: withAttempts(withNotRetried(reason, verdict, progress, properties), progress),
      cause: 'start-failed',
      tasks: { attempts: progress.attempt },
    },
  };
};

/** Where the run's stack is, when its phase reads it around RunTask (phase-policy.ts); otherwise it waits. */
function stackStanceOf({
  properties,
  policy,
  deps,
  budget,
}: StepContext): Promise<StackStance | { kind: 'unreadable'; cause: UnreadableCause }> {
  switch (policy.stackCheck.kind) {
    case 'around-run-task':
      return stackStillWaits(policy.stackCheck.request, properties, budget, deps);
    case 'none':
      return Promise.resolve({ kind: 'waits' });
  }
}

/** FAILED before RunTask: a Create with RunOnRollback false whose stack's status cannot be read (stack-status.ts). */
function unreadableAtCreate(run: Run, cause: UnreadableCause): Transition {
  const reason = cannotTellRollbacksLater(run.request.StackId, cause);
  return { kind: 'answer', answer: { status: 'FAILED', reason: withAttempts(reason, run.progress), cause: 'refused' } };
}

/** FAILED: the stack moved on before RunTask; nothing was started. */
function notStarted(run: Run, moved: MovedOn): Transition {
  const { request, progress } = run;
  const reason = cancellationWords.notStarted(stackOf(run), moved, request.RequestType);
  return { kind: 'answer', answer: { status: 'FAILED', reason: withAttempts(reason, progress), cause: 'cancelled' } };
}

/** FAILED: the stack moved on while RunTask was called; the tasks it started are stopped. */
async function stopJustStarted(
  run: Run,
  taskArns: readonly string[],
  moved: MovedOn,
  deps: RunnerDeps,
): Promise<Transition> {
  const { request, plan, progress } = run;
  deps.log.warn('The stack moved on while RunTask was called: stopping the tasks just started', {
    stackStatus: moved.status,
    taskArns,
  });
  await stopTasks(deps.aws.ecs, plan.cluster, taskArns, `ecs-task-runner: the stack is ${moved.status}`, deps.log, {
    clock: deps.clock,
    until: timeBudget(plan.deadline, deps).stopUntil(),
  });
  const reason = cancellationWords.stoppedJustStarted(stackOf(run), moved, request.RequestType, taskArns);
  return { kind: 'answer', answer: { status: 'FAILED', reason: withAttempts(reason, progress), cause: 'cancelled' } };
}

type MovedOn = Extract<StackStance, { kind: 'moved-on' }>;

function stackOf(run: Run): string {
  return stackName(run.request.StackId) ?? run.request.StackId;
}
