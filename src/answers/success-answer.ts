import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { describeAwsError } from '../diagnostics/failure-reason';
import type { Answer } from '../response/answer';
import { byteLength, MAX_RESPONSE_BYTES } from '../response/response-budget';
import type { DecidedTask } from '../tasks/task-outcome';
import type { OutputsRead } from '../tasks/task-outputs';
import type { Log } from '../runtime/log';
import { outputsThatDoNotFit } from './outputs-fit';
import { outputsTooLarge, outputsUnreadable } from './wording';
import { taskData } from './task-attributes';

/**
 * A successful run's answer with the Outputs its essential containers printed (`read`: what reading them came to).
 * It fails, naming the output, when the printed values could not be read or do not fit CloudFormation's response.
 * A reading cut short (`time-short`) is answered with what it found: that happens only when no other invocation can
 * go on reading.
 */
export function successAnswer(
  request: CloudFormationCustomResourceEvent,
  read: OutputsRead,
  tasks: readonly DecidedTask[],
  { attempts }: { attempts: number },
  log: Log,
): Answer {
  if (read.kind === 'unreadable') {
    const call = `GetLogEvents on log group ${read.where.group}, stream ${read.where.stream ?? ''}`;
    return {
      status: 'FAILED',
      reason: outputsUnreadable(tasks.length, describeAwsError(call, read.error)),
      data: taskData(tasks, { attempts }),
    };
  }
  if (read.notFound.length > 0)
    log.warn('Declared Outputs never appeared in the log; their attributes are empty', {
      outputs: read.notFound,
      truncatedStreams: read.truncatedStreams,
      hint:
        "If the container printed them, awslogs may have dropped the lines: its non-blocking mode (ECS's default" +
        " since June 2025) drops what does not fit its buffer. Set the log configuration's mode to blocking, or raise" +
        ' max-buffer-size.',
    });
  const answer: Answer = { status: 'SUCCESS', data: taskData(tasks, { attempts, outputs: read.values }) };
  const tooLarge = outputsThatDoNotFit(request, answer, read.values);
  if (tooLarge.length === 0) return answer;
  const sizes = tooLarge.map((name) => ({ name, bytes: byteLength(read.values[name] ?? '') }));
  return {
    status: 'FAILED',
    reason: outputsTooLarge(tasks.length, sizes, MAX_RESPONSE_BYTES),
    data: taskData(tasks, { attempts }),
  };
}
