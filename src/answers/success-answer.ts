import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { describeAwsError } from '../diagnostics/failure-reason';
import type { Answer } from '../response/answer';
import { byteLength, MAX_RESPONSE_BYTES } from '../response/response-budget';
import type { DecidedTask } from '../tasks/task-outcome';
import { readTaskOutputs } from '../tasks/task-outputs';
import type { AwsPorts } from '../aws/ports';
import type { Clock } from '../runtime/clock';
import type { Invocation } from '../runtime/invocation';
import type { Log } from '../runtime/log';
import { ANSWER_TIME_MS, timeBudget } from '../runtime/time-budget';
import type { AwsLogsLocation } from '../tasks/task-definition-facts';
import { outputsThatDoNotFit } from './outputs-fit';
import { outputsTooLarge, outputsUnreadable } from './wording';
import { taskData } from './task-attributes';

/**
 * A successful run's answer with the Outputs its essential containers printed. It fails, naming the output, when
 * the printed values cannot be read or do not fit CloudFormation's response.
 */
export async function successAnswer(
  request: CloudFormationCustomResourceEvent,
  run: {
    outputs: readonly string[];
    logs: Readonly<Record<string, AwsLogsLocation>>;
    cluster: string;
    /** Epoch milliseconds: no read of the Outputs starts later. */
    deadline: number;
    attempts: number;
  },
  tasks: readonly DecidedTask[],
  deps: { aws: Pick<AwsPorts, 'logs' | 'ecs'>; clock: Clock; invocation: Invocation; log: Log },
): Promise<Answer> {
  const { attempts } = run;
  const read = await readTaskOutputs(
    { logs: () => deps.aws.logs(), ecs: deps.aws.ecs, clock: deps.clock, log: deps.log },
    {
      cluster: run.cluster,
      taskArns: tasks.map((task) => task.taskArn),
      logs: run.logs,
      names: run.outputs,
      until: timeBudget(run.deadline, deps).callUntil(ANSWER_TIME_MS),
    },
  );
  if (read.kind === 'unreadable') {
    const call = `GetLogEvents on log group ${read.where.group}, stream ${read.where.stream ?? ''}`;
    return {
      status: 'FAILED',
      reason: outputsUnreadable(tasks.length, describeAwsError(call, read.error)),
      data: taskData(tasks, { attempts }),
    };
  }
  if (read.notFound.length > 0)
    deps.log.warn('Declared Outputs never appeared in the log; their attributes are empty', {
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
