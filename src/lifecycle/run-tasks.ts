import { briefPlacementFailure, briefStartFailure } from '../diagnostics/attempts-reason';
import {
  diagnosisContext,
  type DiagnosisContext,
  explainFailedTasks,
  explainRunTaskFailures,
  explainRunTaskRefusal,
  explainSlowStart,
  explainTimeout,
} from '../diagnostics/explain-failure';
import { describeAwsError } from '../diagnostics/failure-reason';
import type { RunnerProperties } from '../properties/runner-properties';
import { checkBeforeStart } from '../tasks/preflight';
import { waitUntilStopped } from '../tasks/running-tasks';
import { failedToStart, judgeFailedStarts, judgePlacementFailures, judgeRunTaskRefusal } from '../tasks/start-failure';
import { startTasks } from '../tasks/start-tasks';
import { stopTasks } from '../tasks/stop-tasks';
import { HAND_OFF_MARGIN_MS, MIN_INVOCATION_MS, type Watch, watchTasks } from '../tasks/watch-tasks';
import { type ContinuationEvent, isTeardown, type NextStep, type Purpose, type RunProgress } from './continuation';
import { answered, type LifecycleDependencies, type RequestOutcome, type RunRequest } from './contract';
import { effectiveTimeout } from './deadline';
import { earlierRun, earlierRunTimeout } from './earlier-run';
import { handOff } from './hand-off';
import { refuseLongChain } from './invocation-chain';
import { refuseOutputsThatCannotFit } from './outputs-fit';
import { clientToken, defaultStartedBy, requestTag } from './resource-identity';
import { successAnswer } from './run-outcome';
import { retryAfter, withAttempts, withNotRetried } from './start-retries';
import { taskData } from './task-attributes';

/** Starts the tasks for a Create or Update and watches them to the end (or hands the watch off). */
export async function runTasks(
  request: RunRequest,
  properties: RunnerProperties,
  deps: LifecycleDependencies,
): Promise<RequestOutcome> {
  return startAndFollow({ request, phase: { kind: 'run' } }, properties, deps);
}

/**
 * Starts the tasks `properties` describe, for `purpose` (the resource's run, or its teardown), and watches them to
 * the end (or hands the watch off). Before the run starts, tasks of an earlier run of the resource are waited for,
 * stopped or refused (IfRunning); before a teardown starts, the resource's tasks just stopped (`waitFor`).
 */
export async function startAndFollow(
  purpose: Purpose,
  properties: RunnerProperties,
  deps: LifecycleDependencies,
  waitFor: readonly string[] = [],
): Promise<RequestOutcome> {
  const { aws, clock, log } = deps;
  const { request } = purpose;
  // Timeout counts from the request's arrival, not from RunTask: CloudFormation's own clock started even earlier.
  const receivedAt = clock.now();
  const remainingMs = deps.invocation.remainingTimeMs();
  if (remainingMs < MIN_INVOCATION_MS) {
    return answered({
      status: 'FAILED',
      reason:
        `Not started: the runner function has only ${Math.round(remainingMs / 1000)} s left in this invocation;` +
        ` it needs a Lambda Timeout of at least ${Math.ceil(MIN_INVOCATION_MS / 1000) + 5} s (900 s recommended)` +
        " to watch tasks and hand off to a fresh invocation safely. Raise the function's Timeout.",
    });
  }
  const timeout = effectiveTimeout(properties);
  if (timeout.capped) {
    log.warn(
      "Timeout lowered to fit CloudFormation's wait (ServiceTimeout, default 3600 s, less a margin to answer)",
      timeout.capped,
    );
  }
  const deadline = receivedAt + timeout.seconds * 1000;
  const chainRefusal = await refuseLongChain(deadline - receivedAt, deps);
  if (chainRefusal) return answered({ status: 'FAILED', reason: chainRefusal });
  const definition = await checkBeforeStart(aws, properties);
  const outputsRefusal = refuseOutputsThatCannotFit(request, properties, definition.arn, log);
  if (outputsRefusal) return answered({ status: 'FAILED', reason: outputsRefusal });
  const earlier = isTeardown(purpose) ? [...waitFor] : await earlierRun(purpose.request, properties, deps);
  if (typeof earlier === 'string') return answered({ status: 'FAILED', reason: earlier });
  const watch: Watch = {
    cluster: properties.cluster,
    taskArns: [],
    essentialContainers: definition.essentialContainers,
    logs: definition.logs,
    usesSecrets: definition.usesSecrets,
    startedAt: clock.now(),
    deadline,
    timeoutSeconds: timeout.seconds,
    pollIntervalSeconds: properties.pollIntervalSeconds,
  };
  const next: NextStep =
    earlier.length > 0
      ? { step: 'wait-for-earlier-run', taskArns: earlier }
      : { step: 'start', count: properties.count, notBefore: 0 };
  const progress: RunProgress = {
    attempt: 1,
    startFailures: [],
    succeeded: [],
    taskDefinitionArn: definition.arn,
    next,
  };
  return followTasks(
    { ecsTaskRunnerContinuation: 1, ...purpose, watch, handOffs: 0, progress },
    properties,
    deps,
    false,
  );
}

