import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
  type TaskStopCode,
} from '@aws-sdk/client-ecs';
import { GetFunctionRecursionConfigCommand, InvokeCommand } from '@aws-sdk/client-lambda';
import {
  invocationsNeeded,
  MAX_INVOCATIONS_IN_CHAIN,
  unqualifiedFunctionArn,
} from '../../src/run/checks/invocation-chain';
import { judgeTask } from '../../src/tasks/task-outcome';
import { ecsTask, mockedAws, stoppedTask, stubHappyPath, TASK_ARN, TASK_DEFINITION_ARN } from '../support/aws-mocks';
import { fixtures, withProperties } from '../support/fixtures';
import { FakeClock } from '../support/fakes';
import { invokeWith } from '../support/invoke';

const aws = mockedAws();
const invoke = invokeWith(aws.ports);

beforeEach(() => stubHappyPath(aws));

/** An SDK error as the v3 client throws it for an AWS error answer. */
function awsError(name: string, message: string, httpStatusCode = 400, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode }, ...extra });
}

/**
 * What the SDK (the version installed) throws when the answer is not JSON at all (an HTML 502 page from a proxy):
 * the parser's error, with `$metadata` and a hidden `$response`.
 */
function unreadableAnswer(statusCode: number): Error {
  const error = new SyntaxError(
    'Unexpected token \'<\', "<html><bod"... is not valid JSON\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.',
  );
  Object.assign(error, { $metadata: { httpStatusCode: statusCode, attempts: 3, totalRetryDelay: 1500 } });
  Object.defineProperty(error, '$response', {
    value: { statusCode, body: '<html><body>502 Bad Gateway</body></html>' },
    enumerable: false,
  });
  return error;
}

describe('a task stopped by someone else is not a success', () => {
  it('a task stopped by Spot with exit code 0 fails, and the Reason names the stop code and reason', async () => {
    aws.ecs.on(DescribeTasksCommand).resolves({
      tasks: [stoppedTask(0, { stopCode: 'SpotInterruption', stoppedReason: 'Your Spot Task was interrupted.' })],
    });
    const { response } = await invoke(fixtures.create());
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toMatch(
      /^Task 0a1b2c3d4e5f46789abcdef012345678 was stopped before it finished \(SpotInterruption: "Your Spot Task was interrupted\."\): Spot capacity was reclaimed/,
    );
    expect(response?.Reason).toContain(
      'A container that handles SIGTERM may exit 0 although it was cut short, so this run does not count. Its essential container exited with code 0.',
    );
    expect(response?.Data?.StopCode).toBe('SpotInterruption');
  });

  it.each([
    'UserInitiated',
    'ServiceSchedulerInitiated',
    'TerminationNotice',
    'InfrastructureHealth',
    'SomeFutureStopCode',
  ])('a task stopped with %s fails although its containers exited 0', (stopCode) => {
    const outcome = judgeTask(
      stoppedTask(0, { stopCode: stopCode as TaskStopCode, stoppedReason: 'Task stopped by user' }),
      ['migrate'],
    );
    expect(outcome).toMatchObject({ kind: 'decided', verdict: 'stopped-from-outside', stopCode });
  });

  it('a task whose essential container exited 0 on its own succeeds', () => {
    expect(judgeTask(stoppedTask(0), ['migrate'])).toMatchObject({ kind: 'decided', verdict: 'succeeded' });
  });

  it('waits for ECS to say why a task stops before deciding early on stopped containers', () => {
    const containers = [{ name: 'migrate', lastStatus: 'STOPPED', exitCode: 0 }];
    expect(judgeTask(ecsTask({ lastStatus: 'RUNNING', containers }), ['migrate'])).toMatchObject({ kind: 'pending' });
    expect(
      judgeTask(ecsTask({ lastStatus: 'DEACTIVATING', stopCode: 'UserInitiated', containers }), ['migrate']),
    ).toMatchObject({ kind: 'decided', verdict: 'stopped-from-outside' });
  });

  it('with two essential containers, decides only when both have stopped', () => {
    const task = ecsTask({
      stopCode: 'EssentialContainerExited',
      containers: [
        { name: 'migrate', lastStatus: 'STOPPED', exitCode: 0 },
        { name: 'seed', lastStatus: 'RUNNING' },
      ],
    });
    expect(judgeTask(task, ['migrate', 'seed'])).toMatchObject({ kind: 'pending' });
  });
});

