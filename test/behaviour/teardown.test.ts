import { DescribeStacksCommand, type StackStatus } from '@aws-sdk/client-cloudformation';
import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import type { ContinuationEvent, ContinuationEventV1 } from '../../src/run/hand-off/continuation';
import { ecsTask, mockedAws, stoppedTask, stubHappyPath, TASK_ARN, stubStackStatuses } from '../support/aws-mocks';
import { teardownOutcome } from '../../src/run/phase-policy';
import { fixtures } from '../support/fixtures';
import { invokeWith } from '../support/invoke';

const aws = mockedAws();
const invoke = invokeWith(aws.ports);
const OLD_TASK = TASK_ARN.replace('0a1b2c3d', '5e6f7a8b');
const TEARDOWN_DEFINITION = 'arn:aws:ecs:us-east-1:123456789012:task-definition/todobackend-teardown:2';
const TEARDOWN_COMMAND = ['python3', 'manage.py', 'drop_tenant', '--no-input'];

function deleteWithTeardown() {
  const event = fixtures.delete();
  (event.ResourceProperties as Record<string, unknown>).OnDelete = {
    TaskDefinition: 'todobackend-teardown',
    Overrides: { ContainerOverrides: [{ Name: 'teardown', Command: TEARDOWN_COMMAND }] },
  };
  return event;
}

function stackIs(status: StackStatus) {
  stubStackStatuses(aws, status);
}

beforeEach(() => {
  stubHappyPath(aws);
  stackIs('DELETE_IN_PROGRESS');
  aws.ecs.on(DescribeTaskDefinitionCommand, { taskDefinition: 'todobackend-teardown' }).resolves({
    taskDefinition: {
      taskDefinitionArn: TEARDOWN_DEFINITION,
      networkMode: 'awsvpc',
      containerDefinitions: [{ name: 'teardown', essential: true }],
    },
  });
  aws.ecs.on(ListTasksCommand).resolves({ taskArns: [OLD_TASK] });
  aws.ecs
    .on(DescribeTasksCommand)
    .resolves({ tasks: [stoppedTask(0, { containers: [{ name: 'teardown', lastStatus: 'STOPPED', exitCode: 0 }] })] });
  oldTaskRunsUntilStopped();
});

/** The resource's earlier task runs when the Delete arrives, and has stopped once it was told to. */
function oldTaskRunsUntilStopped() {
  aws.ecs
    .on(DescribeTasksCommand, { tasks: [OLD_TASK] })
    .resolvesOnce({ tasks: [ecsTask({ taskArn: OLD_TASK })] })
    .resolves({ tasks: [stoppedTask(0, { taskArn: OLD_TASK })] });
}

/** What DescribeTasks says of the teardown task (the earlier task still runs until stopped). */
function teardownTaskIs(task: ReturnType<typeof ecsTask>) {
  aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [task] });
  oldTaskRunsUntilStopped();
}

