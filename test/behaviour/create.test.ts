import { DescribeSecurityGroupsCommand, DescribeSubnetsCommand } from '@aws-sdk/client-ec2';
import { DescribeTasksCommand, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { ecsTask, mockedAws, stoppedTask, stubHappyPath, TASK_ARN, TASK_DEFINITION_ARN } from '../support/aws-mocks';
import { invokeWith } from '../support/invoke';
import { fixtures } from '../support/fixtures';
import { resourceTag } from '../../src/shared/resource-identity';
import { FAILED_CREATE_ID, PHYSICAL_ID, SECOND_TASK } from './answer-cloudformation-ids';

const aws = mockedAws();
const invoke = invokeWith(aws.ports);

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
      // The runner's own tags after the template's: the request the task belongs to (IfRunning), and the resource
      // (what makes a task the resource's on Delete and IfRunning, whatever its startedBy).
      tags: [
        { key: 'team', value: 'todo' },
        { key: 'ecs-task-runner:request', value: expect.stringMatching(/^[0-9a-f]{64}$/) },
        { key: 'ecs-task-runner:resource', value: resourceTag(event) },
        // When the runner stops the tasks and answers FAILED (the scheduled sweep stops them if the runner is lost),
        // and the stack the sweep names.
        {
          key: 'ecs-task-runner:deadline',
          value: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
        },
        { key: 'ecs-task-runner:stack', value: event.StackId },
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
    expect(response?.PhysicalResourceId).toBe(FAILED_CREATE_ID);
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
    expect(response?.PhysicalResourceId).toBe(FAILED_CREATE_ID);
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

describe('Create is not an Update', () => {
  it('runs the task on Create even when RunOnUpdate is false', async () => {
    const event = fixtures.create();
    event.ResourceProperties.RunOnUpdate = 'false';
    const { response } = await invoke(event);
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
    expect(response?.Data?.TaskArn).toBe(TASK_ARN);
  });
});