describe('eventual consistency after RunTask', () => {
  it('keeps waiting for a task ECS does not report yet, for minutes', async () => {
    const missing = { tasks: [], failures: [{ arn: TASK_ARN, reason: 'MISSING' }] };
    const calls = Array.from({ length: 80 }, () => missing); // about 4 minutes of polls at 2.75 s
    let chain = aws.ecs.on(DescribeTasksCommand);
    for (const answer of calls) chain = chain.resolvesOnce(answer);
    chain.resolves({ tasks: [stoppedTask(0)] });
    const { response } = await invoke(fixtures.create());
    expect(response?.Status).toBe('SUCCESS');
    expect(aws.ecs).not.toHaveReceivedCommand(StopTaskCommand);
  });

  it('never waits for an unreported task past the Timeout', async () => {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [], failures: [{ arn: TASK_ARN, reason: 'MISSING' }] });
    const event = fixtures.create();
    event.ResourceProperties.Timeout = '60';
    const { response, clock } = await invoke(event);
    expect(response?.Reason).toMatch(
      /^Timed out after 60 s waiting for task 0a1b2c3d4e5f46789abcdef012345678 \(MISSING\); stopped it/,
    );
    expect(aws.ecs).toHaveReceivedCommandWith(StopTaskCommand, { task: TASK_ARN });
    expect(clock.now() - Date.UTC(2026, 10, 25, 12, 0, 0)).toBeLessThanOrEqual(61_000);
  });
});

describe("Delete finds the resource's tasks", () => {
  it('with startedBy as the only ListTasks filter, across pages', async () => {
    const second = TASK_ARN.replace('0a1b2c3d', '9f8e7d6c');
    aws.ecs
      .on(ListTasksCommand)
      .resolvesOnce({ taskArns: [TASK_ARN], nextToken: 'page-2' })
      .resolves({ taskArns: [second] });
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask(), ecsTask({ taskArn: second })] });
    const { response } = await invoke(fixtures.delete());
    const inputs = aws.ecs.commandCalls(ListTasksCommand).map((call) => call.args[0].input);
    // Two listings, each of RUNNING and STOPPED: now (RUNNING in two pages), and 10 s after the Delete was sent.
    expect(inputs).toHaveLength(5);
    expect(Object.keys(inputs[0] ?? {}).sort()).toEqual(['cluster', 'desiredStatus', 'startedBy']);
    expect(inputs[1]).toMatchObject({ nextToken: 'page-2' });
    expect(aws.ecs).toHaveReceivedCommandTimes(StopTaskCommand, 2);
    expect(response?.Reason).toContain('Stopped 2 task(s)');
  });

  it('does not stop, nor count, a listed task that has already stopped', async () => {
    const second = TASK_ARN.replace('0a1b2c3d', '9f8e7d6c');
    aws.ecs.on(ListTasksCommand).resolves({ taskArns: [TASK_ARN, second] });
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [stoppedTask(0), ecsTask({ taskArn: second })] });
    const { response } = await invoke(fixtures.delete());
    expect(aws.ecs).toHaveReceivedCommandTimes(StopTaskCommand, 1);
    expect(aws.ecs).toHaveReceivedCommandWith(StopTaskCommand, { task: second });
    expect(response?.Reason).toBe('Stopped 1 task(s) still running: 9f8e7d6c4e5f46789abcdef012345678.');
  });
});