describe('OnDelete', () => {
  it("stops the resource's tasks, then runs one teardown task with the resource's network and launch settings", async () => {
    const { response } = await invoke(deleteWithTeardown());
    const calls = aws.ecs.calls().map((call) => call.args[0].constructor.name);
    expect(calls.indexOf('StopTaskCommand')).toBeLessThan(calls.indexOf('RunTaskCommand'));
    expect(aws.ecs).toHaveReceivedCommandWith(StopTaskCommand, { task: OLD_TASK });
    const runTask = aws.ecs.commandCalls(RunTaskCommand)[0]?.args[0].input;
    expect(runTask).toMatchObject({
      cluster: 'todobackend-cluster',
      taskDefinition: TEARDOWN_DEFINITION,
      count: 1,
      launchType: 'FARGATE',
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: ['subnet-0a1b2c3d4e5f60718', 'subnet-0f1e2d3c4b5a69788'],
          securityGroups: ['sg-0123456789abcdef0'],
          assignPublicIp: 'DISABLED',
        },
      },
      overrides: { containerOverrides: [{ name: 'teardown', command: TEARDOWN_COMMAND }] },
    });
    // A Delete delivered twice lists the resource's tasks by startedBy: the teardown must not be among them.
    const listedBy = aws.ecs.commandCalls(ListTasksCommand)[0]?.args[0].input.startedBy;
    expect(runTask?.startedBy).toBe(`${listedBy}/teardown`);
    expect(response).toMatchObject({
      Status: 'SUCCESS',
      Reason:
        'Stopped 1 task(s) still running: 5e6f7a8b4e5f46789abcdef012345678. Teardown task 0a1b2c3d4e5f46789abcdef012345678 succeeded.',
    });
  });

  it('starts the teardown only once the tasks it stopped have ended', async () => {
    let polls = 0;
    aws.ecs.on(DescribeTasksCommand, { tasks: [OLD_TASK] }).callsFake(() => ({
      tasks: [
        polls++ < 2
          ? ecsTask({ taskArn: OLD_TASK, lastStatus: 'DEACTIVATING' })
          : stoppedTask(143, { taskArn: OLD_TASK, stopCode: 'UserInitiated' }),
      ],
    }));
    const { response } = await invoke(deleteWithTeardown());
    const calls = aws.ecs.calls().map((call) => call.args[0]);
    const lastPollOfOld = calls
      .map((command) => JSON.stringify(command.input))
      .lastIndexOf(JSON.stringify({ cluster: 'todobackend-cluster', tasks: [OLD_TASK] }));
    expect(polls).toBe(3);
    expect(calls.findIndex((command) => command instanceof RunTaskCommand)).toBeGreaterThan(lastPollOfOld);
    expect(response?.Reason).toMatch(/Teardown task 0a1b2c3d4e5f46789abcdef012345678 succeeded\.$/);
  });

  it("runs the resource's own task definition without its Overrides when OnDelete names none", async () => {
    const event = fixtures.delete();
    (event.ResourceProperties as Record<string, unknown>).OnDelete = {};
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [stoppedTask(0)] });
    await invoke(event);
    const runTask = aws.ecs.commandCalls(RunTaskCommand)[0]?.args[0].input;
    expect(runTask?.taskDefinition).toBe('arn:aws:ecs:us-east-1:123456789012:task-definition/todobackend-migrate:7');
    expect(runTask).not.toHaveProperty('overrides');
  });

  it("answers SUCCESS with the teardown's failure as the Reason", async () => {
    teardownTaskIs(stoppedTask(3, { containers: [{ name: 'teardown', lastStatus: 'STOPPED', exitCode: 3 }] }));
    const { response } = await invoke(deleteWithTeardown());
    expect(response?.Status).toBe('SUCCESS');
    expect(response?.Reason).toBe(
      'Stopped 1 task(s) still running: 5e6f7a8b4e5f46789abcdef012345678. Teardown failed: Task 0a1b2c3d4e5f46789abcdef012345678 failed: container "teardown" exited with code 3 (EssentialContainerExited: "Essential container in task exited").',
    );
  });

  it('is skipped while the stack rolls back a failed creation', async () => {
    stackIs('ROLLBACK_IN_PROGRESS');
    const event = deleteWithTeardown();
    // An ID this runner never answers (an earlier runner's): only the stack's status can tell (teardown-after-create).
    event.PhysicalResourceId = 'todobackend-MigrateTask-1A2B3C4D5E6F7';
    const { response } = await invoke(event);
    expect(aws.cloudFormation).toHaveReceivedCommandWith(DescribeStacksCommand, { StackName: event.StackId });
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(response?.Status).toBe('SUCCESS');
    expect(response?.Reason).toBe(
      'Stopped 1 task(s) still running: 5e6f7a8b4e5f46789abcdef012345678. No teardown task: the stack is rolling back its creation, so nothing was created that needs tearing down.',
    );
  });

  it('stops the teardown at the Timeout and still answers SUCCESS', async () => {
    teardownTaskIs(ecsTask({ containers: [{ name: 'teardown', lastStatus: 'RUNNING' }] }));
    const event = deleteWithTeardown();
    event.ResourceProperties.Timeout = '30';
    const { response } = await invoke(event);
    expect(aws.ecs).toHaveReceivedCommandWith(StopTaskCommand, { task: TASK_ARN });
    expect(response?.Status).toBe('SUCCESS');
    expect(response?.Reason).toMatch(
      /^Stopped 1 task\(s\) still running: 5e6f7a8b4e5f46789abcdef012345678\. Teardown failed: Timed out after 30 s waiting for task 0a1b2c3d4e5f46789abcdef012345678 \(RUNNING\)/,
    );
  });

  it('answers SUCCESS, saying why, when the teardown cannot start', async () => {
    const event = fixtures.delete();
    (event.ResourceProperties as Record<string, unknown>).OnDelete = {
      TaskDefinition: 'todobackend-teardown',
      Overrides: { ContainerOverrides: [{ Name: 'migrate', Command: ['x'] }] },
    };
    const { response } = await invoke(event);
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(response?.Status).toBe('SUCCESS');
    expect(response?.Reason).toBe(
      'Stopped 1 task(s) still running: 5e6f7a8b4e5f46789abcdef012345678. Teardown failed: Not started: Overrides.ContainerOverrides: task definition todobackend-teardown:2 has no container "migrate"; its containers are "teardown"',
    );
  });

  it('hands a long teardown off like a run, and the fresh invocation answers the Delete', async () => {
    teardownTaskIs(ecsTask({ containers: [{ name: 'teardown', lastStatus: 'RUNNING' }] }));
    const event = deleteWithTeardown();
    const { puts } = await invoke(event, { budgetMs: 70_000 });
    expect(puts).toHaveLength(0);
    const payload = JSON.parse(
      Buffer.from(aws.lambda.commandCalls(InvokeCommand)[0]?.args[0].input.Payload as Uint8Array).toString('utf8'),
    ) as ContinuationEvent;
    expect(payload.request).toEqual(event);
    expect(payload.phase).toEqual({
      kind: 'teardown',
      cleanup: 'Stopped 1 task(s) still running: 5e6f7a8b4e5f46789abcdef012345678.',
    });

    aws.ecs.resetHistory();
    aws.ecs.on(DescribeTasksCommand).resolves({
      tasks: [stoppedTask(1, { containers: [{ name: 'teardown', lastStatus: 'STOPPED', exitCode: 1 }] })],
    });
    const { response } = await invoke(payload);
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(aws.ecs).not.toHaveReceivedCommand(ListTasksCommand);
    expect(response).toMatchObject({ Status: 'SUCCESS', RequestId: event.RequestId });
    expect(response?.Reason).toMatch(
      /^Stopped 1 task\(s\) still running: 5e6f7a8b4e5f46789abcdef012345678\. Teardown failed: Task 0a1b2c3d4e5f46789abcdef012345678 failed: container "teardown" exited with code 1/,
    );
  });

  it('answers a taken-over teardown of a resource with Outputs without reading them', async () => {
    const request = deleteWithTeardown();
    (request.ResourceProperties as Record<string, unknown>).Outputs = ['SchemaVersion'];
    const continuation = fixtures.continuation();
    const watch = {
      ...continuation.watch,
      logs: { teardown: { group: '/ecs/todobackend', region: 'eu-west-1', streamPrefix: 'todobackend' } },
    };
    const event: ContinuationEventV1 = {
      ...continuation,
      request,
      watch,
      phase: { kind: 'teardown', cleanup: 'No task of this resource was running.' },
    };
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [stoppedTask(0)] });
    const { response } = await invoke(event);
    expect(aws.logs).not.toHaveReceivedCommand(GetLogEventsCommand);
    expect(response).toMatchObject({
      Status: 'SUCCESS',
      Reason: 'No task of this resource was running. Teardown task 0a1b2c3d4e5f46789abcdef012345678 succeeded.',
    });
  });

  it('a teardown handed off while it waits for the stopped tasks starts the teardown task in the fresh invocation', async () => {
    const event = deleteWithTeardown();
    event.ResourceProperties.Count = '3';
    // The stopped task takes its time to end: the first invocation runs out of time while waiting.
    aws.ecs.on(DescribeTasksCommand, { tasks: [OLD_TASK] }).resolves({ tasks: [ecsTask({ taskArn: OLD_TASK })] });
    const { puts } = await invoke(event, { budgetMs: 70_000 });
    expect(puts).toHaveLength(0);
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    const payload = JSON.parse(
      Buffer.from(aws.lambda.commandCalls(InvokeCommand)[0]?.args[0].input.Payload as Uint8Array).toString('utf8'),
    ) as ContinuationEvent;

    aws.ecs.resetHistory();
    aws.ecs
      .on(DescribeTasksCommand, { tasks: [OLD_TASK] })
      .resolves({ tasks: [stoppedTask(0, { taskArn: OLD_TASK })] });
    const { response } = await invoke(payload);
    const runTask = aws.ecs.commandCalls(RunTaskCommand)[0]?.args[0].input;
    expect(runTask).toMatchObject({
      taskDefinition: TEARDOWN_DEFINITION,
      count: 1,
      startedBy: expect.stringMatching(/\/teardown$/),
      overrides: { containerOverrides: [{ name: 'teardown', command: TEARDOWN_COMMAND }] },
    });
    expect(response).toMatchObject({ Status: 'SUCCESS' });
    expect(response?.Reason).toMatch(/Teardown task \w+ succeeded\.$/);
  });

  it('runs no teardown on Delete without OnDelete', async () => {
    await invoke(fixtures.delete());
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(aws.cloudFormation).not.toHaveReceivedCommand(DescribeStacksCommand);
  });

  it('gives up at the Timeout when a task it stopped does not end, starting no teardown, and still answers SUCCESS', async () => {
    aws.ecs
      .on(DescribeTasksCommand, { tasks: [OLD_TASK] })
      .resolves({ tasks: [ecsTask({ taskArn: OLD_TASK, lastStatus: 'DEACTIVATING' })] });
    const event = deleteWithTeardown();
    event.ResourceProperties.Timeout = '20';
    const { response } = await invoke(event);
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(response).toMatchObject({
      Status: 'SUCCESS',
      Reason:
        "Stopped 1 task(s) still running: 5e6f7a8b4e5f46789abcdef012345678. Teardown failed: Timed out after 20 s waiting for the resource's stopped tasks to end before the teardown: 5e6f7a8b4e5f46789abcdef012345678 (DEACTIVATING) still runs; nothing was started. Stop it, or raise Timeout (and ServiceTimeout).",
    });
  });

  it('marks a StartedBy the template sets for the teardown task too', async () => {
    const event = deleteWithTeardown();
    event.ResourceProperties.StartedBy = 'todobackend-migrations';
    await invoke(event);
    expect(aws.ecs).toHaveReceivedCommandWith(ListTasksCommand, { startedBy: 'todobackend-migrations' });
    expect(aws.ecs.commandCalls(RunTaskCommand)[0]?.args[0].input.startedBy).toBe('todobackend-migrations/teardown');
  });
});

