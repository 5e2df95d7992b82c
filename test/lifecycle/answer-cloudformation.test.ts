import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeSecurityGroupsCommand, DescribeSubnetsCommand } from '@aws-sdk/client-ec2';
import {
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import type { ContinuationEvent } from '../../src/run/continuation';
import { ecsTask, mockedAws, stoppedTask, stubHappyPath, TASK_ARN, TASK_DEFINITION_ARN } from '../support/aws-mocks';
import { invokeWith } from '../support/invoke';
import { fixtures } from '../support/fixtures';

const aws = mockedAws();
const invoke = invokeWith(aws.ports);
const PHYSICAL_ID = fixtures.update().PhysicalResourceId;
const SECOND_TASK = TASK_ARN.replace('0a1b2c3d', '9f8e7d6c');

beforeEach(() => stubHappyPath(aws));

describe('Create', () => {
  it('runs the task with task networking and answers SUCCESS with the task attributes', async () => {
    const event = fixtures.create();
    const { response, puts } = await invoke(event);

    expect(aws.ecs).toHaveReceivedCommandWith(RunTaskCommand, {
      cluster: 'todobackend-cluster',
      taskDefinition: TASK_DEFINITION_ARN,
      count: 1,
      launchType: 'FARGATE',
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: ['subnet-0a1b2c3d4e5f60718', 'subnet-0f1e2d3c4b5a69788'],
          securityGroups: ['sg-0123456789abcdef0'],
          assignPublicIp: 'DISABLED',
        },
      },
      overrides: {
        containerOverrides: [
          {
            name: 'migrate',
            command: ['python3', 'manage.py', 'migrate', '--no-input'],
            environment: [{ name: 'DJANGO_DB_PASSWORD', value: 's3cr3t-db-password' }],
          },
        ],
      },
    });
    const runTask = aws.ecs.commandCalls(RunTaskCommand)[0]?.args[0].input;
    expect(runTask?.clientToken).toMatch(/^[0-9a-f]{64}$/);
    expect(runTask?.startedBy).toMatch(/^cfn\/MigrateTask\/[0-9a-f]{16}$/);
    // A run that succeeds makes no EC2 call and does not even load the EC2 client: RunTask checks the network.
    expect(aws.ec2).not.toHaveReceivedAnyCommand();
    expect(aws.loaded).toEqual([]);

    expect(puts).toHaveLength(1);
    expect(puts[0]?.url.href).toBe(event.ResponseURL);
    expect(response).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: PHYSICAL_ID,
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: 'MigrateTask',
      Data: {
        TaskArn: TASK_ARN,
        TaskArns: TASK_ARN,
        TaskId: '0a1b2c3d4e5f46789abcdef012345678',
        ExitCode: '0',
        StopCode: 'EssentialContainerExited',
        StoppedReason: 'Essential container in task exited',
        Attempts: '1',
      },
    });
  });

  it('passes the RunTask options through, and resolves the task definition to one revision', async () => {
    const event = fixtures.create();
    Object.assign(event.ResourceProperties, {
      LaunchType: undefined,
      CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE_SPOT', Weight: '3', Base: '1' }],
      PlatformVersion: '1.4.0',
      Count: '2',
      StartedBy: 'release/1-4-2',
      Group: 'migrations',
      Tags: [{ Key: 'team', Value: 'todo' }],
      PropagateTags: 'TASK_DEFINITION',
      EnableExecuteCommand: 'true',
      EnableECSManagedTags: 'true',
    });
    aws.ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: TASK_ARN }, { taskArn: SECOND_TASK }] });
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [stoppedTask(0), stoppedTask(0, { taskArn: SECOND_TASK })] });
    const { response } = await invoke(event);
    expect(response?.Reason).toBeUndefined();
    const input = aws.ecs.commandCalls(RunTaskCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      taskDefinition: TASK_DEFINITION_ARN,
      capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 3, base: 1 }],
      platformVersion: '1.4.0',
      count: 2,
      startedBy: 'release/1-4-2',
      group: 'migrations',
      // The runner's own tag after the template's: the request the task belongs to (IfRunning).
      tags: [
        { key: 'team', value: 'todo' },
        { key: 'ecs-task-runner:request', value: expect.stringMatching(/^[0-9a-f]{64}$/) },
      ],
      propagateTags: 'TASK_DEFINITION',
      enableExecuteCommand: true,
      enableECSManagedTags: true,
    });
    expect(input).not.toHaveProperty('launchType');
    expect(response?.Status).toBe('SUCCESS');
  });

  it('gives a duplicate delivery of the same request the same clientToken, and another request a new one', async () => {
    await invoke(fixtures.create());
    await invoke(fixtures.create());
    const update = fixtures.update();
    await invoke(update);
    const tokens = aws.ecs.commandCalls(RunTaskCommand).map((call) => call.args[0].input.clientToken);
    expect(tokens[0]).toBe(tokens[1]);
    expect(tokens[2]).not.toBe(tokens[0]);
  });

  it('answers FAILED with the container, exit code and stop reason when the migration fails', async () => {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [stoppedTask(3)] });
    const { response } = await invoke(fixtures.create());
    expect(response?.Status).toBe('FAILED');
    expect(response?.PhysicalResourceId).toBe(PHYSICAL_ID);
    expect(response?.Reason).toBe(
      'Task 0a1b2c3d4e5f46789abcdef012345678 failed: container "migrate" exited with code 3 (EssentialContainerExited: "Essential container in task exited").',
    );
    expect(response?.Data?.ExitCode).toBe('3');
  });

  it('explains a container that never ran in a private subnet without a way out', async () => {
    aws.ecs.on(DescribeTasksCommand).resolves({
      tasks: [
        stoppedTask(undefined, {
          stopCode: 'TaskFailedToStart',
          stoppedReason:
            'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed',
          containers: [{ name: 'migrate', lastStatus: 'STOPPED' }],
        }),
      ],
    });
    const { response } = await invoke(fixtures.create());
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toContain('container "migrate" never ran');
    expect(response?.Reason).toContain('TaskFailedToStart: "ResourceInitializationError: unable to pull secrets');
    expect(response?.Reason).toContain('NAT gateway or VPC endpoints');
  });

  it('answers as soon as the essential container has stopped, while the task is still deprovisioning its ENI', async () => {
    aws.ecs.on(DescribeTasksCommand).resolves({
      tasks: [
        ecsTask({
          lastStatus: 'DEPROVISIONING',
          stopCode: 'EssentialContainerExited',
          containers: [
            { name: 'migrate', lastStatus: 'STOPPED', exitCode: 0 },
            { name: 'log-router', lastStatus: 'RUNNING' },
          ],
        }),
      ],
    });
    const { response } = await invoke(fixtures.create());
    expect(response?.Status).toBe('SUCCESS');
    expect(aws.ecs).toHaveReceivedCommandTimes(DescribeTasksCommand, 1);
  });

  it('fails at once, stopping what did start, when RunTask could not place every task', async () => {
    const event = fixtures.create();
    event.ResourceProperties.Count = '2';
    event.ResourceProperties.LaunchType = 'EC2';
    aws.ecs.on(RunTaskCommand).resolves({
      tasks: [{ taskArn: TASK_ARN }],
      failures: [
        {
          arn: 'arn:aws:ecs:us-east-1:123456789012:container-instance/todobackend-cluster/1f2e3d4c',
          reason: 'RESOURCE:ENI',
        },
      ],
    });
    const { response } = await invoke(event);
    expect(aws.ecs).toHaveReceivedCommandWith(StopTaskCommand, { cluster: 'todobackend-cluster', task: TASK_ARN });
    expect(aws.ecs).not.toHaveReceivedCommand(DescribeTasksCommand);
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toMatch(/^RunTask started 1 of 2 tasks and the started ones were stopped: RESOURCE:ENI/);
    expect(response?.Reason).toContain('awsvpcTrunking');
  });

  it('reports every property problem at once, with hints, without calling AWS', async () => {
    const event = fixtures.create();
    const properties = event.ResourceProperties as Record<string, unknown>;
    properties.SecurityGroup = ['sg-0123456789abcdef0'];
    properties.Count = '11';
    delete properties.Cluster;
    const { response } = await invoke(event);
    expect(response?.Status).toBe('FAILED');
    expect(response?.PhysicalResourceId).toBe(PHYSICAL_ID);
    expect(response?.Reason).toContain('SecurityGroup: unknown property — did you mean SecurityGroups?');
    expect(response?.Reason).toContain('Count: "11" is not a whole number from 1 to 10');
    expect(response?.Reason).toContain('Cluster: is required');
    expect(aws.ecs.calls()).toHaveLength(0);
  });

  it('refuses an awsvpc task definition without a network configuration before RunTask', async () => {
    const event = fixtures.create();
    delete event.ResourceProperties.NetworkConfiguration;
    const { response } = await invoke(event);
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toContain(
      'NetworkConfiguration: task definition todobackend-migrate:7 uses network mode awsvpc',
    );
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
  });

  it('names the subnets that do not exist and the VPCs they are spread over when RunTask refuses the network', async () => {
    aws.ecs
      .on(RunTaskCommand)
      .rejects(
        Object.assign(
          new Error(
            "Error retrieving subnet information for [subnet-0a1b2c3d4e5f60718, subnet-0f1e2d3c4b5a69788]: The subnet ID 'subnet-0f1e2d3c4b5a69788' does not exist (ErrorCode: InvalidSubnetID.NotFound)",
          ),
          { name: 'InvalidParameterException', $metadata: { httpStatusCode: 400 } },
        ),
      );
    aws.ec2
      .on(DescribeSubnetsCommand)
      .resolves({ Subnets: [{ SubnetId: 'subnet-0a1b2c3d4e5f60718', VpcId: 'vpc-0abc' }] });
    aws.ec2
      .on(DescribeSecurityGroupsCommand)
      .resolves({ SecurityGroups: [{ GroupId: 'sg-0123456789abcdef0', VpcId: 'vpc-0def' }] });
    const { response } = await invoke(fixtures.create());
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toContain('Subnets: subnet-0f1e2d3c4b5a69788 does not exist in this account and region');
    expect(response?.Reason).toContain(
      'must all be in one VPC, but they are spread over vpc-0abc (subnet-0a1b2c3d4e5f60718) and vpc-0def (sg-0123456789abcdef0)',
    );
    expect(aws.ec2).toHaveReceivedCommandWith(DescribeSubnetsCommand, {
      Filters: [{ Name: 'subnet-id', Values: ['subnet-0a1b2c3d4e5f60718', 'subnet-0f1e2d3c4b5a69788'] }],
    });
    expect(response?.Reason).toMatch(/^Not started: .* no task was started/);
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
  });

  it('stops the task and answers FAILED when the Timeout passes', async () => {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask()] });
    const event = fixtures.create();
    event.ResourceProperties.Timeout = '30';
    const { response, clock } = await invoke(event);
    expect(aws.ecs).toHaveReceivedCommandWith(StopTaskCommand, { task: TASK_ARN, cluster: 'todobackend-cluster' });
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toMatch(
      /^Timed out after 30 s waiting for task 0a1b2c3d4e5f46789abcdef012345678 \(RUNNING\); stopped it\./,
    );
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBe(30_000);
  });

  it('waits for every task of a Count and names each failed one', async () => {
    const event = fixtures.create();
    event.ResourceProperties.Count = '2';
    aws.ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: TASK_ARN }, { taskArn: SECOND_TASK }] });
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [stoppedTask(0), stoppedTask(1, { taskArn: SECOND_TASK })] });
    const { response } = await invoke(event);
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toMatch(
      /^1 of 2 tasks failed\. Task 9f8e7d6c4e5f46789abcdef012345678 failed: container "migrate" exited with code 1/,
    );
    expect(response?.Data?.TaskArns).toBe(`${TASK_ARN},${SECOND_TASK}`);
  });

  it('tolerates a task ECS does not know yet right after RunTask', async () => {
    aws.ecs
      .on(DescribeTasksCommand)
      .resolvesOnce({ tasks: [], failures: [{ arn: TASK_ARN, reason: 'MISSING' }] })
      .resolves({ tasks: [stoppedTask(0)] });
    const { response } = await invoke(fixtures.create());
    expect(response?.Status).toBe('SUCCESS');
  });

  it('waits five minutes for a task ECS does not report, then stops it and says so', async () => {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [], failures: [{ arn: TASK_ARN, reason: 'MISSING' }] });
    const { response } = await invoke(fixtures.create());
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toBe(
      'Task 0a1b2c3d4e5f46789abcdef012345678 failed: ECS still did not know the task 5 minutes after RunTask (MISSING); it was stopped (StopTask, best effort) so that it cannot run unwatched.',
    );
    expect(aws.ecs).toHaveReceivedCommandWith(StopTaskCommand, { cluster: 'todobackend-cluster', task: TASK_ARN });
  });

  it('keeps polling through throttling', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    aws.ecs
      .on(DescribeTasksCommand)
      .rejectsOnce(throttled)
      .resolves({ tasks: [stoppedTask(0)] });
    const { response } = await invoke(fixtures.create());
    expect(response?.Status).toBe('SUCCESS');
  });

  it('stops the tasks and answers FAILED when DescribeTasks is denied', async () => {
    const denied = Object.assign(new Error('User is not authorized to perform: ecs:DescribeTasks'), {
      name: 'AccessDeniedException',
    });
    aws.ecs.on(DescribeTasksCommand).rejects(denied);
    const { response } = await invoke(fixtures.create());
    expect(aws.ecs).toHaveReceivedCommand(StopTaskCommand);
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toContain('DescribeTasks failed: AccessDeniedException: User is not authorized');
    expect(response?.Reason).toContain('IAM permissions');
  });
});

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
    const { response } = await invoke(event, { budgetMs: 60_000 });
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

