import { diagnosisContext, explainFailedTasks, explainRunTaskFailures, explainRunTaskRefusal, explainSlowStart, explainTimeout } from '../diagnostics/explain-failure';
import { describeAwsError } from '../diagnostics/failure-reason';
import type { RunnerProperties } from '../properties/runner-properties';
import { checkBeforeStart } from '../tasks/preflight';
import { startTasks } from '../tasks/start-tasks';
import { stopTasks } from '../tasks/stop-tasks';
import { HAND_OFF_MARGIN_MS, MIN_INVOCATION_MS, type Watch, watchTasks } from '../tasks/watch-tasks';
import type { Answer } from '../response/answer';
import { byteLength, MAX_RESPONSE_BYTES } from '../response/response-body';
import type { DecidedTask } from '../tasks/task-outcome';
import { readTaskOutputs } from '../tasks/task-outputs';
import type { ContinuationEvent, Purpose } from './continuation';
import { outputsThatDoNotFit, roomForOutputValues } from './outputs-fit';
import { answered, type LifecycleDependencies, type RequestOutcome, type RunRequest } from './contract';
import { effectiveTimeout } from './deadline';
import { handOff } from './hand-off';
import { refuseLongChain } from './invocation-chain';
import { clientToken, defaultStartedBy } from './resource-identity';
import { taskData } from './task-attributes';

/** Starts the tasks for a Create or Update and watches them to the end (or hands the watch off). */
export async function runTasks(request: RunRequest, properties: RunnerProperties, deps: LifecycleDependencies): Promise<RequestOutcome> {
  return startAndFollow({ request, phase: { kind: 'run' } }, properties, deps);
}

/**
 * Starts the tasks `properties` describe, for `purpose` (the resource's run, or its teardown), and watches them to
 * the end (or hands the watch off).
 */
