import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { errorName, errorSummary } from '../aws/aws-errors';
import type { Answer } from '../response/answer';
import { emptyData } from '../answers/task-attributes';
import type { RunnerDeps, RequestOutcome } from '../run/contract';
import { cloudFormationWait } from '../run/deadline';
import { forgetResource, keepSuccessfulRun, readResource } from './resource-record';

/**
 * The attributes a resource keeps between requests (the state table, `STATE_TABLE_NAME`). `Fn::GetAtt` reads the
 * Data of the latest answer, so an Update that runs nothing answers the last successful run's Data again: its
 * TaskArn, ExitCode and Outputs, with every declared Output present (one declared since, or a resource created
 * before the table, answers ""). Also during an update rollback: the migration that ran is not undone by it, and
 * the attributes keep describing it. A table that cannot be read or written never fails the request: it answers
 * as a runner without a table would, and logs the error.
 */

/** The Data an Update that runs nothing answers. */
export async function skippedUpdateData(
  request: CloudFormationCustomResourceEvent,
  outputs: readonly string[] | undefined,
  deps: Pick<RunnerDeps, 'aws' | 'log'>,
): Promise<Record<string, string>> {
  const empty = emptyData(outputs);
  try {
    const kept = await readResource(await deps.aws.stateTable(), request);
    if (kept.kind === 'kept' && kept.record.kind === 'resource') return { ...empty, ...kept.record.data };
    deps.log.info('No attributes kept for this resource: the Update answers them empty', {
      kept: kept.kind === 'kept' ? kept.record.kind : kept.kind,
    });
  } catch (error) {
    deps.log.error('Could not read the attributes kept for this resource: the Update answers them empty', {
      error: errorName(error),
      message: errorSummary(error),
    });
  }
  return empty;
}

/** After a run of the resource (Create or Update) ends: keeps its Data when it succeeded. */
export async function keepingAttributes(
  request: CloudFormationCustomResourceEvent,
  outcome: RequestOutcome,
  deps: Pick<RunnerDeps, 'aws' | 'clock' | 'log'>,
): Promise<RequestOutcome> {
  if (outcome.kind !== 'answer' || outcome.answer.status !== 'SUCCESS') return outcome;
  await keep(request, outcome.answer, deps);
  return outcome;
}

async function keep(
  request: CloudFormationCustomResourceEvent,
  answer: Answer,
  deps: Pick<RunnerDeps, 'aws' | 'clock' | 'log'>,
): Promise<void> {
  try {
    const table = await deps.aws.stateTable();
    if (!table) return;
    const kept = await keepSuccessfulRun(table, request, { data: answer.data ?? {}, sentAt: sentAt(request, deps) });
    if (kept === 'superseded')
      deps.log.warn('Attributes not kept: a later request of this resource, or its Delete, was recorded first');
  } catch (error) {
    deps.log.error('Could not keep the attributes of this run: an Update that runs nothing will answer them empty', {
      error: errorName(error),
      message: errorSummary(error),
    });
  }
}

/** After a Delete: nothing of the resource stays in the table but a tombstone that expires. */
export async function forgettingAttributes(
  request: CloudFormationCustomResourceEvent,
  outcome: RequestOutcome,
  deps: Pick<RunnerDeps, 'aws' | 'clock' | 'log'>,
): Promise<RequestOutcome> {
  if (outcome.kind !== 'answer') return outcome;
  try {
    const table = await deps.aws.stateTable();
    if (table) await forgetResource(table, request, { sentAt: sentAt(request, deps), now: deps.clock.now() });
  } catch (error) {
    deps.log.error('Could not remove the attributes kept for this resource from the state table', {
      error: errorName(error),
      message: errorSummary(error),
    });
  }
  return outcome;
}

/** When CloudFormation sent the request (the ResponseURL's X-Amz-Date), or now for a URL without one. */
export function sentAt(request: CloudFormationCustomResourceEvent, deps: Pick<RunnerDeps, 'clock'>): number {
  return cloudFormationWait(request.ResponseURL)?.sentAt ?? deps.clock.now();
}
