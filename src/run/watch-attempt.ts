import { lateDeliveryOfRun } from './deadline';
import { briefStartFailure } from '../diagnostics/attempts-reason';
import {
  diagnosisContext,
  type DiagnosisContext,
  explainFailedTasks,
  explainSlowStart,
  explainTimeout,
} from '../diagnostics/explain-failure';
import { describeAwsError } from '../diagnostics/failure-reason';
import { failedToStart, judgeFailedStarts } from '../tasks/start-failure';
import { stopTasks } from '../tasks/stop-tasks';
import { type DecidedTask, hasSucceeded } from '../tasks/task-outcome';
import { watchTasks } from '../tasks/watch-tasks';
import { moveTo, type Run, type Transition, watchOf } from './run-state';
import type { Step, StepContext } from './run-steps';
import { watchFailed, withUnreadTaskStatus } from '../answers/wording';
import { retryAfter, withAttempts, withNotRetried } from './start-retries';
import { taskData } from '../answers/task-attributes';
import type { AnsweredTasks } from '../response/answer';

/**
 * Polls the tasks until each one's outcome is known, then judges the run; hands the watch off when this invocation's
 * time runs short; stops the tasks and fails when the deadline passes or the tasks cannot be watched.
 */
export const watchAttempt: Step<'watching'> = async (run, state, context) => {
  const { properties, deps, takenOver, budget } = context;
  const { aws, clock, invocation, log } = deps;
  const watch = watchOf(run.plan, state);
  const diagnosis = diagnosisContext(deps, properties, run.plan);
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
          log.warn('A task is still waiting to start', { explanation: await explainSlowStart(diagnosis) }),
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
    case 'deadline': {
      const pending = result.pending.map((task) => task.taskArn);
      // Asked again through throttling: a task that outlives its FAILED answer runs on with nobody watching.
      await stopTasks(aws.ecs, watch.cluster, pending, 'ecs-task-runner: Timeout reached', log, {
        clock,
        until: budget.stopUntil(),
      });
      const late = lateDeliveryOfRun(run.request, run.plan, properties.serviceTimeoutSeconds);
      const timedOut = await explainTimeout(result.pending, watch.timeoutSeconds, diagnosis, late);
      const reason = withUnreadTaskStatus(timedOut, result.unread, clock.now());
      return {
        kind: 'answer',
        answer: {
          status: 'FAILED',
          reason: withAttempts(reason, run.progress),
          cause: 'timed-out',
          tasks: answeredTasks(run, watch.startedAt, []),
        },
      };
    }
    case 'hand-off':
      return { kind: 'hand-off', run };
  }
};

/**
 * Every task of this attempt is decided: the run succeeds when they all did (with the earlier attempts' successes;
 * it reads their Outputs first, when some are declared), starts the failed ones again when none of them started
 * (StartRetries), or fails.
 */
async function judgeRun(
  run: Run,
  decided: readonly DecidedTask[],
  diagnosis: DiagnosisContext,
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
        withNotRetried(await explainFailedTasks(decided, diagnosis), startVerdict, progress, properties),
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
