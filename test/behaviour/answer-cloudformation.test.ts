import { DescribeSubnetsCommand } from '@aws-sdk/client-ec2';
import {
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { CONTINUATION_VERSION, type ContinuationEvent } from '../../src/run/hand-off/continuation';
import { ecsTask, mockedAws, stoppedTask, stubHappyPath, TASK_ARN, TASK_DEFINITION_ARN } from '../support/aws-mocks';
import { invokeWith } from '../support/invoke';
import { DEADLINE_WORK_MS } from '../../src/runtime/time-budget';
import { fixtures } from '../support/fixtures';
import { FAILED_CREATE_ID, PHYSICAL_ID, SECOND_TASK } from './answer-cloudformation-ids';

const aws = mockedAws();
const invoke = invokeWith(aws.ports);

beforeEach(() => stubHappyPath(aws));

describe('hand-off to a fresh invocation', () => {
  it('hands the watch off before the invocation runs out of time, without answering', async () => {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask()] });
    const event = fixtures.create();
    const { puts } = await invoke(event, { budgetMs: 60_000 });
    expect(puts).toHaveLength(0);
    const invokeCall = aws.lambda.commandCalls(InvokeCommand)[0]?.args[0].input;
    expect(invokeCall?.FunctionName).toBe(
      'arn:aws:lambda:us-east-1:123456789012:function:todobackend-runner-ecs-task-runner',
    );
    expect(invokeCall?.InvocationType).toBe('Event');
    const payload = JSON.parse(Buffer.from(invokeCall?.Payload as Uint8Array).toString('utf8')) as ContinuationEvent;
    expect(payload.request).toEqual(event);
    expect(payload.state).toMatchObject({ kind: 'watching', taskArns: [TASK_ARN] });
    expect(payload.plan.essentialContainers).toEqual(['migrate']);
    expect(payload.handOffs).toBe(1);
    expect(aws.ecs).not.toHaveReceivedCommand(StopTaskCommand);
  });

  it('lets the continuation carry on and answer, keeping the original deadline', async () => {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask()] });
    await invoke(fixtures.create(), { budgetMs: 60_000 });
    const payload = JSON.parse(
      Buffer.from(aws.lambda.commandCalls(InvokeCommand)[0]?.args[0].input.Payload as Uint8Array).toString('utf8'),
    ) as ContinuationEvent;
    expect(payload.state.kind === 'watching' && payload.plan.deadline - payload.state.startedAt).toBe(600_000);
    aws.ecs.resetHistory();
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [stoppedTask(0)] });
    const { response } = await invoke(payload);
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(response?.Status).toBe('SUCCESS');
    expect(response?.RequestId).toBe(fixtures.create().RequestId);
    expect(response?.PhysicalResourceId).toBe(PHYSICAL_ID);
  });

  it('refuses to start tasks in a function whose timeout is too short to watch them', async () => {
    const { response } = await invoke(fixtures.create(), { budgetMs: 30_000 });
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toMatch(
      /^Not started: the runner function has only 30 s left .* Lambda Timeout of at least 60 s/,
    );
  });

  it('polls at least once in every continuation, so a short invocation still reaches the deadline', async () => {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask()] });
    await invoke(fixtures.create(), { budgetMs: 60_000 });
    const payload = JSON.parse(
      Buffer.from(aws.lambda.commandCalls(InvokeCommand)[0]?.args[0].input.Payload as Uint8Array).toString('utf8'),
    ) as ContinuationEvent;
    aws.ecs.resetHistory();
    aws.lambda.resetHistory();

    await invoke(payload, { budgetMs: 10_000 });
    expect(aws.ecs).toHaveReceivedCommandTimes(DescribeTasksCommand, 1);
    expect(aws.lambda).toHaveReceivedCommandTimes(InvokeCommand, 1);

    const startedAt = payload.state.kind === 'watching' ? payload.state.startedAt : 0;
    const late = { ...payload, plan: { ...payload.plan, deadline: startedAt } };
    const { response } = await invoke(late, { budgetMs: 10_000 });
    expect(aws.ecs).toHaveReceivedCommandWith(StopTaskCommand, { task: TASK_ARN });
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toContain('Timed out after 600 s');
  });

  it('answers the original request from a continuation event, polling at once', async () => {
    const continuation = fixtures.continuation();
    const { response, clock } = await invoke(continuation);
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(aws.ecs).toHaveReceivedCommandWith(DescribeTasksCommand, {
      cluster: 'todobackend-cluster',
      tasks: continuation.watch.taskArns,
    });
    expect(clock.sleeps[0]).toBe(0);
    expect(response).toMatchObject({
      Status: 'SUCCESS',
      RequestId: continuation.request.RequestId,
      PhysicalResourceId: PHYSICAL_ID,
    });
  });

  it('does not hand off when this invocation can still reach the deadline', async () => {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask()] });
    const event = fixtures.create();
    event.ResourceProperties.Timeout = '40';
    // The deadline leaves this invocation exactly what stopping, diagnosing and answering need.
    const { response } = await invoke(event, { budgetMs: 40_000 + DEADLINE_WORK_MS });
    expect(aws.lambda).not.toHaveReceivedCommand(InvokeCommand);
    expect(aws.ecs).toHaveReceivedCommandWith(StopTaskCommand, { task: TASK_ARN });
    expect(response?.Reason).toMatch(/^Timed out after 40 s/);
  });

  it('stops the tasks and answers FAILED when the hand-off fails', async () => {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask()] });
    aws.lambda
      .on(InvokeCommand)
      .rejects(
        Object.assign(new Error('not authorized to perform: lambda:InvokeFunction'), { name: 'AccessDeniedException' }),
      );
    const { response } = await invoke(fixtures.create(), { budgetMs: 60_000 });
    expect(aws.ecs).toHaveReceivedCommandWith(StopTaskCommand, { task: TASK_ARN });
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toContain('lambda:InvokeFunction');
  });
});

