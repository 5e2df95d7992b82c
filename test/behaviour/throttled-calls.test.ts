import {
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  type DescribeTasksCommandInput,
  ListTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { DELETE_LISTING_PATIENCE_MS } from '../../src/runtime/time-budget';
import { ecsTask, mockedAws, stoppedTask, stubHappyPath, stubStackStatuses, TASK_ARN } from '../support/aws-mocks';
import { FakeClock } from '../support/fakes';
import { fixtures, withProperties } from '../support/fixtures';
import { invokeWith } from '../support/invoke';

const aws = mockedAws();
const invoke = invokeWith(aws.ports);
const RUNNING_TASK = TASK_ARN.replace('0a1b2c3d', 'e1e2e3e4');
const TEARDOWN_TASK = TASK_ARN.replace('0a1b2c3d', '3c4d5e6f');
const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });

/** A mock answer that throws ThrottlingException `times` times, then answers `then()`. */
function throttledThen<T>(times: number, then: () => T): () => T {
  let calls = 0;
  return () => {
    if (calls++ < times) throw throttled();
    return then();
  };
}

beforeEach(() => stubHappyPath(aws));

describe('the preflight rides out a throttled DescribeTaskDefinition', () => {
  it('asks again with backoff, then starts the run', async () => {
    aws.ecs.on(DescribeTaskDefinitionCommand).callsFake(
      throttledThen(3, () => ({
        taskDefinition: {
          taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/todobackend-migrate:7',
          networkMode: 'awsvpc',
          containerDefinitions: [{ name: 'migrate', essential: true }],
        },
      })),
    );
    const { response, log } = await invoke(fixtures.create());
    expect(aws.ecs).toHaveReceivedCommandTimes(DescribeTaskDefinitionCommand, 4);
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
    expect(response?.Status).toBe('SUCCESS');
    expect(log.entries.filter((entry) => entry.message.startsWith('DescribeTaskDefinition of'))).toHaveLength(3);
  });
});

describe('StopTask is asked again until ECS accepts it', () => {
  it('at the deadline: the task does not outlive its FAILED answer', async () => {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask()] });
    aws.ecs.on(StopTaskCommand).callsFake(throttledThen(2, () => ({})));
    const { response, puts, log } = await invoke(withProperties(fixtures.create(), { Timeout: '60' }));
    expect(aws.ecs).toHaveReceivedCommandTimes(StopTaskCommand, 3);
    expect(puts).toHaveLength(1);
    expect(response?.Status).toBe('FAILED');
    expect(log.entries).toContainEqual({ level: 'info', message: 'Stopped task', extra: [expect.anything()] });
    expect(log.entries.some((entry) => entry.message === 'Could not stop task')).toBe(false);
  });

  it('when the stack moved on while RunTask was called: the task just started is stopped', async () => {
    stubStackStatuses(aws, 'CREATE_IN_PROGRESS', 'ROLLBACK_IN_PROGRESS');
    aws.ecs.on(StopTaskCommand).callsFake(throttledThen(2, () => ({})));
    const { response } = await invoke(fixtures.create());
    expect(aws.ecs).toHaveReceivedCommandTimes(StopTaskCommand, 3);
    expect(response?.Status).toBe('FAILED');
  });

  it("on Delete: the resource's task is stopped, and the teardown waits until it has ended", async () => {
    aws.ecs.on(ListTasksCommand).resolves({ taskArns: [RUNNING_TASK] });
    let stopped = false;
    aws.ecs.on(StopTaskCommand).callsFake(
      throttledThen(2, () => {
        stopped = true;
        return {};
      }),
    );
    aws.ecs.on(DescribeTasksCommand, { tasks: [RUNNING_TASK] }).callsFake(() => ({
      tasks: [stopped ? stoppedTask(143, { taskArn: RUNNING_TASK }) : ecsTask({ taskArn: RUNNING_TASK })],
    }));
    aws.ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: TEARDOWN_TASK }], failures: [] });
    aws.ecs.on(DescribeTasksCommand, { tasks: [TEARDOWN_TASK] }).resolves({
      tasks: [stoppedTask(0, { taskArn: TEARDOWN_TASK })],
    });
    const { response } = await invoke(withProperties(fixtures.delete(), { OnDelete: {} }));
    expect(aws.ecs).toHaveReceivedCommandTimes(StopTaskCommand, 3);
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
    expect(response?.Status).toBe('SUCCESS');
    expect(response?.Reason).toMatch(
      /^Stopped 1 task\(s\) still running: e1e2e3e4.*Teardown task 3c4d5e6f\w+ succeeded\.$/,
    );
  });
});

