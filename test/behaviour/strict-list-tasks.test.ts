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
const RUNNING_TASK = TASK_ARN.replace('0a1b2c3d', 'a1a2a3a4');
const RUNNING_ID = 'a1a2a3a44e5f46789abcdef012345678';
const SOMEONE_ELSES = TASK_ARN.replace('0a1b2c3d', 'b1b2b3b4');
const TEARDOWN_TASK = TASK_ARN.replace('0a1b2c3d', '3c4d5e6f');

/**
 * ECS read strictly: startedBy "must be the only filter", so startedBy with a desiredStatus is refused. Listed by
 * startedBy alone: the resource's running task; listed by the cluster with desiredStatus STOPPED: the resource's
 * stopping task and another team's stopping task. The stopping task ends after `stoppingPolls` polls by ARN.
 */
function ecsReadsStartedByStrictly(stoppingPolls = 2) {
  aws.ecs.on(ListTasksCommand).callsFake((input: ListTasksCommandInput) => {
    if (input.startedBy && input.desiredStatus)
      throw Object.assign(new Error('startedBy must be the only filter'), { name: 'InvalidParameterException' });
    if (input.startedBy) return { taskArns: [RUNNING_TASK] };
    return input.desiredStatus === 'STOPPED' ? { taskArns: [STOPPING_TASK, SOMEONE_ELSES] } : { taskArns: [] };
  });
  let polls = 0;
  let stopped = false;
  aws.ecs.on(StopTaskCommand).callsFake(() => {
    stopped = true;
    return {};
  });
  aws.ecs.on(DescribeTasksCommand).callsFake((input: DescribeTasksCommandInput) => ({
    tasks: (input.tasks ?? []).map((arn) => {
      if (arn === SOMEONE_ELSES)
        return ecsTask({ taskArn: arn, tags: [], startedBy: 'other-team', desiredStatus: 'STOPPED' });
      if (arn === STOPPING_TASK)
        return !input.include && polls++ >= stoppingPolls
          ? stoppedTask(143, { taskArn: arn })
          : ecsTask({ taskArn: arn, desiredStatus: 'STOPPED', lastStatus: 'DEACTIVATING' });
      if (arn === RUNNING_TASK)
        return stopped && !input.include ? stoppedTask(143, { taskArn: arn }) : ecsTask({ taskArn: arn });
      return stoppedTask(0, { taskArn: arn });
    }),
  }));
}

beforeEach(() => {
  stubHappyPath(aws);
  aws.ecs.on(DescribeTaskDefinitionCommand, { taskDefinition: 'todobackend-teardown' }).resolves({
    taskDefinition: {
      taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/todobackend-teardown:2',
      networkMode: 'awsvpc',
      containerDefinitions: [{ name: 'teardown', essential: true }],
    },
  });
  aws.ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: TEARDOWN_TASK }], failures: [] });
});

describe('ListTasks refusing startedBy with a desired status', () => {
  it('Delete falls back to what ECS allows, and still finds a stopping task by its tags', async () => {
    ecsReadsStartedByStrictly();
    const { response, log } = await invoke(fixtures.delete());
    const listings = aws.ecs.commandCalls(ListTasksCommand).map((call) => call.args[0].input);
    expect(listings).toContainEqual({ cluster: 'todobackend-cluster', startedBy: expect.any(String) });
    expect(listings).toContainEqual({ cluster: 'todobackend-cluster', desiredStatus: 'STOPPED' });
    expect(aws.ecs).toHaveReceivedCommandTimes(StopTaskCommand, 1);
    expect(aws.ecs).toHaveReceivedCommandWith(StopTaskCommand, { task: RUNNING_TASK });
    expect(aws.ecs).not.toHaveReceivedCommandWith(StopTaskCommand, { task: SOMEONE_ELSES });
    expect(response).toMatchObject({
      Status: 'SUCCESS',
      Reason: `Stopped 1 task(s) still running: ${RUNNING_ID}. 1 task(s) already stopping: ${STOPPING_ID}.`,
    });
    expect(log.entries.some((entry) => entry.message.startsWith('ListTasks refused startedBy'))).toBe(true);
    // Someone else's task is not named as sharing the resource's startedBy: it was only in the cluster's listing.
    expect(log.entries.some((entry) => entry.message.startsWith("Tasks share the resource's startedBy"))).toBe(false);
  });

  it('the teardown waits for both the stopped and the stopping task to end', async () => {
    ecsReadsStartedByStrictly(3);
    const { response } = await invoke(withProperties(fixtures.delete(), { OnDelete: {} }));
    const calls = aws.ecs.calls().map((call) => call.args[0]);
    const lastPollOfStopping = calls.findLastIndex(
      (command) =>
        command instanceof DescribeTasksCommand &&
        !command.input.include &&
        command.input.tasks?.includes(STOPPING_TASK),
    );
    expect(lastPollOfStopping).toBeGreaterThan(-1);
    expect(calls.findIndex((command) => command instanceof RunTaskCommand)).toBeGreaterThan(lastPollOfStopping);
    expect(response?.Status).toBe('SUCCESS');
    expect(response?.Reason).toMatch(/Teardown task 3c4d5e6f\w+ succeeded\.$/);
  });

  it('IfRunning Fail names the stopping task found the same way, and not the other team’s', async () => {
    ecsReadsStartedByStrictly();
    const { response } = await invoke(withProperties(fixtures.update(), { IfRunning: 'Fail' }));
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toContain(STOPPING_ID);
    expect(response?.Reason).not.toContain('b1b2b3b4');
  });
});