describe('answering CloudFormation', () => {
  it('answers FAILED exactly once when something unexpected throws', async () => {
    aws.ecs.on(DescribeTaskDefinitionCommand).resolves({});
    aws.ec2.on(DescribeSubnetsCommand).callsFake(() => {
      throw new TypeError('boom');
    });
    const { puts, response } = await invoke(fixtures.create());
    expect(puts).toHaveLength(1);
    expect(response?.Status).toBe('FAILED');
    expect(response?.PhysicalResourceId).toBe(FAILED_CREATE_ID);
  });

  it("never contacts a ResponseURL that is not CloudFormation's response bucket", async () => {
    const event = fixtures.create();
    event.ResponseURL = 'https://attacker.example.com/collect?X-Amz-Signature=abc';
    const { puts, log } = await invoke(event);
    expect(puts).toHaveLength(0);
    expect(aws.ecs.calls()).toHaveLength(0);
    expect(log.text()).toContain("attacker.example.com is not CloudFormation's response bucket");
    expect(log.text()).not.toContain('X-Amz-Signature');
  });

  it('accepts a loopback http ResponseURL only when RESPONSE_URL_ALLOWED_HOSTS names its host', async () => {
    const event = fixtures.delete();
    event.ResponseURL = 'http://127.0.0.1:4566/responses/delete?X-Amz-Signature=abc';
    expect((await invoke(event)).puts).toHaveLength(0);
    expect((await invoke(event, { allowedResponseHosts: '127.0.0.1' })).puts).toHaveLength(1);
  });

  it('sends the body with an empty content type and its byte length', async () => {
    aws.ecs
      .on(DescribeTasksCommand)
      .resolves({ tasks: [stoppedTask(1, { stoppedReason: 'Essentiell: Container beendet — ✓ ünïcödé' })] });
    const { puts } = await invoke(fixtures.create());
    const put = puts[0];
    expect(put?.headers['content-type']).toBe('');
    expect(put?.headers['content-length']).toBe(String(Buffer.byteLength(put?.body ?? '', 'utf8')));
    expect(Buffer.byteLength(put?.body ?? '')).toBeGreaterThan((put?.body ?? '').length);
  });

  it('retries a 5xx answer from the ResponseURL', async () => {
    const { puts, response } = await invoke(fixtures.delete(), { statuses: [503, new Error('socket hang up')] });
    expect(puts).toHaveLength(3);
    expect(response?.Status).toBe('SUCCESS');
  });

  it('keeps the ResponseURL query string and override environment values out of the logs', async () => {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [stoppedTask(1)] });
    const { log } = await invoke(fixtures.create());
    const text = log.text();
    expect(text).toContain('cloudformation-custom-resource-response-useast1.s3.amazonaws.com');
    expect(text).not.toContain('X-Amz-Signature');
    expect(text).not.toContain('s3cr3t-db-password');
  });

  it('uses one PhysicalResourceId in every response for the resource, marked in a failed Create’s', async () => {
    const ids = new Set<string | undefined>();
    for (const event of [
      fixtures.create(),
      fixtures.update(),
      fixtures.delete(),
    ] as CloudFormationCustomResourceEvent[]) {
      ids.add((await invoke(event)).response?.PhysicalResourceId);
    }
    expect([...ids]).toEqual([PHYSICAL_ID]);
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [stoppedTask(2)] });
    expect((await invoke(fixtures.create())).response?.PhysicalResourceId).toBe(FAILED_CREATE_ID);
  });

  it('says in its log, without the query string, when the ResponseURL refuses the answer, and does not throw', async () => {
    const { puts, log } = await invoke(fixtures.delete(), { statuses: [403] });
    expect(puts).toHaveLength(1);
    const entry = log.entries.find((logged) => logged.message === 'Could not answer CloudFormation');
    expect(entry?.level).toBe('error');
    expect(JSON.stringify(entry?.extra)).toContain('403');
    expect(JSON.stringify(entry?.extra)).toContain('cloudformation-custom-resource-response-useast1.s3.amazonaws.com');
    expect(log.text()).not.toContain('X-Amz-Signature');
  });

  it('does nothing with an event that is not a CloudFormation request', async () => {
    const { puts, log } = await invoke({ hello: 'world' });
    expect(puts).toHaveLength(0);
    expect(log.entries[0]?.level).toBe('error');
  });
});