/**
 * Carries the run on from where `state` left it — waiting for an earlier run, starting an attempt (after its
 * backoff), watching the tasks — until the answer is known. Tasks that outlive the deadline are stopped; when this
 * invocation's time runs short, a fresh invocation of the same function takes over.
 */
export async function followTasks(
  state: ContinuationEvent,
  properties: RunnerProperties,
  deps: LifecycleDependencies,
  pollFirst: boolean,
): Promise<RequestOutcome> {
  const { aws, clock, log } = deps;
  let current = state;
  let firstPoll = pollFirst;
  for (;;) {
    const { watch, progress } = current;
    const next = progress?.next;
    const diagnosis = diagnosisContext(aws, log, properties, watch);
    if (next?.step === 'wait-for-earlier-run') {
      const waited = await waitUntilStopped(watch.cluster, next.taskArns, watch.deadline, {
        ecs: aws.ecs,
        clock,
        invocation: deps.invocation,
        log,
      });
      if (waited.kind === 'hand-off')
        return handOff(
          withNext(current, { step: 'wait-for-earlier-run', taskArns: waited.running.map((task) => task.taskArn) }),
          deps,
        );
      if (waited.kind === 'deadline')
        return answered({ status: 'FAILED', reason: earlierRunTimeout(current, properties, waited.running) });
      current = withNext(current, { step: 'start', count: properties.count, notBefore: 0 });
      continue;
    }
    if (next?.step === 'start' && progress) {
      const delay = next.notBefore - clock.now();
      if (delay > 0) {
        // A fresh invocation waits out the backoff when this one could not start and watch afterwards.
        if (deps.invocation.remainingTimeMs() - delay < MIN_INVOCATION_MS) return handOff(current, deps);
        await clock.sleep(delay);
      }
      const started = await startAttempt(current, progress, next.count, properties, diagnosis, deps);
      if (started.kind === 'answer') return started;
      current = started.state;
      firstPoll = false;
      continue;
    }
    let result;
    try {
      result = await watchTasks(
        watch,
        {
          ecs: aws.ecs,
          clock,
          invocation: deps.invocation,
          log,
          onSlowStart: async () =>
            log.warn('A task is still waiting to start', { explanation: await explainSlowStart(diagnosis) }),
        },
        firstPoll,
      );
    } catch (error) {
      await stopTasks(aws.ecs, watch.cluster, watch.taskArns, 'ecs-task-runner: could not watch the task', log);
      return answered({
        status: 'FAILED',
        reason: `${describeAwsError('DescribeTasks', error)} The tasks were stopped.`,
      });
    }
    switch (result.kind) {
      case 'decided': {
        const unknown = result.tasks.filter((task) => task.unknownToEcs).map((task) => task.taskArn);
        // A task ECS never reported may still start later: stop it rather than let it run unwatched.
        if (unknown.length > 0)
          await stopTasks(
            aws.ecs,
            watch.cluster,
            unknown,
            'ecs-task-runner: ECS did not report the task after RunTask',
            log,
          );
        const tasks = [...(progress?.succeeded ?? []), ...result.tasks];
        const attempts = progress?.attempt ?? 1;
        if (tasks.every((task) => task.succeeded)) {
          return answered(
            current.phase?.kind !== 'teardown' && properties.outputs
              ? await successAnswer(current, properties.outputs, tasks, attempts, deps)
              : { status: 'SUCCESS', data: taskData(tasks, { attempts }) },
          );
        }
        const failed = result.tasks.filter((task) => !task.succeeded);
        const startVerdict = failed.every(failedToStart) ? judgeFailedStarts(failed) : undefined;
        const retry =
          progress && startVerdict?.kind === 'passes-with-time'
            ? retryAfter(
                current,
                { ...progress, succeeded: tasks.filter((task) => task.succeeded) },
                properties,
                briefStartFailure(failed),
                failed.length,
                deps,
              )
            : undefined;
        if (retry) {
          current = retry;
          continue;
        }
        return answered({
          status: 'FAILED',
          reason: withAttempts(
            withNotRetried(await explainFailedTasks(result.tasks, diagnosis), startVerdict, progress, properties),
            progress,
          ),
          data: taskData(tasks, { attempts }),
        });
      }
      case 'deadline':
        await stopTasks(
          aws.ecs,
          watch.cluster,
          result.pending.map((task) => task.taskArn),
          'ecs-task-runner: Timeout reached',
          log,
        );
        return answered({
          status: 'FAILED',
          reason: withAttempts(await explainTimeout(result.pending, watch.timeoutSeconds, diagnosis), progress),
        });
      case 'hand-off':
        return handOff(current, deps);
    }
  }
}

