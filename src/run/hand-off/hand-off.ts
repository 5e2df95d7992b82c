import { errorName, errorSummary, isInvokeRefusedForGood, isRecursionStopped } from '../../aws/aws-errors';
import { handOffResendDelayMs } from '../../runtime/delays';
import { retry } from '../../runtime/retry';
import { HAND_OFF_GIVE_UP_MS, type TimeBudget } from '../../runtime/time-budget';
import { stopTasks } from '../../tasks/stop-tasks';
import { continuationOf } from './continuation';
import { answered, type RunnerDeps, type RequestOutcome } from '../contract';
import type { Answer } from '../../response/answer';
import { type Run, startedTasks } from '../run-state';
import { handOffFailed, handOffRanOutOfTime, recursionStoppedHandOff } from '../../answers/wording';

/**
 * Hands the run to a fresh asynchronous invocation of this same function. A failed Invoke (once the SDK's own
 * attempts are spent) is sent again with backoff while this invocation has more than the time to stop the tasks and
 * answer (`HAND_OFF_GIVE_UP_MS`). Only when Lambda refuses it for good (`isInvokeRefusedForGood`) or that time is
 * reached would nobody watch the tasks: they are stopped and the request fails, saying why.
 *
 * An Invoke that failed (a timeout above all) may still have been queued by Lambda, so a resend can start a second
 * invocation carrying the same Run. The payload carries the next generation, and with the state table each receiver
 * claims it before anything else (run-item.ts, `carryOnRun`): one carries on, the other ends quietly — no answer, no
 * StopTask. Without the table (or when the claim cannot be written) the duplicates are harmless because they decide
 * alike — the same tasks, plan and deadline give the same answer, PUT twice with the same content; RunTask after a
 * start retry uses the same clientToken and gets the same tasks; at the deadline both stop the same tasks: StopTask
 * on a task already stopping changes nothing (ECS keeps its first stop reason), and a second StopTask that ECS
 * refused would only be logged (`stopTasks`). Declared Outputs read from the logs at different moments are the one
 * answer that may differ.
 */
export async function handOff(
  run: Run,
  deps: Pick<RunnerDeps, 'aws' | 'clock' | 'invocation' | 'log'>,
  budget: Pick<TimeBudget, 'callUntil'>,
  ifNotSent?: () => Answer,
): Promise<RequestOutcome> {
  // The receiver claims the next generation (run-item.ts): of two deliveries of this payload, one carries on.
  const next = continuationOf({ ...run, handOffs: run.handOffs + 1, generation: run.generation + 1 });
  const taskArns = startedTasks(run.state);
  let attempts = 1;
  try {
    const lambda = await deps.aws.lambda();
    const payload = JSON.stringify(next);
    await retry(
      () => lambda.invokeAsync(deps.invocation.functionArn, payload),
      {
        retryable: (error) => !isInvokeRefusedForGood(error),
        delay: handOffResendDelayMs,
        until: { time: budget.callUntil(HAND_OFF_GIVE_UP_MS), lastWait: 'must-fit' },
        onRetry: ({ attempt, error, delayMs }) => {
          attempts = attempt + 1;
          deps.log.warn('The hand-off failed; sending it again', {
            attempt,
            error: errorName(error),
            message: errorSummary(error),
            delayMs,
            handOffs: next.handOffs,
          });
        },
      },
      deps.clock,
    );
    deps.log.info('Handed the watch off to a fresh invocation', {
      handOffs: next.handOffs,
      generation: next.generation,
      taskArns,
      attempts,
    });
    return { kind: 'handed-off' };
  } catch (error) {
    if (ifNotSent) {
      // Nothing runs any more (the Outputs were being read): answer with what this invocation found.
      deps.log.error('The hand-off could not be sent; answering with what this invocation found', {
        attempts,
        error: errorName(error),
        message: errorSummary(error),
        handOffs: next.handOffs,
      });
      return answered(ifNotSent());
    }
    const refused = isInvokeRefusedForGood(error);
    deps.log.error(
      refused
        ? 'Lambda refused the hand-off for good; stopping the tasks'
        : 'The hand-off failed until only the time to stop the tasks and answer was left; stopping the tasks',
      { attempts, error: errorName(error), message: errorSummary(error), handOffs: next.handOffs, taskArns },
    );
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
    return answered({
      status: 'FAILED',
      reason: refused ? handOffFailed(error) : handOffRanOutOfTime(attempts, error),
    });
  }
}
