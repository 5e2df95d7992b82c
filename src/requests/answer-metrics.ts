import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { type Answer, causeOf } from '../response/answer';
import type { RunnerMetrics } from '../runtime/metrics';
import { cloudFormationWait } from '../run/deadline';

/**
 * The figures of one answer, recorded once, when it is sent: the answer by request type and outcome with the seconds
 * since CloudFormation sent the request; the run by outcome and cause (`causeOf`: a handful of values, never a
 * Reason's words), with the tasks' run time, the seconds from their exit to the answer and the start retries, when
 * tasks ran. No stack, resource or task is ever a dimension.
 */
export function recordAnswer(
  metrics: RunnerMetrics,
  request: CloudFormationCustomResourceEvent,
  answer: Answer,
  now: number,
): void {
  const answeredAs = { RequestType: request.RequestType, Outcome: answer.status };
  metrics.add('Answers', 1, answeredAs);
  const sentAt = cloudFormationWait(request.ResponseURL)?.sentAt;
  if (sentAt !== undefined) metrics.add('SecondsToAnswer', (now - sentAt) / 1000, answeredAs);

  const run = { Outcome: answer.status, Cause: causeOf(answer) };
  metrics.add('Runs', 1, run);
  const { tasks } = answer;
  if (!tasks) return;
  metrics.add('StartRetries', tasks.attempts - 1, run);
  if (tasks.startedAt === undefined || tasks.exitedAt === undefined) return;
  metrics.add('RunSeconds', Math.max(0, tasks.exitedAt - tasks.startedAt) / 1000, run);
  metrics.add('SecondsFromExitToAnswer', Math.max(0, now - tasks.exitedAt) / 1000, run);
}
