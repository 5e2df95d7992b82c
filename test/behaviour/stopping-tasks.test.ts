import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  type DescribeTasksCommandInput,
  ListTasksCommand,
  type ListTasksCommandInput,
  RunTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { ecsTask, mockedAws, stoppedTask, stubHappyPath, TASK_ARN } from '../support/aws-mocks';
import { fixtures, withProperties } from '../support/fixtures';
import { invokeWith } from '../support/invoke';

const aws = mockedAws();
const invoke = invokeWith(aws.ports);
const STOPPING_TASK = TASK_ARN.replace('0a1b2c3d', 'e1e2e3e4');
const STOPPING_ID = 'e1e2e3e44e5f46789abcdef012345678';
const TEARDOWN_TASK = TASK_ARN.replace('0a1b2c3d', '3c4d5e6f');

/**
 * A task of the resource that someone asked to stop: ListTasks names it only with desiredStatus STOPPED, and it
 * still runs (its containers handle SIGTERM) for `runsForPolls` polls by ARN.
 */
function aTaskIsStopping(runsForPolls = Infinity) {
  aws.ecs.on(ListTasksCommand).callsFake((input: ListTasksCommandInput) => ({
    taskArns: input.desiredStatus === 'STOPPED' ? [STOPPING_TASK] : [],
  }));
  let polls = 0;
  aws.ecs.on(DescribeTasksCommand, { tasks: [STOPPING_TASK] }).callsFake((input: DescribeTasksCommandInput) => {
    const stopping = ecsTask({ taskArn: STOPPING_TASK, desiredStatus: 'STOPPED', lastStatus: 'DEACTIVATING' });
    if (input.include?.includes('TAGS')) return { tasks: [stopping] };
    return { tasks: [polls++ < runsForPolls ? stopping : stoppedTask(143, { taskArn: STOPPING_TASK })] };
  });
}

const updateIfRunning = (policy: string) => withProperties(fixtures.update(), { IfRunning: policy });

/** The tasks polled by ARN (not the DescribeTasks that reads an earlier run's tags). */
const polled = () =>
  aws.ecs
    .commandCalls(DescribeTasksCommand)
    .filter((call) => call.args[0].input.include === undefined)
    .flatMap((call) => call.args[0].input.tasks ?? []);

beforeEach(() => {
  stubHappyPath(aws);
  aws.ecs.on(DescribeTasksCommand, { tasks: [TASK_ARN] }).resolves({ tasks: [stoppedTask(0)] });
});

describe('a task asked to stop counts as running', () => {
  it('is looked for under both desired statuses, by startedBy', async () => {
    await invoke(updateIfRunning('Wait'));
    const inputs = aws.ecs.commandCalls(ListTasksCommand).map((call) => call.args[0].input);
    expect(inputs.map((input) => input.desiredStatus)).toEqual(['RUNNING', 'STOPPED']);
    expect(inputs.map((input) => Object.keys(input).sort())).toEqual(
      Array(2).fill(['cluster', 'desiredStatus', 'startedBy']),
    );
  });

  it('IfRunning Wait starts only once the stopping task has stopped', async () => {
    aTaskIsStopping(3);
    const { response } = await invoke(updateIfRunning('Wait'));
    expect(response?.Status).toBe('SUCCESS');
    expect(polled().filter((arn) => arn === STOPPING_TASK)).toHaveLength(4);
    const calls = aws.ecs.calls().map((call) => call.args[0]);
    const lastPollOfStopping = calls.findLastIndex(
      (command) => command instanceof DescribeTasksCommand && command.input.tasks?.includes(STOPPING_TASK),
    );
    expect(calls.findIndex((command) => command instanceof RunTaskCommand)).toBeGreaterThan(lastPollOfStopping);
    expect(aws.ecs).not.toHaveReceivedCommand(StopTaskCommand);
  });

  it('IfRunning Stop waits for it without stopping it again', async () => {
    aTaskIsStopping(2);
    const { response } = await invoke(updateIfRunning('Stop'));
    expect(response?.Status).toBe('SUCCESS');
    expect(aws.ecs).not.toHaveReceivedCommand(StopTaskCommand);
    expect(polled().filter((arn) => arn === STOPPING_TASK)).toHaveLength(3);
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
  });

  it('IfRunning Fail refuses to start beside it', async () => {
    aTaskIsStopping();
    const { response } = await invoke(updateIfRunning('Fail'));
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toContain(STOPPING_ID);
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
  });
});

describe('Delete and a task already stopping', () => {
  beforeEach(() => {
    aws.cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [{ StackName: 'todobackend', StackStatus: 'DELETE_IN_PROGRESS', CreationTime: new Date() }],
    });
    aws.ecs.on(DescribeTaskDefinitionCommand, { taskDefinition: 'todobackend-teardown' }).resolves({
      taskDefinition: {
        taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/todobackend-teardown:2',
        networkMode: 'awsvpc',
        containerDefinitions: [{ name: 'teardown', essential: true }],
      },
    });
    aws.ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: TEARDOWN_TASK }], failures: [] });
    aws.ecs.on(DescribeTasksCommand, { tasks: [TEARDOWN_TASK] }).resolves({
      tasks: [
        stoppedTask(0, {
          taskArn: TEARDOWN_TASK,
          containers: [{ name: 'teardown', lastStatus: 'STOPPED', exitCode: 0 }],
        }),
      ],
    });
  });

  it('does not stop it again, and says it was already stopping', async () => {
    aTaskIsStopping();
    const { response } = await invoke(fixtures.delete());
    expect(aws.ecs).not.toHaveReceivedCommand(StopTaskCommand);
    expect(response).toMatchObject({ Status: 'SUCCESS', Reason: `1 task(s) already stopping: ${STOPPING_ID}.` });
  });

  it('starts the OnDelete teardown only once it has stopped', async () => {
    aTaskIsStopping(2);
    const event = withProperties(fixtures.delete(), { OnDelete: { TaskDefinition: 'todobackend-teardown' } });
    const { response } = await invoke(event);
    expect(response?.Status).toBe('SUCCESS');
    expect(polled()).toEqual([STOPPING_TASK, STOPPING_TASK, STOPPING_TASK, TEARDOWN_TASK]);
    expect(aws.ecs).not.toHaveReceivedCommand(StopTaskCommand);
  });
});
