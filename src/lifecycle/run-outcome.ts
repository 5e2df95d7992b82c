import { describeAwsError } from '../diagnostics/failure-reason';
import type { Answer } from '../response/answer';
import { byteLength, MAX_RESPONSE_BYTES } from '../response/response-budget';
import type { DecidedTask } from '../tasks/task-outcome';
import { readTaskOutputs } from '../tasks/task-outputs';
import type { LifecycleDependencies } from './contract';
import { outputsThatDoNotFit } from './outputs-fit';
import type { Run } from './run-state';
import { outputsTooLarge, outputsUnreadable } from './run-wording';
import { taskData } from './task-attributes';

/** Time kept after reading the Outputs to answer CloudFormation within this invocation. */
const ANSWER_TIME_MS = 20_000;

/**
 * A successful run's answer with the Outputs its essential containers printed. It fails, naming the output, when
 * the printed values cannot be read or do not fit CloudFormation's response.
 */
export async function successAnswer(
  run: Pick<Run, 'request' | 'plan'>,
  names: readonly string[],
  tasks: readonly DecidedTask[],
  attempts: number,
  deps: LifecycleDependencies,
): Promise<Answer> {
  const read = await readTaskOutputs(
    { logs: () => deps.aws.logs(), ecs: deps.aws.ecs, clock: deps.clock },
    {
      cluster: run.plan.cluster,
      taskArns: tasks.map((task) => task.taskArn),
      logs: run.plan.logs,
      names,
      until: Math.min(run.plan.deadline, deps.clock.now() + deps.invocation.remainingTimeMs() - ANSWER_TIME_MS),
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
      hint: "If the container printed them, awslogs may have dropped the lines: its non-blocking mode (ECS's default since June 2025) drops what does not fit its buffer. Set the log configuration's mode to blocking, or raise max-buffer-size.",
    });
  const answer: Answer = { status: 'SUCCESS', data: taskData(tasks, { attempts, outputs: read.values }) };
  const tooLarge = outputsThatDoNotFit(run.request, answer, read.values);
  if (tooLarge.length === 0) return answer;
  const sizes = tooLarge.map((name) => ({ name, bytes: byteLength(read.values[name] ?? '') }));
  return {
    status: 'FAILED',
    reason: outputsTooLarge(tasks.length, sizes, MAX_RESPONSE_BYTES),
    data: taskData(tasks, { attempts }),
  };
}
