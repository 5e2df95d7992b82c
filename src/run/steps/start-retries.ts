import { describeAttempts, notRetriedNote } from '../../diagnostics/attempts-reason';
import type { RunnerProperties } from '../../properties/runner-properties';
import { REASON_BUDGET_BYTES } from '../../response/response-budget';
import { startRetryDelayMs } from '../../runtime/delays';
import { RETRY_MIN_LEFT_MS } from '../../runtime/time-budget';
import type { StartFailureVerdict } from '../../tasks/start-failure';
import type { RunnerDeps } from '../contract';
import type { Run, RunProgress } from '../run-state';

/**
 * The run starting its next attempt after a backoff, when StartRetries allows one and enough of the Timeout is left
 * for it (RETRY_MIN_LEFT_MS); undefined otherwise. `cause` is why this attempt failed to start; `count` how many
 * tasks to start again.
 */
export function retryAfter(
  run: Run,
  properties: Pick<RunnerProperties, 'startRetries'>,
  cause: string,
  count: number,
  deps: Pick<RunnerDeps, 'clock' | 'log'>,
): Run | undefined {
  const { progress } = run;
  const retry = progress.attempt;
  if (retry > properties.startRetries) return undefined;
  const delay = startRetryDelayMs(retry);
  const notBefore = deps.clock.now() + delay;
  if (notBefore + RETRY_MIN_LEFT_MS > run.plan.deadline) {
    deps.log.warn('A start retry would not fit in the Timeout; not retrying', { attempt: progress.attempt, cause });
    return undefined;
  }
  deps.log.warn('The task failed to start; starting again after a backoff (StartRetries)', {
    attempt: progress.attempt,
    of: properties.startRetries + 1,
    cause,
    delayMs: delay,
  });
  return {
    ...run,
    progress: { ...progress, attempt: progress.attempt + 1, startFailures: [...progress.startFailures, cause] },
    state: { kind: 'starting', count, notBefore },
  };
}

/** The Reason of a run's failure, with every earlier attempt's cause when there were retries. */
export function withAttempts(
  reason: string,
  progress: Pick<RunProgress, 'attempt' | 'startFailures'> | undefined,
): string {
  if (!progress || progress.startFailures.length === 0) return reason;
  return describeAttempts(reason, progress.attempt, progress.startFailures, REASON_BUDGET_BYTES);
}

/** `reason`, with why the start failure was not retried when StartRetries had retries left for it. */
export function withNotRetried(
  reason: string,
  verdict: StartFailureVerdict | undefined,
  progress: Pick<RunProgress, 'attempt'>,
  properties: Pick<RunnerProperties, 'startRetries'>,
): string {
  const note = progress.attempt <= properties.startRetries ? notRetriedNote(verdict) : undefined;
  return note ? `${reason} ${note}` : reason;
}
