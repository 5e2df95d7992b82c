import { isTransient } from '../../aws/aws-errors';
import { describeAwsError } from '../../diagnostics/failure-reason';
import { parkedTaskUnknown, watchFailed } from '../../answers/wording';
import { taskId } from '../../shared/arns';
import { stopTasks } from '../../tasks/stop-tasks';
import type { TaskOutcome } from '../../tasks/task-outcome';
import { describe } from '../../tasks/watch-tasks';
import { failureDiagnosis } from '../failure-diagnosis';
import { moveTo, type Transition, watchOf } from '../run-state';
import type { Step } from '../run-steps';
import { withAttempts } from './start-retries';
import { judgeRun, timedOut } from './watch-attempt';

/**
 * A parked run, woken (by an event once DescribeTasks confirmed it, or by news recorded while it was being parked):
 * the tasks are read once, never believed from the event. Every task decided: the run is judged as a watch judges it
 * (StartRetries, Outputs, the answer). A task ECS no longer reports: stopped and the run fails, its outcome unknown.
 * The deadline passed: stopped and failed as a watch would. Otherwise the run parks again. A throttled or transient
 * DescribeTasks says nothing about the tasks: the run parks again, to be woken by the next event or the sweep.
 */
export const parkedAttempt: Step<'parked'> = async (run, state, context) => {
  const { properties, deps } = context;
  const { aws, clock, log } = deps;
  const watch = watchOf(run.plan, state);
  const parkAgain: Transition = { kind: 'park', run: moveTo(run, { ...state, parkedAt: clock.now() }) };
  let outcomes: TaskOutcome[];
  try {
    outcomes = await describe(watch, { ecs: aws.ecs, clock, invocation: deps.invocation, log });
  } catch (error) {
    if (isTransient(error)) {
      log.warn('DescribeTasks failed for a woken run: it stays parked', { error: String(error) });
      return parkAgain;
    }
    await stopTasks(aws.ecs, watch.cluster, watch.taskArns, 'ecs-task-runner: could not watch the task', log);
    return {
      kind: 'answer',
      answer: { status: 'FAILED', reason: watchFailed(describeAwsError('DescribeTasks', error)) },
    };
  }
  const decided = outcomes.flatMap((outcome) => (outcome.kind === 'decided' ? [outcome] : []));
  const unknown = decided.filter((task) => task.verdict === 'unknown-to-ecs').map((task) => task.taskArn);
  if (unknown.length > 0) {
    await stopTasks(aws.ecs, watch.cluster, unknown, 'ecs-task-runner: ECS no longer reported the task', log);
    const reason = parkedTaskUnknown(unknown.map((arn) => taskId(arn)));
    return {
      kind: 'answer',
      answer: { status: 'FAILED', reason: withAttempts(reason, run.progress), cause: 'task-failed' },
    };
  }
  const diagnosis = failureDiagnosis(deps, properties, run.plan);
  if (decided.length === watch.taskArns.length) return judgeRun(run, decided, diagnosis, context, state.startedAt);
  if (clock.now() >= run.plan.deadline) {
    const pending = outcomes.flatMap((outcome) => (outcome.kind === 'pending' ? [outcome] : []));
    return timedOut(run, state.startedAt, pending, undefined, diagnosis, context);
  }
  return parkAgain;
};
