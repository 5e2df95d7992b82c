import { errorName, errorSummary } from '../aws/aws-errors';
import { takeEcsEvent } from '../events/take-ecs-event';
import { readEcsEvent } from '../events/task-state-change';
import { wakeParkedRun } from '../run/parking/wake-parked-run';
import type { EcsEventEnvelope } from '../runtime/ecs-event';
import { noMetrics } from '../runtime/metrics';
import { type AnswerDeps, answerWokenRun } from './answer-cloudformation';
import { recordWake, unwokenResult } from './wake-metrics';

/**
 * What the handler does with an ECS event from the runner template's rule. Events off (`deps.eventDriven` not true):
 * read and logged at debug, as before (take-ecs-event.ts). Events on: a task state change may wake a parked run
 * (wake-parked-run.ts), which this invocation then carries on and answers.
 *
 * An event for a task the runner did not start, or one it cannot read, never throws: Lambda would retry it and then
 * keep it in the failure queue. An AWS call that fails before the run was claimed (the table, the confirming
 * DescribeTasks) is thrown, so that Lambda's asynchronous retries deliver the event again: nothing was written, and a
 * version recorded by an earlier delivery makes the repeat stale. Once the run is claimed, nothing throws: the answer
 * path answers every error (answerCloudFormation's rule). Each event taken is counted: `Wakes` by what it came to
 * (wake-metrics.ts); one thrown for Lambda to deliver again is counted when it is taken.
 */
export async function answerEcsEvent(envelope: EcsEventEnvelope, deps: AnswerDeps): Promise<void> {
  const read = readEcsEvent(envelope);
  if (deps.eventDriven !== true || read.kind !== 'task-state-change') {
    takeEcsEvent(envelope, deps.log);
    return;
  }
  let wake;
  try {
    wake = await wakeParkedRun(read.change, deps);
  } catch (error) {
    deps.log.error('Could not take the ECS event: Lambda delivers it again', {
      taskArn: read.change.taskArn,
      version: read.change.version,
      error: errorName(error),
      message: errorSummary(error),
    });
    throw error;
  }
  const metrics = deps.metrics ?? noMetrics;
  if (wake.kind === 'woken') {
    recordWake(metrics, 'event', await answerWokenRun(wake.run, wake.itemVersion, deps, wake.read));
    return;
  }
  const result = unwokenResult(wake);
  if (result) recordWake(metrics, 'event', result);
}