describe('RunTask is retried when it is safe', () => {
  it.each([
    ['ECS throttling', () => awsError('ThrottlingException', 'Rate exceeded')],
    [
      'EC2 throttling passed through by ECS',
      () =>
        awsError(
          'InvalidParameterException',
          'Error retrieving subnet information for [subnet-0a1b2c3d4e5f60718]: Rate exceeded (ErrorCode: Throttling)',
        ),
    ],
    ['a 5xx answer', () => awsError('ServerException', 'Service unavailable', 503)],
    ['an HTML 502 page from a proxy', () => unreadableAnswer(502)],
  ])('after %s, with the same clientToken', async (_what, failure) => {
    aws.ecs
      .on(RunTaskCommand)
      .rejectsOnce(failure())
      .rejectsOnce(failure())
      .resolves({ tasks: [{ taskArn: TASK_ARN }], failures: [] });
    const { response, clock } = await invoke(fixtures.create());
    expect(response?.Status).toBe('SUCCESS');
    const tokens = aws.ecs.commandCalls(RunTaskCommand).map((call) => call.args[0].input.clientToken);
    expect(tokens).toHaveLength(3);
    expect(new Set(tokens).size).toBe(1);
    expect(clock.sleeps.slice(0, 2)).toEqual([1000, 2000]);
  });

  it('gives up at the deadline and says which call got which HTTP status, on one line, without SDK internals', async () => {
    aws.ecs.on(RunTaskCommand).rejects(unreadableAnswer(502));
    const event = fixtures.create();
    event.ResourceProperties.Timeout = '60';
    const { response, clock } = await invoke(event);
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toMatch(/^RunTask failed: AWS answered HTTP 502 with a body that is not the API's/);
    expect(response?.Reason).not.toMatch(/Deserialization|\$response|Unexpected token|\n/);
    expect(clock.now() - Date.UTC(2026, 10, 25, 12, 0, 0)).toBeLessThanOrEqual(60_000);
    expect(aws.ecs.commandCalls(RunTaskCommand).length).toBeGreaterThan(3);
  });

  it('does not retry a request ECS refuses for good', async () => {
    aws.ecs
      .on(RunTaskCommand)
      .rejects(awsError('InvalidParameterException', 'Task definition does not support launch_type FARGATE.'));
    const { response } = await invoke(fixtures.create());
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
    expect(response?.Reason).toBe(
      'RunTask failed: InvalidParameterException: Task definition does not support launch_type FARGATE.',
    );
  });

  it('adopts the tasks a ConflictException names for the clientToken, and watches them to the end', async () => {
    aws.ecs.on(RunTaskCommand).rejects(
      awsError('ConflictException', 'The clientToken was already used with different parameters.', 400, {
        resourceIds: [TASK_ARN],
      }),
    );
    aws.ecs
      .on(DescribeTasksCommand)
      .resolvesOnce({ tasks: [ecsTask()] })
      .resolvesOnce({ tasks: [ecsTask()] })
      .resolves({ tasks: [stoppedTask(0)] });
    const { response } = await invoke(fixtures.create());
    expect(aws.ecs).toHaveReceivedCommandTimes(DescribeTasksCommand, 3);
    expect(response).toMatchObject({ Status: 'SUCCESS', Data: { TaskArn: TASK_ARN, ExitCode: '0' } });
  });
});

describe('Reasons for AWS errors', () => {
  it('a missing cluster is named, and the Reason says nothing was started', async () => {
    aws.ecs.on(RunTaskCommand).rejects(awsError('ClusterNotFoundException', 'Cluster not found.'));
    const { response } = await invoke(fixtures.create());
    expect(response?.Reason).toBe(
      'Not started: cluster "todobackend-cluster" was not found in this account and region (RunTask: ClusterNotFoundException), so no task was started — check Cluster (a cluster name or ARN in the stack\'s region).',
    );
  });

  it('an AWS error message on several lines becomes one line', async () => {
    aws.ecs
      .on(DescribeTaskDefinitionCommand)
      .rejects(
        awsError(
          'ServerException',
          'Internal error\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.',
          500,
        ),
      );
    const { response } = await invoke(fixtures.create());
    expect(response?.Reason).toBe(
      `Not started: DescribeTaskDefinition of ${fixtures.create().ResourceProperties.TaskDefinition as string} failed: ServerException: Internal error (HTTP 500)`,
    );
  });
});

describe('PhysicalResourceId never changes', () => {
  it('Update and Delete answer with the PhysicalResourceId of the request, also one an older runner chose', async () => {
    const update = fixtures.update();
    update.PhysicalResourceId = 'migrate-from-the-python-runner-1234';
    expect((await invoke(update)).response?.PhysicalResourceId).toBe('migrate-from-the-python-runner-1234');
    const remove = fixtures.delete();
    remove.PhysicalResourceId = 'migrate-from-the-python-runner-1234';
    expect((await invoke(remove)).response?.PhysicalResourceId).toBe('migrate-from-the-python-runner-1234');
  });

  it('Create answers the ID derived from the stack and logical ID', async () => {
    const { response } = await invoke(fixtures.create());
    expect(response?.PhysicalResourceId).toBe(fixtures.update().PhysicalResourceId);
  });
});

describe("Lambda's recursive loop detection", () => {
  it('counts the invocations a watch needs', () => {
    expect(invocationsNeeded(3_600_000, 900_000)).toBe(5);
    expect(invocationsNeeded(600_000, 60_000)).toBe(20);
    expect(invocationsNeeded(450_000, 60_000)).toBe(MAX_INVOCATIONS_IN_CHAIN);
    expect(unqualifiedFunctionArn('arn:aws:lambda:us-east-1:123456789012:function:runner:live')).toBe(
      'arn:aws:lambda:us-east-1:123456789012:function:runner',
    );
  });

  it('refuses a watch that needs more than 15 invocations when the function does not allow recursion', async () => {
    aws.lambda.on(GetFunctionRecursionConfigCommand).resolves({ RecursiveLoop: 'Terminate' });
    const { response } = await invoke(fixtures.create(), { budgetMs: 60_000 });
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toMatch(
      /^Not started: with a function Timeout of about 60 s, watching for up to 600 s would take 20 invocations in one chain/,
    );
    expect(response?.Reason).toContain('RecursiveLoop: Allow');
    expect(aws.lambda).toHaveReceivedCommandWith(GetFunctionRecursionConfigCommand, {
      FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:todobackend-runner-ecs-task-runner',
    });
  });

  it('counts a setting it may not read as not allowed, and says so in its log', async () => {
    aws.lambda
      .on(GetFunctionRecursionConfigCommand)
      .rejects(awsError('AccessDeniedException', 'not authorized to perform: lambda:GetFunctionRecursionConfig', 403));
    const { response, log } = await invoke(fixtures.create(), { budgetMs: 60_000 });
    expect(response?.Status).toBe('FAILED');
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(log.text()).toContain('assuming Terminate');
  });

  it('does not even ask when the watch fits in one chain', async () => {
    await invoke(fixtures.create());
    expect(aws.lambda).not.toHaveReceivedCommand(GetFunctionRecursionConfigCommand);
  });

  it('stops the tasks and names the setting when Lambda stops the hand-off', async () => {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask()] });
    aws.lambda.on(InvokeCommand).rejects(awsError('RecursiveInvocationException', 'Lambda detected a recursive loop.'));
    const { response, log } = await invoke(fixtures.create(), { budgetMs: 60_000 });
    expect(aws.ecs).toHaveReceivedCommandWith(StopTaskCommand, { task: TASK_ARN });
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toMatch(
      /^Lambda's recursive loop detection stopped the hand-off .*RecursiveInvocationException.*RecursiveLoop: Allow/,
    );
    expect(log.text()).not.toContain('Handed the watch off');
  });

  it('carries the hand-off count from one invocation to the next and logs it', async () => {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask()] });
    const first = await invoke(fixtures.create(), { budgetMs: 60_000 });
    const payload = JSON.parse(
      Buffer.from(aws.lambda.commandCalls(InvokeCommand)[0]?.args[0].input.Payload as Uint8Array).toString('utf8'),
    ) as { handOffs: number };
    expect(payload.handOffs).toBe(1);
    expect(
      first.log.entries.find((entry) => entry.message === 'Handed the watch off to a fresh invocation')?.extra[0],
    ).toMatchObject({ handOffs: 1 });
    aws.lambda.resetHistory();
    const second = await invoke(payload, { budgetMs: 60_000 });
    const next = JSON.parse(
      Buffer.from(aws.lambda.commandCalls(InvokeCommand)[0]?.args[0].input.Payload as Uint8Array).toString('utf8'),
    ) as { handOffs: number };
    expect(next.handOffs).toBe(2);
    expect(second.log.entries.find((entry) => entry.message === 'Taking over the watch')?.extra[0]).toMatchObject({
      handOffs: 1,
    });
  });
});

