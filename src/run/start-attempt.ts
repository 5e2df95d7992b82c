import { briefPlacementFailure } from '../diagnostics/attempts-reason';
import { diagnosisContext, explainRunTaskFailures, explainRunTaskRefusal } from '../diagnostics/explain-failure';
import { describeAwsError } from '../diagnostics/failure-reason';
import { judgePlacementFailures, judgeRunTaskRefusal } from '../tasks/start-failure';
import { startTasks } from '../tasks/start-tasks';
import { HAND_OFF_MARGIN_MS, MIN_INVOCATION_MS } from '../tasks/watch-tasks';
import { clientToken, defaultStartedBy, requestTag } from '../shared/resource-identity';
import { moveTo } from './run-state';
import type { Step } from './run-steps';
import { retryAfter, withAttempts, withNotRetried } from './start-retries';

/**
 * RunTask for the attempt the run is at, once its backoff has passed: then the run watches the tasks, starts again
 * after a backoff (a placement that may work later, StartRetries), or fails with the reason. A backoff longer than
 * this invocation can wait is handed to a fresh invocation.
 */
export const startAttempt: Step<'starting'> = async (run, state, { properties, deps }) => {
  const { aws, clock, invocation, log } = deps;
  const { request, plan, progress } = run;
  const delay = state.notBefore - clock.now();
  if (delay > 0) {
    // A fresh invocation waits out the backoff when this one could not start and watch afterwards.
    if (invocation.remainingTimeMs() - delay < MIN_INVOCATION_MS) return { kind: 'hand-off', run };
    await clock.sleep(delay);
  }
  const start = await startTasks(
    {
      properties,
      taskDefinitionArn: plan.taskDefinitionArn,
      count: state.count,
      clientToken: clientToken(request, progress.attempt),
      startedBy: properties.startedBy ?? defaultStartedBy(request),
      requestTag: requestTag(request),
      retryUntil: Math.min(plan.deadline, clock.now() + invocation.remainingTimeMs() - HAND_OFF_MARGIN_MS),
    },
    { ecs: aws.ecs, clock, log },
  );
  if (start.kind === 'started') {
    return { kind: 'next', run: moveTo(run, { kind: 'watching', taskArns: start.taskArns, startedAt: clock.now() }) };
  }
  const verdict = start.kind === 'refused' ? judgeRunTaskRefusal(start.error) : judgePlacementFailures(start.failures);
  if (verdict.kind === 'passes-with-time') {
    const cause =
      start.kind === 'refused' ? describeAwsError('RunTask', start.error) : briefPlacementFailure(start.failures);
    const retry = retryAfter(run, properties, cause, state.count, deps);
    if (retry) return { kind: 'next', run: retry };
  }
  const diagnosis = diagnosisContext(deps, properties, plan);
  const reason =
    start.kind === 'refused'
      ? await explainRunTaskRefusal(start.error, diagnosis)
      : await explainRunTaskFailures(start.failures, start.startedCount, { ...diagnosis, wanted: state.count });
  return {
    kind: 'answer',
    answer: { status: 'FAILED', reason: withAttempts(withNotRetried(reason, verdict, progress, properties), progress) },
  };
};
