import { lateDeliveryOfRun } from '../deadline';
import { briefStartFailure } from '../../diagnostics/attempts-reason';
import { describeAwsError } from '../../diagnostics/failure-reason';
import { failureDiagnosis, type FailureDiagnosis } from '../failure-diagnosis';
import { failedToStart, judgeFailedStarts } from '../../tasks/start-failure';
import { stopTasks } from '../../tasks/stop-tasks';
import { type DecidedTask, hasSucceeded, type PendingTask } from '../../tasks/task-outcome';
import type { UnreadStatus } from '../../tasks/call-backoff';
import { PARK_AFTER_MS } from '../parking/parking';
import { quietWatch } from './quiet-watch';
import { watchTasks } from '../../tasks/watch-tasks';
import { moveTo, type Run, type Transition, watchOf } from '../run-state';
import type { Step, StepContext } from '../run-steps';
import { watchFailed, withUnreadTaskStatus } from '../../answers/wording';
import { retryAfter, withAttempts, withNotRetried } from './start-retries';
import { taskData } from '../../answers/task-attributes';
import type { AnsweredTasks } from '../../response/answer';

/**
 * Polls the tasks until each one's outcome is known, then judges the run; hands the watch off when this invocation's
 * time runs short; stops the tasks and fails when the deadline passes or the tasks cannot be watched.
 */
export const watchAttempt: Step<'watching'> = async (run, state, context) => {
  const { properties, deps, takenOver, parking } = context;
  const { aws, clock, invocation, log } = deps;
  const watch = watchOf(run.plan, state);
  const diagnosis = failureDiagnosis(deps, properties, run.plan);
  let result;
  try {
    result = await watchTasks(
      watch,
      {
        ecs: aws.ecs,
        clock,
        invocation,
        log,
        onSlowStart: async () =>
          log.warn('A task is still waiting to start', { explanation: await diagnosis.slowStart() }),
        // Events on and the run registered: the watch asks ECS only when an event was recorded (or seldom, for a lost
        // one), lets the tasks go after PARK_AFTER_MS, and the run parks.
        ...(parking?.itemVersion === undefined
          ? {}
          : {
              letGoAt: clock.now() + PARK_AFTER_MS,
              gate: quietWatch(run.request, parking, deps, takenOver),
            }),
      },
      takenOver,
    );
  } catch (error) {
    await stopTasks(aws.ecs, watch.cluster, watch.taskArns, 'ecs-task-runner: could not watch the task', log);
    return {
      kind: 'answer',
      answer: { status: 'FAILED', reason: watchFailed(describeAwsError('DescribeTasks', error)), cause: 'error' },
    };
  }
  switch (result.kind) {
    case 'decided':
      return judgeRun(run, result.tasks, diagnosis, context, watch.startedAt);
    case 'deadline':
      return timedOut(run, state.startedAt, result.pending, result.unread, diagnosis, context);
    case 'hand-off':
      // A registered run parks instead of handing the watch off: no chain of invocations while events are on.
      if (parking?.itemVersion !== undefined)
        return {
          kind: 'park',
          run: moveTo(run, {
            kind: 'parked',
            taskArns: state.taskArns,
            startedAt: state.startedAt,
            parkedAt: clock.now(),
          }),
        };
      return { kind: 'hand-off', run };
  }
};

/** The deadline passed with tasks still `pending`: they are stopped and the run fails, saying why. */
export async function timedOut(
  run: Run,
  startedAt: number,
  pending: PendingTask[],
  unread: UnreadStatus | undefined,
  diagnosis: FailureDiagnosis,
  { properties, deps, budget }: StepContext,
): Promise<Transition> {
  const { aws, clock, log } = deps;
  const arns = pending.map((task) => task.taskArn);
  // Asked again through throttling: a task that outlives its FAILED answer runs on with nobody watching.
  await stopTasks(aws.ecs, run.plan.cluster, arns, 'ecs-task-runner: Timeout reached', log, {
    clock,
    until: budget.stopUntil(),
  });
  const late = lateDeliveryOfRun(run.request, run.plan, properties.serviceTimeoutSeconds);
  const explained = await diagnosis.timeout(pending, run.plan.timeoutSeconds, late);
  const reason = withUnreadTaskStatus(explained, unread, clock.now());
  return {
    kind: 'answer',
    answer: {
      status: 'FAILED',
      reason: withAttempts(reason, run.progress),
      cause: 'timed-out',
      tasks: answeredTasks(run, startedAt, []),
    },
  };
}

/**
 * Every task of this attempt is decided: the run succeeds when they all did (with the earlier attempts' successes;
 * it reads their Outputs first, when some are declared), starts the failed ones again when none of them started
 * (StartRetries), or fails.
 */
export async function judgeRun(
  run: Run,
  decided: readonly DecidedTask[],
  diagnosis: FailureDiagnosis,
  { properties, deps }: StepContext,
  startedAt: number,
): Promise<Transition> {
  const { aws, log } = deps;
  const unknown = decided.filter((task) => task.verdict === 'unknown-to-ecs').map((task) => task.taskArn);
  // A task ECS never reported may still start later: stop it rather than let it run unwatched.
  if (unknown.length > 0)
    await stopTasks(
      aws.ecs,
      run.plan.cluster,
      unknown,
      'ecs-task-runner: ECS did not report the task after RunTask',
      log,
    );
  const { progress } = run;
  const tasks = [...progress.succeeded, ...decided];
  const attempts = progress.attempt;
  if (tasks.every(hasSucceeded)) {
    // A teardown's properties declare no Outputs (phase-policy.ts).
    const answered = answeredTasks(run, startedAt, decided);
    if (properties.outputs)
      return {
        kind: 'next',
        run: moveTo(run, { kind: 'reading-outputs', tasks, stoppedAt: deps.clock.now(), answered }),
      };
    return {
      kind: 'answer',
      answer: { status: 'SUCCESS', data: taskData(tasks, { attempts }), tasks: answered },
    };
  }
  const failed = decided.filter((task) => !hasSucceeded(task));
  const startVerdict = failed.every(failedToStart) ? judgeFailedStarts(failed) : undefined;
  if (startVerdict?.kind === 'passes-with-time') {
    const kept: Run = { ...run, progress: { ...progress, succeeded: tasks.filter(hasSucceeded) } };
    const retry = retryAfter(kept, properties, briefStartFailure(failed), failed.length, deps);
    if (retry) return { kind: 'next', run: retry };
  }
  return {
    kind: 'answer',
    answer: {
      status: 'FAILED',
      reason: withAttempts(
        withNotRetried(await diagnosis.failedTasks(decided), startVerdict, progress, properties),
        progress,
      ),
      data: taskData(tasks, { attempts }),
      cause: startVerdict ? 'start-failed' : 'task-failed',
      tasks: answeredTasks(run, startedAt, decided),
    },
  };
}

/** For the metrics: when the attempt's tasks started, when the last of them exited, and the attempts. */
function answeredTasks(run: Run, startedAt: number, decided: readonly DecidedTask[]): AnsweredTasks {
  const exits = decided.flatMap((task) => (task.exitedAt === undefined ? [] : [task.exitedAt]));
  return {
    startedAt,
    ...(exits.length > 0 ? { exitedAt: Math.max(...exits) } : {}),
    attempts: run.progress.attempt,
  };
}
