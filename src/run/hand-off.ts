import { isRecursionStopped } from '../aws/aws-errors';
import { stopTasks } from '../tasks/stop-tasks';
import { continuationOf } from './continuation';
import { answered, type RunnerDeps, type RequestOutcome } from './contract';
import { type Run, startedTasks } from './run-state';
import { handOffFailed, recursionStoppedHandOff } from '../answers/wording';

/**
 * Hands the run to a fresh asynchronous invocation of this same function. If that fails, nobody would watch the
 * tasks: they are stopped and the request fails, saying why.
 */
export async function handOff(run: Run, deps: Pick<RunnerDeps, 'aws' | 'invocation' | 'log'>): Promise<RequestOutcome> {
  const next = continuationOf({ ...run, handOffs: run.handOffs + 1 });
  const taskArns = startedTasks(run.state);
  try {
    const lambda = await deps.aws.lambda();
    await lambda.invokeAsync(deps.invocation.functionArn, JSON.stringify(next));
    deps.log.info('Handed the watch off to a fresh invocation', { handOffs: next.handOffs, taskArns });
    return { kind: 'handed-off' };
  } catch (error) {
    await stopTasks(
      deps.aws.ecs,
      run.plan.cluster,
      taskArns,
      'ecs-task-runner: could not hand off the watch',
      deps.log,
    );
    if (isRecursionStopped(error)) {
      return answered({ status: 'FAILED', reason: recursionStoppedHandOff(next.handOffs) });
    }
    return answered({ status: 'FAILED', reason: handOffFailed(error) });
  }
}