describe("Delete's listings ride out throttling", () => {
  /** The resource's task runs until it is told to stop; then the next poll by ARN sees it STOPPED. */
  function aTaskRunsUntilStopped() {
    let stopped = false;
    aws.ecs.on(StopTaskCommand).callsFake(() => {
      stopped = true;
      return {};
    });
    aws.ecs.on(DescribeTasksCommand, { tasks: [RUNNING_TASK] }).callsFake((input: DescribeTasksCommandInput) => ({
      tasks: [
        stopped && !input.include ? stoppedTask(143, { taskArn: RUNNING_TASK }) : ecsTask({ taskArn: RUNNING_TASK }),
      ],
    }));
    aws.ecs.on(RunTaskCommand).callsFake(() => {
      // The teardown never starts beside the resource's task.
      expect(stopped).toBe(true);
      return { tasks: [{ taskArn: TEARDOWN_TASK }], failures: [] };
    });
    aws.ecs.on(DescribeTasksCommand, { tasks: [TEARDOWN_TASK] }).resolves({
      tasks: [stoppedTask(0, { taskArn: TEARDOWN_TASK })],
    });
  }

  it('a throttled ListTasks is asked again: the running task is found, stopped, and ended before the teardown', async () => {
    aTaskRunsUntilStopped();
    aws.ecs.on(ListTasksCommand).callsFake(throttledThen(3, () => ({ taskArns: [RUNNING_TASK] })));
    const { response } = await invoke(withProperties(fixtures.delete(), { OnDelete: {} }));
    expect(aws.ecs).toHaveReceivedCommandWith(StopTaskCommand, { task: RUNNING_TASK });
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
    const calls = aws.ecs.calls().map((call) => call.args[0]);
    const lastPoll = calls.findLastIndex(
      (command) =>
        command instanceof DescribeTasksCommand &&
        JSON.stringify(command.input.tasks) === JSON.stringify([RUNNING_TASK]),
    );
    expect(calls.findIndex((command) => command instanceof RunTaskCommand)).toBeGreaterThan(lastPoll);
    expect(response?.Status).toBe('SUCCESS');
    expect(response?.Reason).toMatch(/^Stopped 1 task\(s\) still running: e1e2e3e4/);
  });

  it('a throttled DescribeTasks of the listing is asked again too', async () => {
    aTaskRunsUntilStopped();
    aws.ecs.on(ListTasksCommand).resolves({ taskArns: [RUNNING_TASK] });
    const tagged = throttledThen(2, () => ({ tasks: [ecsTask({ taskArn: RUNNING_TASK })] }));
    aws.ecs.on(DescribeTasksCommand, { tasks: [RUNNING_TASK], include: ['TAGS'] }).callsFake(() => tagged());
    const { response } = await invoke(withProperties(fixtures.delete(), { OnDelete: {} }));
    expect(aws.ecs).toHaveReceivedCommandWith(StopTaskCommand, { task: RUNNING_TASK });
    expect(response?.Reason).toMatch(/Teardown task 3c4d5e6f\w+ succeeded\.$/);
  });

  it('a listing still throttled at its bound answers FAILED saying why, and starts no teardown', async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const askedAt: number[] = [];
    aws.ecs.on(ListTasksCommand).callsFake(() => {
      askedAt.push(clock.now() - start);
      throw throttled();
    });
    const { response } = await invoke(withProperties(fixtures.delete(), { OnDelete: {} }), { clock });
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(Math.max(...askedAt)).toBeLessThanOrEqual(DELETE_LISTING_PATIENCE_MS);
    expect(Math.max(...askedAt)).toBeGreaterThan(DELETE_LISTING_PATIENCE_MS / 2);
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toBe(
      "Deleted without stopping tasks: ListTasks failed: ThrottlingException: Rate exceeded. The OnDelete teardown was not started: ECS did not say in time whether the resource's tasks still run, and a teardown must not run beside them. Delete again once ECS answers, or retain the resource when deleting again to give up its teardown.",
    );
  });

  it('without OnDelete, a listing still throttled at its bound never fails the Delete', async () => {
    aws.ecs.on(ListTasksCommand).rejects(throttled());
    const { response } = await invoke(fixtures.delete());
    expect(response?.Status).toBe('SUCCESS');
    expect(response?.Reason).toMatch(/^Deleted without stopping tasks: ListTasks failed: ThrottlingException/);
  });
});
