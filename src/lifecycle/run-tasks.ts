import type { AwsPorts } from '../aws/ports';
import { diagnosisContext, explainFailedTasks, explainSlowStart, explainTimeout } from '../diagnostics/explain-failure';
import { describeAwsError } from '../diagnostics/failure-reason';
import type { RunnerProperties } from '../properties/runner-properties';
import type { Clock } from '../runtime/clock';
import type { Invocation } from '../runtime/invocation';
import type { Log } from '../runtime/log';
import { startTasks } from '../tasks/start-tasks';
import { stopTasks } from '../tasks/stop-tasks';
import { MIN_INVOCATION_MS, type Watch, watchTasks } from '../tasks/watch-tasks';
import { type Answer, taskData } from './answer';
import type { ContinuationEvent, RunRequest } from './continuation';
import { effectiveTimeout } from './deadline';
import { clientToken, defaultStartedBy } from './resource-identity';

export interface LifecycleDependencies {
  aws: AwsPorts;
  clock: Clock;
  invocation: Invocation;
  log: Log;
}

export type RequestOutcome = { kind: 'answer'; answer: Answer } | { kind: 'handed-off' };

/** Starts the tasks for a Create or Update and watches them to the end (or hands the watch off). */
export async function runTasks(request: RunRequest, properties: RunnerProperties, deps: LifecycleDependencies): Promise<RequestOutcome> {
  const { clock, log } = deps;
  // Timeout counts from the request's arrival, not from RunTask: CloudFormation's own clock started even earlier.
  const receivedAt = clock.now();
  const remainingMs = deps.invocation.remainingTimeMs();
  if (remainingMs < MIN_INVOCATION_MS) {
    return answer({
      status: 'FAILED',
      reason: `Not started: the runner function has only ${Math.round(remainingMs / 1000)} s left in this invocation; it needs a Lambda Timeout of at least ${Math.ceil(MIN_INVOCATION_MS / 1000) + 5} s (900 s recommended) to watch tasks and hand off to a fresh invocation safely. Raise the function's Timeout.`,
    });
  }
  const timeout = effectiveTimeout(properties);
  if (timeout.capped) {
    log.warn('Timeout lowered to fit CloudFormation\'s wait (ServiceTimeout, default 3600 s, less a margin to answer)', timeout.capped);
  }
  const start = await startTasks(
    deps.aws,
    { properties, clientToken: clientToken(request), startedBy: properties.startedBy ?? defaultStartedBy(request) },
    log,
  );
  if (!start.started) return answer({ status: 'FAILED', reason: start.reason });
  const startedAt = clock.now();
  const watch: Watch = {
    cluster: properties.cluster,
    taskArns: start.taskArns,
    essentialContainers: start.definition.essentialContainers,
    logs: start.definition.logs,
    usesSecrets: start.definition.usesSecrets,
    startedAt,
    deadline: receivedAt + timeout.seconds * 1000,
    timeoutSeconds: timeout.seconds,
    pollIntervalSeconds: properties.pollIntervalSeconds,
  };
  return followTasks({ ecsTaskRunnerContinuation: 1, request, watch, handOffs: 0 }, properties, deps, false);
}

/**
 * Watches started tasks until the answer is known. Tasks that outlive the deadline are stopped; when this
 * invocation's time runs short, a fresh invocation of the same function takes over the watch.
 */
export async function followTasks(state: ContinuationEvent, properties: RunnerProperties, deps: LifecycleDependencies, pollFirst: boolean): Promise<RequestOutcome> {
  const { aws, log } = deps;
  const { watch } = state;
  const diagnosis = diagnosisContext(aws, log, properties, watch);
  let result;
  try {
    result = await watchTasks(
      watch,
      {
        ecs: aws.ecs,
        clock: deps.clock,
        invocation: deps.invocation,
        log,
        onSlowStart: async () => log.warn('A task is still waiting to start', { explanation: await explainSlowStart(diagnosis) }),
      },
      pollFirst,
    );
  } catch (error) {
    await stopTasks(aws.ecs, watch.cluster, watch.taskArns, 'ecs-task-runner: could not watch the task', log);
    return answer({ status: 'FAILED', reason: `${describeAwsError('DescribeTasks', error)} The tasks were stopped.` });
  }
  switch (result.kind) {
    case 'decided': {
      const succeeded = result.tasks.every((task) => task.succeeded);
      return answer({
        status: succeeded ? 'SUCCESS' : 'FAILED',
        ...(succeeded ? {} : { reason: await explainFailedTasks(result.tasks, diagnosis) }),
        data: taskData(result.tasks),
      });
    }
    case 'deadline':
      await stopTasks(aws.ecs, watch.cluster, result.pending.map((task) => task.taskArn), 'ecs-task-runner: Timeout reached', log);
      return answer({ status: 'FAILED', reason: await explainTimeout(result.pending, watch.timeoutSeconds, diagnosis) });
    case 'hand-off':
      return handOff(state, deps);
  }
}

async function handOff(state: ContinuationEvent, deps: LifecycleDependencies): Promise<RequestOutcome> {
  const next: ContinuationEvent = { ...state, handOffs: state.handOffs + 1 };
  try {
    const lambda = await deps.aws.lambda();
    await lambda.invokeAsync(deps.invocation.functionArn, JSON.stringify(next));
    deps.log.info('Handed the watch off to a fresh invocation', { handOffs: next.handOffs, taskArns: state.watch.taskArns });
    return { kind: 'handed-off' };
  } catch (error) {
    await stopTasks(deps.aws.ecs, state.watch.cluster, state.watch.taskArns, 'ecs-task-runner: could not hand off the watch', deps.log);
    return answer({
      status: 'FAILED',
      reason: `${describeAwsError('Handing off to a fresh invocation (lambda:InvokeFunction on this function)', error)} The tasks were stopped; grant the function lambda:InvokeFunction on itself, or give it a longer Timeout.`,
    });
  }
}

function answer(value: Answer): RequestOutcome {
  return { kind: 'answer', answer: value };
}
