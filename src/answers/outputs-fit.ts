import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import type { RunnerProperties } from '../properties/runner-properties';
import { type Answer, answerBody } from '../response/answer';
import { jsonBytes, jsonValueBytes, MAX_RESPONSE_BYTES } from '../response/response-budget';
import type { Log } from '../runtime/log';
import { resourceName } from '../shared/arns';
import { outputNamesTooLong } from './wording';

/** What a successful answer's built-in attributes typically hold, to see up front whether the Outputs fit. */
const TYPICAL_SUCCESS = {
  exitCode: '0',
  stopCode: 'EssentialContainerExited',
  stoppedReason: 'Essential container in task exited',
};

/**
 * Bytes of CloudFormation's 4096-byte response left for the Outputs' values when `count` tasks succeed with every
 * declared output printed empty; negative when even the names do not fit. Task ARNs are shaped from the task
 * definition's ARN (same region and account) and the cluster's name.
 */
export function roomForOutputValues(
  request: CloudFormationCustomResourceEvent,
  run: { outputs: readonly string[]; count: number; attempts: number; cluster: string; taskDefinitionArn: string },
): number {
  const taskId = '0'.repeat(32);
  const taskArn = run.taskDefinitionArn.replace(
    /:task-definition\/.*$/,
    `:task/${resourceName(run.cluster)}/${taskId}`,
  );
  const data = {
    TaskArn: taskArn,
    TaskArns: Array.from({ length: run.count }, () => taskArn).join(','),
    TaskId: taskId,
    ExitCode: TYPICAL_SUCCESS.exitCode,
    StopCode: TYPICAL_SUCCESS.stopCode,
    StoppedReason: TYPICAL_SUCCESS.stoppedReason,
    Attempts: String(run.attempts),
    ...Object.fromEntries(run.outputs.map((name) => [name, ''])),
  };
  return MAX_RESPONSE_BYTES - bodyBytes(request, { status: 'SUCCESS', data });
}

/** Whether the declared Outputs can fit the response: with empty values at least, or the run is refused. */
export type OutputsFit = { kind: 'fits' } | { kind: 'refused'; reason: string };

/**
 * Refuses a run before anything starts when its declared Outputs cannot fit the response even with empty values;
 * when they can, the room left is logged.
 */
export function checkOutputsFit(
  request: CloudFormationCustomResourceEvent,
  properties: Pick<RunnerProperties, 'outputs' | 'count' | 'startRetries' | 'cluster'>,
  taskDefinitionArn: string,
  log: Log,
): OutputsFit {
  if (!properties.outputs) return { kind: 'fits' };
  const { outputs, count } = properties;
  const room = roomForOutputValues(request, {
    outputs,
    count,
    attempts: properties.startRetries + 1,
    cluster: properties.cluster,
    taskDefinitionArn,
  });
  if (room >= 0) {
    log.info("Room left in the response for the Outputs' values", { bytes: room, outputs });
    return { kind: 'fits' };
  }
  return { kind: 'refused', reason: outputNamesTooLong(outputs.length, -room, count, MAX_RESPONSE_BYTES) };
}

/**
 * The outputs to leave out for the answer to fit CloudFormation's 4096 bytes, largest value first; empty when it
 * fits. The runner never shortens an output's value: a shortened ID would be worse than a clear failure.
 */
export function outputsThatDoNotFit(
  request: CloudFormationCustomResourceEvent,
  answer: Answer,
  outputs: Readonly<Record<string, string>>,
): string[] {
  let excess = bodyBytes(request, answer) - MAX_RESPONSE_BYTES;
  const largestFirst = Object.entries(outputs).sort(([, a], [, b]) => jsonValueBytes(b) - jsonValueBytes(a));
  const left: string[] = [];
  for (const [name, value] of largestFirst) {
    if (excess <= 0) break;
    left.push(name);
    excess -= jsonValueBytes(value);
  }
  return left;
}

function bodyBytes(request: CloudFormationCustomResourceEvent, answer: Answer): number {
  return jsonBytes(answerBody(request, answer));
}