describe('Update', () => {
  it('runs again with the same PhysicalResourceId', async () => {
    const { response } = await invoke(fixtures.update());
    expect(aws.ecs).toHaveReceivedCommand(RunTaskCommand);
    expect(response?.Status).toBe('SUCCESS');
    expect(response?.PhysicalResourceId).toBe(PHYSICAL_ID);
  });

  it('runs nothing when RunOnUpdate is false, and still returns every attribute', async () => {
    const event = fixtures.update();
    event.ResourceProperties.RunOnUpdate = 'false';
    const { response } = await invoke(event);
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(response?.Status).toBe('SUCCESS');
    expect(response?.Reason).toContain('RunOnUpdate is false');
    expect(Object.keys(response?.Data ?? {})).toEqual([
      'TaskArn',
      'TaskArns',
      'TaskId',
      'ExitCode',
      'StopCode',
      'StoppedReason',
      'Attempts',
    ]);
  });

  it('with RerunOn TaskChange, runs nothing when only how the run is watched changed', async () => {
    const event = fixtures.update();
    event.OldResourceProperties = { ...event.ResourceProperties, RerunOn: 'TaskChange', PollInterval: '5' };
    event.ResourceProperties = { ...event.ResourceProperties, RerunOn: 'TaskChange', PollInterval: '10' };
    const { response } = await invoke(event);
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(response?.Status).toBe('SUCCESS');
    expect(response?.Reason).toContain('RerunOn is TaskChange');
  });

  it('with RerunOn TaskChange, runs again when the task definition or Triggers changed', async () => {
    for (const changed of [{ TaskDefinition: `${TASK_DEFINITION_ARN.replace(/:\d+$/, '')}:99` }, { Triggers: ['2'] }]) {
      aws.ecs.resetHistory();
      const event = fixtures.update();
      event.OldResourceProperties = { ...event.ResourceProperties, RerunOn: 'TaskChange', Triggers: ['1'] };
      event.ResourceProperties = { ...event.ResourceProperties, RerunOn: 'TaskChange', Triggers: ['1'], ...changed };
      const { response } = await invoke(event);
      expect(aws.ecs).toHaveReceivedCommand(RunTaskCommand);
      expect(response?.Status).toBe('SUCCESS');
    }
  });

  it('answers SUCCESS without running during an update rollback', async () => {
    aws.cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [{ StackName: 'todobackend', StackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS', CreationTime: new Date() }],
    });
    const event = fixtures.updateRollback();
    const { response } = await invoke(event);
    expect(aws.cloudFormation).toHaveReceivedCommandWith(DescribeStacksCommand, { StackName: event.StackId });
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(response?.Status).toBe('SUCCESS');
    expect(response?.Reason).toContain('rolling back');
  });

  it('runs during a rollback when RunOnRollback is true, without asking for the stack status', async () => {
    const event = fixtures.updateRollback();
    event.ResourceProperties.RunOnRollback = 'true';
    const { response } = await invoke(event);
    expect(aws.cloudFormation).not.toHaveReceivedCommand(DescribeStacksCommand);
    expect(aws.ecs).toHaveReceivedCommand(RunTaskCommand);
    expect(response?.Status).toBe('SUCCESS');
  });

  it('does not take an update whose stack status cannot be read for a forward one: FAILED, with the ways out', async () => {
    aws.cloudFormation
      .on(DescribeStacksCommand)
      .rejects(
        Object.assign(new Error('not authorized to perform cloudformation:DescribeStacks'), { name: 'AccessDenied' }),
      );
    const { response } = await invoke(fixtures.update());
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toContain('could not read the status of stack todobackend: DescribeStacks was denied');
    expect(response?.Reason).toContain('Or set RunOnRollback to true');
  });
});

