import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeTasksCommand, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import {
  ecsTask,
  mockedAws,
  stoppedTask,
  stubAwsLogsTaskDefinition,
  stubHappyPath,
  TASK_ARN,
} from '../support/aws-mocks';
import { HAND_OFF_MARGIN_MS } from '../../src/runtime/time-budget';
import { fixtures, withProperties } from '../support/fixtures';
import { invokeWith } from '../support/invoke';

const aws = mockedAws();
const invoke = invokeWith(aws.ports);
const SECOND_TASK = TASK_ARN.replace('0a1b2c3d', '9f8e7d6c');

const createWith = (properties: Record<string, unknown>) => withProperties(fixtures.create(), properties);

/** RunTask starts two tasks; DescribeTasks reports them as given. */
function twoTasks(first: ReturnType<typeof ecsTask>, second: ReturnType<typeof ecsTask>) {
  aws.ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: TASK_ARN }, { taskArn: SECOND_TASK }], failures: [] });
  aws.ecs.on(DescribeTasksCommand).resolves({
    tasks: [
      { ...first, taskArn: TASK_ARN },
      { ...second, taskArn: SECOND_TASK },
    ],
  });
}

const stopReasons = () =>
  aws.ecs.commandCalls(StopTaskCommand).map((call) => [call.args[0].input.task, call.args[0].input.reason]);

beforeEach(() => stubHappyPath(aws));

describe('StartRetries with several tasks', () => {
  it('does not start again when one task failed to start but another ran and failed: the migration itself failed', async () => {
    const neverStarted = stoppedTask(undefined, {
      stopCode: 'TaskFailedToStart',
      stoppedReason: 'CannotPullContainerError: i/o timeout',
      containers: [{ name: 'migrate', lastStatus: 'STOPPED' }],
    });
    twoTasks(neverStarted, stoppedTask(1));
    const { response } = await invoke(createWith({ Count: '2', StartRetries: '3' }));
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toContain('container "migrate" exited with code 1');
  });
});

describe('a task the runner stops says why in ECS', () => {
  it('at the Timeout', async () => {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask()] });
    await invoke(createWith({ Timeout: '30' }));
    expect(stopReasons()).toEqual([[TASK_ARN, 'ecs-task-runner: Timeout reached']]);
  });

  it('when ECS never reported it after RunTask', async () => {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [], failures: [{ arn: TASK_ARN, reason: 'MISSING' }] });
    await invoke(fixtures.create());
    expect(stopReasons()).toEqual([[TASK_ARN, 'ecs-task-runner: ECS did not report the task after RunTask']]);
  });

  it('when the runner cannot watch it', async () => {
    aws.ecs.on(DescribeTasksCommand).rejects(
      Object.assign(new Error('User is not authorized to perform: ecs:DescribeTasks'), {
        name: 'AccessDeniedException',
      }),
    );
    await invoke(fixtures.create());
    expect(stopReasons()).toEqual([[TASK_ARN, 'ecs-task-runner: could not watch the task']]);
  });

  it('stops nothing when every task was decided and ECS knew them all', async () => {
    twoTasks(stoppedTask(0), stoppedTask(1));
    await invoke(createWith({ Count: '2' }));
    expect(aws.ecs).not.toHaveReceivedCommand(StopTaskCommand);
  });
});

describe('RunTask throttled again and again', () => {
  it('is retried only while the invocation keeps time to answer, so the answer never comes too late', async () => {
    aws.ecs.on(RunTaskCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const budgetMs = 120_000;
    const { response, clock } = await invoke(fixtures.create(), { budgetMs });
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toContain('ThrottlingException');
    const waited = clock.sleeps.reduce((total, sleep) => total + sleep, 0);
    // Retries stop before the hand-off margin (30 s) of the invocation's end.
    expect(waited).toBeLessThanOrEqual(budgetMs - HAND_OFF_MARGIN_MS);
    expect(aws.ecs.commandCalls(RunTaskCommand).length).toBeGreaterThan(3);
  });
});

describe('a Timeout longer than CloudFormation waits', () => {
  it("is lowered to fit, and the runner's log says so with both figures", async () => {
    const { log } = await invoke(createWith({ Timeout: '3600' }));
    expect(log.entries).toContainEqual({
      level: 'warn',
      message: "Timeout lowered to fit CloudFormation's wait (ServiceTimeout, default 3600 s, less a margin to answer)",
      extra: [{ requested: 3600, cap: 3540 }],
    });
  });

  it('is not mentioned when it fits', async () => {
    const { log } = await invoke(createWith({ Timeout: '3540' }));
    expect(log.text()).not.toContain('Timeout lowered');
  });
});

describe('Outputs of several tasks', () => {
  beforeEach(() => stubAwsLogsTaskDefinition(aws));

  it('say "the tasks" when their log cannot be read', async () => {
    twoTasks(stoppedTask(0), stoppedTask(0));
    aws.logs.on(GetLogEventsCommand).rejects(
      Object.assign(new Error('User is not authorized to perform: logs:GetLogEvents'), {
        name: 'AccessDeniedException',
      }),
    );
    const { response } = await invoke(createWith({ Count: '2', Outputs: ['SchemaVersion'] }));
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toMatch(
      /^The tasks succeeded, but the Outputs could not be read: GetLogEvents on log group \/ecs\/todobackend, stream todobackend\/migrate\/[0-9a-f]{32} failed/,
    );
  });

  it('log which declared outputs no task printed', async () => {
    aws.logs.on(GetLogEventsCommand).resolves({
      events: [{ message: 'ECS_TASK_RUNNER_OUTPUT SchemaVersion=0042', timestamp: 1 }],
      nextBackwardToken: 'b/0',
    });
    const { log } = await invoke(createWith({ Outputs: ['SchemaVersion', 'TenantId'] }));
    const entry = log.entries.find(
      (candidate) => candidate.message === 'Declared Outputs never appeared in the log; their attributes are empty',
    );
    expect(entry?.extra[0]).toMatchObject({ outputs: ['TenantId'] });
  });

  it('log nothing about unprinted outputs when every one was printed', async () => {
    aws.logs.on(GetLogEventsCommand).resolves({
      events: [{ message: 'ECS_TASK_RUNNER_OUTPUT SchemaVersion=0042', timestamp: 1 }],
      nextBackwardToken: 'b/0',
    });
    const { log } = await invoke(createWith({ Outputs: ['SchemaVersion'] }));
    expect(log.text()).not.toContain('Declared Outputs never appeared');
  });
});