describe("the Delete's answer after a teardown", () => {
  const phase = { kind: 'teardown' as const, cleanup: 'No task of this resource was running.' };

  it('names the teardown task by its ID, or its ARN when the ID is missing', () => {
    expect(
      teardownOutcome(
        { kind: 'answer', answer: { status: 'SUCCESS', data: { TaskArn: TASK_ARN, TaskId: '0a1b' } } },
        phase,
      ),
    ).toEqual({
      kind: 'answer',
      answer: { status: 'SUCCESS', reason: 'No task of this resource was running. Teardown task 0a1b succeeded.' },
    });
    expect(
      teardownOutcome({ kind: 'answer', answer: { status: 'SUCCESS', data: { TaskArn: TASK_ARN } } }, phase),
    ).toMatchObject({
      answer: { reason: `No task of this resource was running. Teardown task ${TASK_ARN} succeeded.` },
    });
  });

  it('says where to look when a failed teardown has no Reason, and leaves a hand-off alone', () => {
    expect(teardownOutcome({ kind: 'answer', answer: { status: 'FAILED' } }, phase)).toEqual({
      kind: 'answer',
      answer: {
        status: 'SUCCESS',
        reason: "No task of this resource was running. Teardown failed: no reason was recorded; see the runner's log.",
      },
    });
    expect(teardownOutcome({ kind: 'handed-off' }, phase)).toEqual({ kind: 'handed-off' });
  });
});
