import type { Failure } from '@aws-sdk/client-ecs';
import { byteLength } from '../response/response-budget';
import { taskId } from '../shared/arns';
import type { FinalCause, StartFailureVerdict } from '../tasks/start-failure';
import type { DecidedTask } from '../tasks/task-outcome';

/** Why RunTask placed no (or too few) tasks, in a few words: one earlier attempt in a Reason. */
export function briefPlacementFailure(failures: readonly Failure[], wanted: number, started: number): string {
  const reasons = [...new Set(failures.map((failure) => [failure.reason, failure.detail].filter(Boolean).join(' ')))];
  // Counted from the tasks asked for, not from failures[]: on EC2 one task refused by two instances has two entries.
  const unplaced = wanted - started;
  const which = started > 0 ? `${unplaced} of the ${wanted} tasks` : wanted === 1 ? 'the task' : `the ${wanted} tasks`;
  return `RunTask could not place ${which} (${reasons.join('; ') || 'no reason given'})`;
}

/** Why tasks failed to start, in a few words: one earlier attempt in a Reason. */
export function briefStartFailure(tasks: readonly DecidedTask[]): string {
  return tasks
    .map((task) => {
      const why = task.stoppedReason ?? task.failures.find((failure) => failure.reason)?.reason;
      return `task ${taskId(task.taskArn)} ${task.stopCode ?? 'stopped'}${why ? `: ${JSON.stringify(why)}` : ''}`;
    })
    .join(', ');
}

/**
 * The Reason after more than one attempt: the last attempt's explanation first (it carries the diagnosis), then
 * why each earlier attempt failed to start. When they do not all fit in `budgetBytes`, the shortest causes are
 * listed first and the rest counted: the runner's log has them all.
 */
export function describeAttempts(
  final: string,
  attempt: number,
  earlier: readonly string[],
  budgetBytes: number,
): string {
  if (earlier.length === 0) return final;
  const head = `Attempt ${attempt}: ${final} Earlier attempts failed to start:`;
  const causes = earlier.map((cause, index) => ({ text: ` (${index + 1}) ${cause}.`, index }));
  const whole = head + causes.map((cause) => cause.text).join('');
  if (byteLength(whole) <= budgetBytes) return whole;
  const kept: typeof causes = [];
  let used = byteLength(head) + 40;
  for (const cause of [...causes].sort((a, b) => a.text.length - b.text.length)) {
    if (used + byteLength(cause.text) > budgetBytes) break;
    kept.push(cause);
    used += byteLength(cause.text);
  }
  // The whole did not fit and 40 bytes are kept for this count, so at least one cause is always left out.
  const left = earlier.length - kept.length;
  return `${head}${kept.map((cause) => cause.text).join('')} (${left} more in the runner's log.)`;
}

const NOT_RETRIED_BECAUSE: Record<FinalCause, string> = {
  'image-not-found': 'the image or its tag was not found',
  'access-denied':
    'access was denied (the task execution role, or a registry, secret, parameter, log group or KMS key policy)',
  'missing-or-invalid-reference':
    'the task definition names something that does not exist or is invalid (a log group, secret or parameter)',
  'cannot-start-command': "the container's command could not be started",
  'no-instance-can-run': 'no container instance can run the task as it is defined',
  unrecognised: "ECS's reason is none of those known to pass with time",
};

/**
 * Why StartRetries did not try again although retries were left, for the end of the Reason. Undefined when the
 * failure passes with time (it was retried, or no retry was left).
 */
export function notRetriedNote(verdict: StartFailureVerdict | undefined): string | undefined {
  if (verdict?.kind !== 'final') return undefined;
  return (
    `Not retried: ${NOT_RETRIED_BECAUSE[verdict.cause]}` +
    ' — StartRetries retries only what passes with time (capacity shortages, throttling, network timeouts).'
  );
}
