import type { DescribeTasksCommandInput, DescribeTasksCommandOutput } from '@aws-sdk/client-ecs';
import type { EcsApi } from '../../aws/ports';

/**
 * A DescribeTasks answer just read by whatever woke a parked run — the event's confirmation (wake-parked-run.ts), the
 * sweep's look (sweep-parked-runs.ts) — with the question it answered. The woken run's step reads its tasks once
 * (parked-attempt.ts): when it asks exactly that question, moments later, the answer already read is its answer, and
 * ECS is not asked twice for one wake (issue 38's DescribeTasks per task-minute after parking).
 */
export interface FreshRead {
  input: DescribeTasksCommandInput;
  output: DescribeTasksCommandOutput;
}

/** `ecs` with `read` given back, once, to the first DescribeTasks asking the same question; every other call goes on. */
export function reusingFreshRead(ecs: EcsApi, read: FreshRead | undefined): EcsApi {
  if (!read) return ecs;
  let unused = true;
  return {
    runTask: (input) => ecs.runTask(input),
    describeTasks: (input) => {
      if (unused && sameQuestion(input, read.input)) {
        unused = false;
        return Promise.resolve(read.output);
      }
      return ecs.describeTasks(input);
    },
    stopTask: (input) => ecs.stopTask(input),
    listTasks: (input) => ecs.listTasks(input),
    describeTaskDefinition: (input) => ecs.describeTaskDefinition(input),
    listContainerInstances: (input) => ecs.listContainerInstances(input),
    describeContainerInstances: (input) => ecs.describeContainerInstances(input),
  };
}

function sameQuestion(asked: DescribeTasksCommandInput, read: DescribeTasksCommandInput): boolean {
  return asked.cluster === read.cluster && sameSet(asked.tasks, read.tasks) && sameSet(asked.include, read.include);
}

function sameSet(one: readonly string[] | undefined, other: readonly string[] | undefined): boolean {
  const a = [...(one ?? [])].sort();
  const b = [...(other ?? [])].sort();
  return a.length === b.length && a.every((value, i) => value === b[i]);
}