describe('the watch decides only on what ECS said', () => {
  it('does not take a poll that failed for a decision: after throttling, the answer carries the task', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 400 },
    });
    aws.ecs
      .on(DescribeTasksCommand)
      .rejectsOnce(throttled)
      .resolvesOnce({ tasks: [ecsTask()] })
      .resolves({ tasks: [stoppedTask(0)] });
    const { response } = await invoke(fixtures.create());
    expect(aws.ecs).toHaveReceivedCommandTimes(DescribeTasksCommand, 3);
    expect(response).toMatchObject({ Status: 'SUCCESS', Data: { TaskArn: TASK_ARN, ExitCode: '0' } });
  });

  it('with Count 2, waits until every task is decided, not just one', async () => {
    const event = fixtures.create();
    event.ResourceProperties.Count = '2';
    aws.ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: TASK_ARN }, { taskArn: SECOND_TASK }] });
    aws.ecs
      .on(DescribeTasksCommand)
      .resolvesOnce({ tasks: [stoppedTask(0), ecsTask({ taskArn: SECOND_TASK })] })
      .resolves({ tasks: [stoppedTask(0), stoppedTask(0, { taskArn: SECOND_TASK })] });
    const { response } = await invoke(event);
    expect(aws.ecs).toHaveReceivedCommandTimes(DescribeTasksCommand, 2);
    expect(response?.Status).toBe('SUCCESS');
  });

  it('polls on through DescribeTasks errors until the Timeout, then stops the tasks and says why', async () => {
    const unavailable = Object.assign(new Error('Service unavailable'), {
      name: 'ServerException',
      $metadata: { httpStatusCode: 503 },
    });
    aws.ecs.on(DescribeTasksCommand).rejects(unavailable);
    const event = fixtures.create();
    event.ResourceProperties.Timeout = '60';
    const { response } = await invoke(event);
    expect(aws.ecs.commandCalls(DescribeTasksCommand).length).toBeGreaterThan(5);
    expect(aws.ecs).toHaveReceivedCommandWith(StopTaskCommand, { task: TASK_ARN });
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toMatch(
      /^Timed out after 60 s .* Their status could not be read for the last \d+ s before the deadline: DescribeTasks failed: ServerException: Service unavailable \(HTTP 503\)\.$/s,
    );
  });

  it('polls on after four errors in a row when the fifth call answers', async () => {
    const unavailable = Object.assign(new Error('Service unavailable'), {
      name: 'ServerException',
      $metadata: { httpStatusCode: 503 },
    });
    let chain = aws.ecs.on(DescribeTasksCommand);
    for (let i = 0; i < 4; i++) chain = chain.rejectsOnce(unavailable);
    chain.resolves({ tasks: [stoppedTask(0)] });
    const { response } = await invoke(fixtures.create());
    expect(response?.Status).toBe('SUCCESS');
  });
});