/** RunTask for the attempt `progress` is at: the state that watches its tasks or schedules a retry, or the answer. */
async function startAttempt(
  state: ContinuationEvent,
  progress: RunProgress,
  count: number,
  properties: RunnerProperties,
  diagnosis: DiagnosisContext,
  deps: LifecycleDependencies,
): Promise<{ kind: 'carry-on'; state: ContinuationEvent } | Extract<RequestOutcome, { kind: 'answer' }>> {
  const { clock, log } = deps;
  const { request, watch } = state;
  const start = await startTasks(
    {
      properties,
      taskDefinitionArn: progress.taskDefinitionArn,
      count,
      clientToken: clientToken(request, progress.attempt),
      startedBy: properties.startedBy ?? defaultStartedBy(request),
      requestTag: requestTag(request),
      retryUntil: Math.min(watch.deadline, clock.now() + deps.invocation.remainingTimeMs() - HAND_OFF_MARGIN_MS),
    },
    { ecs: deps.aws.ecs, clock, log },
  );
  if (start.started) {
    const watching: RunProgress = { ...progress };
    delete watching.next;
    return {
      kind: 'carry-on',
      state: { ...state, watch: { ...watch, taskArns: start.taskArns, startedAt: clock.now() }, progress: watching },
    };
  }
  const verdict = start.kind === 'refused' ? judgeRunTaskRefusal(start.error) : judgePlacementFailures(start.failures);
  if (verdict.kind === 'passes-with-time') {
    const cause =
      start.kind === 'refused' ? describeAwsError('RunTask', start.error) : briefPlacementFailure(start.failures);
    const retry = retryAfter(state, progress, properties, cause, count, deps);
    if (retry) return { kind: 'carry-on', state: retry };
  }
  const reason =
    start.kind === 'refused'
      ? await explainRunTaskRefusal(start.error, diagnosis)
      : await explainRunTaskFailures(start.failures, start.startedCount, { ...diagnosis, wanted: count });
  return {
    kind: 'answer',
    answer: { status: 'FAILED', reason: withAttempts(withNotRetried(reason, verdict, progress, properties), progress) },
  };
}

function withNext(state: ContinuationEvent, next: NextStep): ContinuationEvent {
  return state.progress ? { ...state, progress: { ...state.progress, next } } : state;
}
