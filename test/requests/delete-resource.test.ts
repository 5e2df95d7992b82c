import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { ecsTask, mockedAws, stoppedTask, stubHappyPath, TASK_ARN } from '../support/aws-mocks';
import { fixtures, withProperties } from '../support/fixtures';
import { invokeWith } from '../support/invoke';

const aws = mockedAws();
const invoke = invokeWith(aws.ports);
const TEARDOWN_DEFINITION = 'arn:aws:ecs:us-east-1:123456789012:task-definition/todobackend-teardown:2';
const TEARDOWN_TASK = TASK_ARN.replace('0a1b2c3d', '3c4d5e6f');

const deleteWith = (properties: Record<string, unknown> = {}) => withProperties(fixtures.delete(), properties);

const withTeardown = { OnDelete: { TaskDefinition: 'todobackend-teardown' } };

beforeEach(() => {
  stubHappyPath(aws);
  aws.cloudFormation
    .on(DescribeStacksCommand)
    .resolves({ Stacks: [{ StackName: 'todobackend', StackStatus: 'DELETE_IN_PROGRESS', CreationTime: new Date() }] });
  aws.ecs.on(DescribeTaskDefinitionCommand, { taskDefinition: 'todobackend-teardown' }).resolves({
    taskDefinition: {
      taskDefinitionArn: TEARDOWN_DEFINITION,
      networkMode: 'awsvpc',
      containerDefinitions: [{ name: 'teardown', essential: true }],
    },
  });
  aws.ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: TEARDOWN_TASK }], failures: [] });
  aws.ecs.on(DescribeTasksCommand).resolves({
    tasks: [
      stoppedTask(0, {
        taskArn: TEARDOWN_TASK,
        containers: [{ name: 'teardown', lastStatus: 'STOPPED', exitCode: 0 }],
      }),
    ],
  });
});

/** The task ARNs DescribeTasks was asked about, in order. */
const described = () => aws.ecs.commandCalls(DescribeTasksCommand).flatMap((call) => call.args[0].input.tasks ?? []);

describe("Delete says what became of the resource's tasks", () => {
  it('says no task was running when ListTasks names none, and stops nothing', async () => {
    const { response } = await invoke(deleteWith());
    expect(response).toMatchObject({ Status: 'SUCCESS', Reason: 'No task of this resource was running.' });
    expect(aws.ecs).not.toHaveReceivedCommand(StopTaskCommand);
  });

  it("tells ECS why it stops a task, so the task's stopped reason shows who stopped it", async () => {
    aws.ecs.on(ListTasksCommand).resolves({ taskArns: [TASK_ARN] });
    aws.ecs.on(DescribeTasksCommand, { tasks: [TASK_ARN] }).resolves({ tasks: [ecsTask()] });
    await invoke(deleteWith());
    expect(aws.ecs).toHaveReceivedCommandWith(StopTaskCommand, {
      task: TASK_ARN,
      reason: 'ecs-task-runner: the resource was deleted',
    });
  });

  it('says the tasks were left alone when StopOnDelete is false', async () => {
    const { response } = await invoke(deleteWith({ StopOnDelete: 'false' }));
    expect(response).toMatchObject({
      Status: 'SUCCESS',
      Reason: 'StopOnDelete is false: tasks still running were left alone.',
    });
  });

  it('says the cluster is gone when ECS no longer knows it', async () => {
    aws.ecs
      .on(ListTasksCommand)
      .rejects(Object.assign(new Error('Cluster not found.'), { name: 'ClusterNotFoundException' }));
    const { response } = await invoke(deleteWith());
    expect(response).toMatchObject({
      Status: 'SUCCESS',
      Reason: 'Cluster todobackend-cluster no longer exists: nothing to stop.',
    });
  });

  it('logs a warning, and says it deleted without stopping, when ListTasks is refused', async () => {
    aws.ecs
      .on(ListTasksCommand)
      .rejects(
        Object.assign(new Error('User is not authorized to perform: ecs:ListTasks'), { name: 'AccessDeniedException' }),
      );
    const { response, log } = await invoke(deleteWith());
    expect(response?.Status).toBe('SUCCESS');
    expect(response?.Reason).toMatch(/^Deleted without stopping tasks: ListTasks failed: AccessDeniedException/);
    expect(log.entries).toContainEqual({
      level: 'warn',
      message: "Could not stop the resource's tasks on Delete",
      extra: [{ error: 'AccessDeniedException: User is not authorized to perform: ecs:ListTasks' }],
    });
  });

  it('says the properties were invalid when they cannot be read, asking ECS nothing', async () => {
    const { response } = await invoke(deleteWith({ Count: 'many' }));
    expect(response).toMatchObject({
      Status: 'SUCCESS',
      Reason: "Nothing to clean up: the resource's properties were invalid, so it never started a task.",
    });
    expect(aws.ecs.calls()).toHaveLength(0);
  });
});

describe('a teardown waits only for the tasks Delete stopped', () => {
  it('starts at once, waiting for nothing, when StopOnDelete is false', async () => {
    const { response } = await invoke(deleteWith({ ...withTeardown, StopOnDelete: 'false' }));
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
    expect(described()).toEqual([TEARDOWN_TASK]);
    expect(response?.Reason).toBe(
      'StopOnDelete is false: tasks still running were left alone. Teardown task 3c4d5e6f4e5f46789abcdef012345678 succeeded.',
    );
  });

  it('starts at once, waiting for nothing, when ListTasks was refused', async () => {
    aws.ecs.on(ListTasksCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const { response } = await invoke(deleteWith(withTeardown));
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
    expect(described()).toEqual([TEARDOWN_TASK]);
    expect(response?.Reason).toMatch(/Teardown task 3c4d5e6f4e5f46789abcdef012345678 succeeded\.$/);
  });

  it('waits for nothing when the cluster is gone, and says the teardown failed', async () => {
    aws.ecs
      .on(ListTasksCommand)
      .rejects(Object.assign(new Error('Cluster not found.'), { name: 'ClusterNotFoundException' }));
    aws.ecs
      .on(RunTaskCommand)
      .rejects(Object.assign(new Error('Cluster not found.'), { name: 'ClusterNotFoundException' }));
    const { response } = await invoke(deleteWith(withTeardown));
    expect(described()).toEqual([]);
    expect(response?.Status).toBe('SUCCESS');
    expect(response?.Reason).toMatch(
      /^Cluster todobackend-cluster no longer exists: nothing to stop\. Teardown failed: /,
    );
  });
});
