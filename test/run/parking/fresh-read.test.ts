import {
  DescribeContainerInstancesCommand,
  DescribeTaskDefinitionCommand,
  type DescribeTasksCommandInput,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  ListTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
  type TaskField,
} from '@aws-sdk/client-ecs';
import { type FreshRead, reusingFreshRead } from '../../../src/run/parking/fresh-read';
import { ecsTask, mockedAws, stoppedTask, stubHappyPath, TASK_ARN } from '../../support/aws-mocks';

const aws = mockedAws();
beforeEach(() => {
  stubHappyPath(aws);
  aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask({ version: 9 })] });
});

const CLUSTER = 'todobackend-cluster';
const OTHER_ARN = 'arn:aws:ecs:us-east-1:123456789012:task/todobackend-cluster/ffffffffffffffffffffffffffffffff';
const THIRD_ARN = 'arn:aws:ecs:us-east-1:123456789012:task/todobackend-cluster/eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee';

const TAGS: TaskField[] = ['TAGS'];

/** What the wake read: DescribeTasks of `input`, which found the task stopped. */
function readOf(input: DescribeTasksCommandInput): FreshRead {
  return { input, output: { tasks: [stoppedTask(0, { version: 5 })], $metadata: {} } };
}

describe('a DescribeTasks answer just read by the wake', () => {
  it('is given back to the first DescribeTasks that asks the same question, and ECS is asked the next time', async () => {
    const read = readOf({ cluster: CLUSTER, tasks: [TASK_ARN] });
    const ecs = reusingFreshRead(aws.ports.ecs, read);
    expect(await ecs.describeTasks({ cluster: CLUSTER, tasks: [TASK_ARN] })).toBe(read.output);
    expect(aws.ecs).not.toHaveReceivedCommand(DescribeTasksCommand);
    const again = await ecs.describeTasks({ cluster: CLUSTER, tasks: [TASK_ARN] });
    expect(again.tasks).toEqual([ecsTask({ version: 9 })]);
    expect(aws.ecs).toHaveReceivedCommandTimes(DescribeTasksCommand, 1);
  });

  it.each([
    {
      what: 'the tasks in another order',
      read: { cluster: CLUSTER, tasks: [TASK_ARN, OTHER_ARN, THIRD_ARN] },
      asked: { cluster: CLUSTER, tasks: [THIRD_ARN, TASK_ARN, OTHER_ARN] },
    },
    {
      what: 'the same include',
      read: { cluster: CLUSTER, tasks: [TASK_ARN], include: TAGS },
      asked: { cluster: CLUSTER, tasks: [TASK_ARN], include: [...TAGS] },
    },
    {
      what: 'no include, and an empty one',
      read: { cluster: CLUSTER, tasks: [TASK_ARN] },
      asked: { cluster: CLUSTER, tasks: [TASK_ARN], include: [] },
    },
  ])('answers the same question asked with $what', async ({ read, asked }) => {
    const fresh = readOf(read);
    expect(await reusingFreshRead(aws.ports.ecs, fresh).describeTasks(asked)).toBe(fresh.output);
    expect(aws.ecs).not.toHaveReceivedCommand(DescribeTasksCommand);
  });

  it.each([
    {
      what: 'another cluster',
      asked: { cluster: 'other-cluster', tasks: [TASK_ARN, OTHER_ARN], include: TAGS },
    },
    { what: 'fewer tasks', asked: { cluster: CLUSTER, tasks: [TASK_ARN], include: TAGS } },
    {
      what: 'more tasks',
      asked: { cluster: CLUSTER, tasks: [TASK_ARN, OTHER_ARN, THIRD_ARN], include: TAGS },
    },
    {
      what: 'another task in place of one',
      asked: { cluster: CLUSTER, tasks: [TASK_ARN, THIRD_ARN], include: TAGS },
    },
    { what: 'no include', asked: { cluster: CLUSTER, tasks: [TASK_ARN, OTHER_ARN] } },
  ])('is not given to another question, which ECS answers: $what', async ({ asked }) => {
    const fresh = readOf({ cluster: CLUSTER, tasks: [TASK_ARN, OTHER_ARN], include: TAGS });
    const ecs = reusingFreshRead(aws.ports.ecs, fresh);
    expect(await ecs.describeTasks(asked)).not.toBe(fresh.output);
    expect(aws.ecs.commandCalls(DescribeTasksCommand).map((call) => call.args[0].input)).toEqual([asked]);
    // Still unused: the question it answers gets it.
    expect(await ecs.describeTasks({ cluster: CLUSTER, tasks: [OTHER_ARN, TASK_ARN], include: TAGS })).toBe(
      fresh.output,
    );
  });

  it('leaves ECS as it is when nothing was read', () => {
    expect(reusingFreshRead(aws.ports.ecs, undefined)).toBe(aws.ports.ecs);
  });

  it('passes every other call on to ECS', async () => {
    const ecs = reusingFreshRead(aws.ports.ecs, readOf({ cluster: CLUSTER, tasks: [TASK_ARN] }));
    await ecs.runTask({ cluster: CLUSTER, taskDefinition: 'todobackend-migrate' });
    await ecs.stopTask({ cluster: CLUSTER, task: TASK_ARN });
    await ecs.listTasks({ cluster: CLUSTER });
    await ecs.describeTaskDefinition({ taskDefinition: 'todobackend-migrate' });
    await ecs.listContainerInstances({ cluster: CLUSTER });
    await ecs.describeContainerInstances({ cluster: CLUSTER, containerInstances: ['instance'] });
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
    expect(aws.ecs).toHaveReceivedCommandTimes(StopTaskCommand, 1);
    expect(aws.ecs).toHaveReceivedCommandTimes(ListTasksCommand, 1);
    expect(aws.ecs).toHaveReceivedCommandTimes(DescribeTaskDefinitionCommand, 1);
    expect(aws.ecs).toHaveReceivedCommandTimes(ListContainerInstancesCommand, 1);
    expect(aws.ecs).toHaveReceivedCommandTimes(DescribeContainerInstancesCommand, 1);
  });
});