export async function startAndFollow(purpose: Purpose, properties: RunnerProperties, deps: LifecycleDependencies): Promise<RequestOutcome> {
  const { aws, clock, log } = deps;
  const { request } = purpose;
  // Timeout counts from the request's arrival, not from RunTask: CloudFormation's own clock started even earlier.
  const receivedAt = clock.now();
  const remainingMs = deps.invocation.remainingTimeMs();
  if (remainingMs < MIN_INVOCATION_MS) {
    return answered({
      status: 'FAILED',
      reason: `Not started: the runner function has only ${Math.round(remainingMs / 1000)} s left in this invocation; it needs a Lambda Timeout of at least ${Math.ceil(MIN_INVOCATION_MS / 1000) + 5} s (900 s recommended) to watch tasks and hand off to a fresh invocation safely. Raise the function's Timeout.`,
    });
  }
  const timeout = effectiveTimeout(properties);
  if (timeout.capped) {
    log.warn('Timeout lowered to fit CloudFormation\'s wait (ServiceTimeout, default 3600 s, less a margin to answer)', timeout.capped);
  }
  const deadline = receivedAt + timeout.seconds * 1000;
  const chainRefusal = await refuseLongChain(deadline - receivedAt, deps);
  if (chainRefusal) return answered({ status: 'FAILED', reason: chainRefusal });
  const definition = await checkBeforeStart(aws, properties);
  if (properties.outputs) {
    const room = roomForOutputValues(request, { outputs: properties.outputs, count: properties.count, cluster: properties.cluster, taskDefinitionArn: definition.arn });
    if (room < 0) {
      return answered({
        status: 'FAILED',
        reason: `Not started: Outputs: the ${properties.outputs.length} declared names do not fit CloudFormation's ${MAX_RESPONSE_BYTES}-byte response even with empty values (${-room} bytes over, with ${properties.count} task ARN${properties.count === 1 ? '' : 's'}) — declare fewer or shorter names, or lower Count.`,
      });
    }
    log.info('Room left in the response for the Outputs\' values', { bytes: room, outputs: properties.outputs });
  }
  const diagnosis = diagnosisContext(aws, log, properties, definition);
  const start = await startTasks(
    {
      properties,
      definition,
      clientToken: clientToken(request),
      startedBy: properties.startedBy ?? defaultStartedBy(request),
      retryUntil: Math.min(deadline, clock.now() + remainingMs - HAND_OFF_MARGIN_MS),
    },
    { ecs: aws.ecs, clock, log },
  );
  if (!start.started) {
    return answered({
      status: 'FAILED',
      reason: start.kind === 'refused' ? await explainRunTaskRefusal(start.error, diagnosis) : await explainRunTaskFailures(start.failures, start.startedCount, { ...diagnosis, wanted: properties.count }),
    });
  }
  const watch: Watch = {
    cluster: properties.cluster,
    taskArns: start.taskArns,
    essentialContainers: definition.essentialContainers,
    logs: definition.logs,
    usesSecrets: definition.usesSecrets,
    startedAt: clock.now(),
    deadline,
    timeoutSeconds: timeout.seconds,
    pollIntervalSeconds: properties.pollIntervalSeconds,
  };
  return followTasks({ ecsTaskRunnerContinuation: 1, ...purpose, watch, handOffs: 0 }, properties, deps, false);
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
    return answered({ status: 'FAILED', reason: `${describeAwsError('DescribeTasks', error)} The tasks were stopped.` });
  }
  switch (result.kind) {
    case 'decided': {
      const unknown = result.tasks.filter((task) => task.unknownToEcs).map((task) => task.taskArn);
      // A task ECS never reported may still start later: stop it rather than let it run unwatched.
      if (unknown.length > 0) await stopTasks(aws.ecs, watch.cluster, unknown, 'ecs-task-runner: ECS did not report the task after RunTask', log);
      if (!result.tasks.every((task) => task.succeeded)) {
        return answered({ status: 'FAILED', reason: await explainFailedTasks(result.tasks, diagnosis), data: taskData(result.tasks) });
      }
      return answered(state.phase?.kind !== 'teardown' && properties.outputs ? await answerWithOutputs(state, properties.outputs, result.tasks, deps) : { status: 'SUCCESS', data: taskData(result.tasks) });
    }
    case 'deadline':
      await stopTasks(aws.ecs, watch.cluster, result.pending.map((task) => task.taskArn), 'ecs-task-runner: Timeout reached', log);
      return answered({ status: 'FAILED', reason: await explainTimeout(result.pending, watch.timeoutSeconds, diagnosis) });
    case 'hand-off':
      return handOff(state, deps);
  }
}

/**
 * A successful run's answer with the Outputs its essential containers printed. It fails, naming the output, when
 * the printed values cannot be read or do not fit CloudFormation's response.
 */
async function answerWithOutputs(state: ContinuationEvent, names: readonly string[], tasks: readonly DecidedTask[], deps: LifecycleDependencies): Promise<Answer> {
  const { watch } = state;
  const read = await readTaskOutputs(() => deps.aws.logs(), deps.clock, { taskArns: watch.taskArns, logs: watch.logs, names });
  if (!read.ok) {
    return {
      status: 'FAILED',
      reason: `The task${tasks.length === 1 ? '' : 's'} succeeded, but the Outputs could not be read: ${describeAwsError(`GetLogEvents on log group ${read.where.group}, stream ${read.where.stream ?? ''}`, read.error)}`,
      data: taskData(tasks),
    };
  }
  if (read.notFound.length > 0) deps.log.info('Outputs not printed (their attributes are empty)', { outputs: read.notFound, truncatedStreams: read.truncatedStreams });
  const answer: Answer = { status: 'SUCCESS', data: taskData(tasks, read.values) };
  const tooLarge = outputsThatDoNotFit(state.request, answer, read.values);
  if (tooLarge.length === 0) return answer;
  const sizes = tooLarge.map((name) => `${name} (${byteLength(read.values[name] ?? '')} bytes)`).join(', ');
  return {
    status: 'FAILED',
    reason: `The task${tasks.length === 1 ? '' : 's'} succeeded, but the printed value of Outputs ${sizes} does not fit CloudFormation's ${MAX_RESPONSE_BYTES}-byte response — print a shorter value (an ID, a version), and keep larger results elsewhere (SSM Parameter Store, S3).`,
    data: taskData(tasks),
  };
}