/** The task definition with its container logging to CloudWatch Logs (awslogs), so that a failure quotes its log. */
function withAwsLogs(): void {
  aws.ecs.on(DescribeTaskDefinitionCommand).resolves({
    taskDefinition: {
      taskDefinitionArn: TASK_DEFINITION_ARN,
      networkMode: 'awsvpc',
      containerDefinitions: [
        {
          name: 'migrate',
          essential: true,
          logConfiguration: {
            logDriver: 'awslogs',
            options: { 'awslogs-group': '/ecs/todobackend', 'awslogs-stream-prefix': 'todobackend' },
          },
        },
      ],
    },
  });
}

describe('what the Reason shows is public inside the account', () => {
  it("masks override environment values in the quoted log tail and in the runner's logs", async () => {
    withAwsLogs();
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [stoppedTask(1)] });
    aws.logs.on(GetLogEventsCommand).resolves({
      events: [{ message: 'connecting with password s3cr3t-db-password to db' }, { message: 'Access denied' }],
    });
    const { response, log } = await invoke(fixtures.create());
    expect(response?.Reason).toContain('connecting with password **** to db | Access denied');
    expect(response?.Reason).not.toContain('s3cr3t-db-password');
    expect(log.text()).not.toContain('s3cr3t-db-password');
  });
});

describe("a failed task's log tail while CloudWatch Logs throttles", () => {
  it("is not asked for again past the run's deadline: the margin after it is for answering CloudFormation", async () => {
    withAwsLogs();
    const clock = new FakeClock();
    const deadline = clock.now() + 120_000;
    // The task fails 5 s before the Timeout ends; every GetLogEvents is throttled.
    aws.ecs
      .on(DescribeTasksCommand)
      .callsFake(() => ({ tasks: [clock.now() < deadline - 5_000 ? ecsTask() : stoppedTask(1)] }));
    aws.logs.on(GetLogEventsCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));

    const { response } = await invoke(withProperties(fixtures.create(), { Timeout: '120' }), { clock });

    expect(response?.Reason).toMatch(
      /^Task 0a1b2c3d4e5f46789abcdef012345678 failed: container "migrate" exited with code 1 /,
    );
    expect(response?.Reason).toContain('could not read the log (ThrottlingException)');
    expect(aws.logs.commandCalls(GetLogEventsCommand).length).toBeGreaterThan(1);
    // Answered by the deadline, not LOG_TAIL_RETRY_MS (20 s) after the failure.
    expect(clock.now()).toBeLessThanOrEqual(deadline);
  });
});
