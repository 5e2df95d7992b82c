import { isRecursionStopped } from '../aws/aws-errors';
import { describeAwsError } from '../diagnostics/failure-reason';
import { stopTasks } from '../tasks/stop-tasks';
import type { ContinuationEvent } from './continuation';
import { answered, type LifecycleDependencies, type RequestOutcome } from './contract';

/**
 * Hands the watch to a fresh asynchronous invocation of this same function. If that fails, nobody would watch the
 * tasks: they are stopped and the request fails, saying why.
 */
export async function handOff(state: ContinuationEvent, deps: LifecycleDependencies): Promise<RequestOutcome> {
  const next: ContinuationEvent = { ...state, handOffs: state.handOffs + 1 };
  try {
    const lambda = await deps.aws.lambda();
    await lambda.invokeAsync(deps.invocation.functionArn, JSON.stringify(next));
    deps.log.info('Handed the watch off to a fresh invocation', {
      handOffs: next.handOffs,
      taskArns: state.watch.taskArns,
    });
    return { kind: 'handed-off' };
  } catch (error) {
    await stopTasks(
      deps.aws.ecs,
      state.watch.cluster,
      state.watch.taskArns,
      'ecs-task-runner: could not hand off the watch',
      deps.log,
    );
    if (isRecursionStopped(error)) {
      return answered({
        status: 'FAILED',
        reason:
          "Lambda's recursive loop detection stopped the hand-off to a fresh invocation after" +
          ` ${next.handOffs} hand-off(s) (RecursiveInvocationException); the tasks were stopped.` +
          ' Set RecursiveLoop: Allow on the runner function (AWS::Lambda::Function property RecursiveLoop),' +
          ' or raise its Timeout so that fewer hand-offs are needed.',
      });
    }
    return answered({
      status: 'FAILED',
      reason:
        `${describeAwsError('Handing off to a fresh invocation (lambda:InvokeFunction on this function)', error)}` +
        ' The tasks were stopped; grant the function lambda:InvokeFunction on itself, or give it a longer Timeout.',
    });
  }
}
