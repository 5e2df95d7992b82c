import type { Answer } from '../../response/answer';
import { successAnswer } from '../../answers/success-answer';
import { ANSWER_TIME_MS, HAND_OFF_MARGIN_MS } from '../../runtime/time-budget';
import { OUTPUT_WAIT_AFTER_STOP_MS, readTaskOutputs } from '../../tasks/task-outputs';
import type { Step } from '../run-steps';

/**
 * Reads the declared Outputs the run's tasks printed, until OUTPUT_WAIT_AFTER_STOP_MS after they stopped (or the
 * deadline, when sooner). When that bound is further away than this invocation can read and still answer, it reads
 * until the hand-off's margin and hands the reading off like the watch: the Outputs are never given up because an
 * invocation ends. A name still not found at the bound is answered empty (and logged), as before.
 */
export const readOutputsAttempt: Step<'reading-outputs'> = async (run, state, context) => {
  const { properties, deps, budget } = context;
  const { tasks } = state;
  const attempts = { attempts: run.progress.attempt };
  const names = properties.outputs ?? [];
  // The run's timings ride on the answer for its metrics (requests/answer-metrics.ts), never in its body.
  const withTimings = (answer: Answer): Answer => (state.answered ? { ...answer, tasks: state.answered } : answer);
  const giveUpAt = Math.min(state.stoppedAt + OUTPUT_WAIT_AFTER_STOP_MS, run.plan.deadline);
  const answerBy = budget.callUntil(ANSWER_TIME_MS);
  const withinReach = giveUpAt <= answerBy;
  if (!withinReach && budget.mustHandOff(0)) return { kind: 'hand-off', run };
  const read = await readTaskOutputs(
    { logs: () => deps.aws.logs(), clock: deps.clock, log: deps.log },
    {
      cluster: run.plan.cluster,
      taskArns: tasks.map((task) => task.taskArn),
      logs: run.plan.logs,
      names,
      giveUpAt,
      until: withinReach ? giveUpAt : budget.callUntil(HAND_OFF_MARGIN_MS),
    },
  );
  if (read.kind === 'time-short') {
    deps.log.info('Declared Outputs not found yet; a fresh invocation reads on', {
      notFound: read.notFound,
      until: new Date(giveUpAt).toISOString(),
    });
    return {
      kind: 'hand-off',
      run,
      ifNotSent: () => withTimings(successAnswer(run.request, read, tasks, attempts, deps.log)),
    };
  }
  return { kind: 'answer', answer: withTimings(successAnswer(run.request, read, tasks, attempts, deps.log)) };
};