describe('which events are answered', () => {
  it('answers nobody, and asks AWS nothing, when a field that identifies the request is missing or the type is unknown', async () => {
    const events: unknown[] = [null, 'Create', 42];
    for (const field of ['StackId', 'RequestId', 'LogicalResourceId'] as const) {
      const event = fixtures.create() as unknown as Record<string, unknown>;
      // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- each identifying field in turn
      delete event[field];
      events.push(event);
    }
    events.push({ ...fixtures.create(), RequestType: 'Replace' });
    for (const event of events) {
      const { puts, log } = await invoke(event);
      expect(puts).toHaveLength(0);
      expect(log.entries.map((entry) => entry.level)).toEqual(['error']);
    }
    expect(aws.ecs.calls()).toHaveLength(0);
  });

  it('answers Update and Delete requests as well as Create', async () => {
    expect((await invoke(fixtures.update())).puts).toHaveLength(1);
    expect((await invoke(fixtures.delete())).puts).toHaveLength(1);
  });

  it('takes an event for a hand-off only with its marker, its request and its watch', async () => {
    const wrongMarker = { ...fixtures.continuation(), ecsTaskRunnerContinuation: 2 };
    const noWatch = { ...fixtures.continuation(), watch: undefined };
    const noRequest = { ...fixtures.continuation(), request: 'Create' };
    for (const event of [wrongMarker, noWatch, noRequest]) expect((await invoke(event)).puts).toHaveLength(0);
    expect(aws.ecs.calls()).toHaveLength(0);
    expect((await invoke(fixtures.continuation())).response?.Status).toBe('SUCCESS');
  });

  it('answers a taken-over teardown whose properties cannot be read SUCCESS, saying the cleanup failed', async () => {
    const request = fixtures.delete();
    request.ResourceProperties = { ServiceToken: request.ServiceToken, TaskDefinition: 'todobackend-migrate' };
    const event = {
      ...fixtures.continuation(),
      request,
      phase: { kind: 'teardown', cleanup: 'No task of this resource was running.' },
    };
    const { response } = await invoke(event);
    expect(response?.Status).toBe('SUCCESS');
    expect(response?.Reason).toMatch(/^Deleted; cleaning up failed: .*Cluster/);
    expect(response?.PhysicalResourceId).toBe(request.PhysicalResourceId);
    expect(aws.ecs.calls()).toHaveLength(0);
  });

  it('answers a taken-over run whose properties cannot be read FAILED with the property problem', async () => {
    const event = fixtures.continuation();
    delete (event.request.ResourceProperties as Record<string, unknown>).Cluster;
    const { response } = await invoke(event);
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toMatch(/Cluster/);
    expect(response?.Reason).not.toMatch(/^Unexpected error/);
  });
});

describe('the Lambda time a run needs', () => {
  it('starts with exactly the minimum time left, and refuses with a second less, saying how much is left', async () => {
    const started = await invoke(fixtures.create(), { budgetMs: 55_000 });
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
    expect(started.puts.length + aws.lambda.commandCalls(InvokeCommand).length).toBe(1);
    aws.ecs.resetHistory();
    const { response } = await invoke(fixtures.create(), { budgetMs: 54_000 });
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(response?.Reason).toBe(
      "Not started: the runner function has only 54 s left in this invocation; it needs a Lambda Timeout of at least 60 s (900 s recommended) to watch tasks and hand off to a fresh invocation safely. Raise the function's Timeout.",
    );
  });

  it('hands off a run that is watching its tasks with its phase and its progress, and no step left before the watch', async () => {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask()] });
    await invoke(fixtures.create(), { budgetMs: 60_000 });
    const payload = JSON.parse(
      Buffer.from(aws.lambda.commandCalls(InvokeCommand)[0]?.args[0].input.Payload as Uint8Array).toString('utf8'),
    ) as ContinuationEvent;
    expect(payload.ecsTaskRunnerContinuation).toBe(CONTINUATION_VERSION);
    expect(payload.generation).toBe(2);
    expect(payload.phase).toEqual({ kind: 'run' });
    expect(payload.progress).toEqual({
      attempt: 1,
      startFailures: [],
      succeeded: [],
    });
    expect(payload.state).toEqual({ kind: 'watching', taskArns: [TASK_ARN], startedAt: expect.any(Number) });
    expect(payload.plan).toMatchObject({
      taskDefinitionArn: TASK_DEFINITION_ARN,
      cluster: 'todobackend-cluster',
      timeoutSeconds: 600,
      pollIntervalSeconds: expect.any(Number),
    });
  });
});