describe('Delete', () => {
  it('stops the tasks this resource started that still run', async () => {
    aws.ecs.on(ListTasksCommand).resolves({ taskArns: [TASK_ARN] });
    const event = fixtures.delete();
    const { response } = await invoke(event);
    const startedBy = aws.ecs.commandCalls(ListTasksCommand)[0]?.args[0].input.startedBy;
    expect(startedBy).toMatch(/^cfn\/MigrateTask\//);
    await invoke(fixtures.create());
    expect(aws.ecs.commandCalls(RunTaskCommand)[0]?.args[0].input.startedBy).toBe(startedBy);
    // startedBy must be ListTasks' only filter (ECS API reference).
    expect(aws.ecs.commandCalls(ListTasksCommand)[0]?.args[0].input).toEqual({
      cluster: 'todobackend-cluster',
      startedBy,
      desiredStatus: 'RUNNING',
    });
    expect(aws.ecs).toHaveReceivedCommandWith(StopTaskCommand, { cluster: 'todobackend-cluster', task: TASK_ARN });
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID, RequestId: event.RequestId });
    expect(response?.Reason).toBe('Stopped 1 task(s) still running: 0a1b2c3d4e5f46789abcdef012345678.');
  });

  it('leaves tasks alone when StopOnDelete is false', async () => {
    const event = fixtures.delete();
    event.ResourceProperties.StopOnDelete = 'false';
    const { response } = await invoke(event);
    expect(aws.ecs.calls()).toHaveLength(0);
    expect(response?.Status).toBe('SUCCESS');
  });

  it('succeeds quickly after a Create that failed on invalid properties', async () => {
    const event = fixtures.delete();
    event.ResourceProperties.Count = 'many';
    const { response } = await invoke(event);
    expect(aws.ecs.calls()).toHaveLength(0);
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
  });

  it('succeeds when the cluster is already gone, and when ECS refuses', async () => {
    aws.ecs
      .on(ListTasksCommand)
      .rejects(Object.assign(new Error('Cluster not found.'), { name: 'ClusterNotFoundException' }));
    expect((await invoke(fixtures.delete())).response?.Status).toBe('SUCCESS');
    aws.ecs.on(ListTasksCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const { response } = await invoke(fixtures.delete());
    expect(response?.Status).toBe('SUCCESS');
    expect(response?.Reason).toContain('ListTasks failed: AccessDeniedException');
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
    expect(response?.PhysicalResourceId).toBe(PHYSICAL_ID);
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

  it('uses one PhysicalResourceId in every response for the resource', async () => {
    const ids = new Set<string | undefined>();
    for (const event of [
      fixtures.create(),
      fixtures.update(),
      fixtures.delete(),
    ] as CloudFormationCustomResourceEvent[]) {
      ids.add((await invoke(event)).response?.PhysicalResourceId);
    }
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [stoppedTask(2)] });
    ids.add((await invoke(fixtures.create())).response?.PhysicalResourceId);
    expect([...ids]).toEqual([PHYSICAL_ID]);
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

describe('Create is not an Update', () => {
  it('runs the task on Create even when RunOnUpdate is false, without asking for the stack status', async () => {
    const event = fixtures.create();
    event.ResourceProperties.RunOnUpdate = 'false';
    const { response } = await invoke(event);
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
    expect(aws.cloudFormation).not.toHaveReceivedCommand(DescribeStacksCommand);
    expect(response?.Data?.TaskArn).toBe(TASK_ARN);
  });
});

describe('which events are answered', () => {
  it('answers nobody, and asks AWS nothing, when a field that identifies the request is missing or the type is unknown', async () => {
    const events: unknown[] = [null, 'Create', 42];
    for (const field of ['StackId', 'RequestId', 'LogicalResourceId'] as const) {
      const event = fixtures.create() as unknown as Record<string, unknown>;
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
    expect(payload.ecsTaskRunnerContinuation).toBe(2);
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
