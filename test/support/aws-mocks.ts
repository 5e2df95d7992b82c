import {
  CloudFormationClient,
  DescribeStackResourceCommand,
  DescribeStacksCommand,
  type ResourceStatus,
  type StackStatus,
} from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeSecurityGroupsCommand, DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  type Container,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetFunctionRecursionConfigCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { createCloudFormationApiAs } from '../../src/aws/assumed-role';
import { createCloudFormationApi } from '../../src/aws/cloudformation-api';
import { createEc2Api } from '../../src/aws/ec2-api';
import { createEcsApi } from '../../src/aws/ecs-api';
import { createLambdaApi } from '../../src/aws/lambda-api';
import { createLogsApi } from '../../src/aws/logs-api';
import { createStateTableApi } from '../../src/aws/state-table-api';
import type { AwsPorts } from '../../src/aws/ports';
import { resourceTag } from '../../src/shared/resource-identity';
import { fixtures } from './fixtures';

const region = 'us-east-1';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/** The real adapters over SDK clients whose `send` is mocked: tests see exactly the requests sent to AWS. */
export function mockedAws() {
  const ecs = mockClient(ECSClient);
  const ec2 = mockClient(EC2Client);
  const lambda = mockClient(LambdaClient);
  const cloudFormation = mockClient(CloudFormationClient);
  const logs = mockClient(CloudWatchLogsClient);
  const sts = mockClient(STSClient);
  const dynamodb = mockClient(DynamoDBClient);
  /** Whether the function has a state table (STATE_TABLE_NAME); none unless a test says so. */
  const stateTable = { enabled: false, name: 'ecs-task-runner-state' };
  /** Which lazily loaded clients the runner asked for, in order (the success path should load none but ECS). */
  const loaded: string[] = [];
  const ports: AwsPorts = {
    ecs: createEcsApi(new ECSClient({ region, credentials })),
    ec2: async () => {
      loaded.push('ec2');
      return createEc2Api(new EC2Client({ region, credentials }));
    },
    lambda: async () => createLambdaApi(new LambdaClient({ region, credentials })),
    cloudFormation: async () => createCloudFormationApi(new CloudFormationClient({ region, credentials })),
    // The assumed role's CloudFormation client is mocked with every other one: `cloudFormation` records its calls.
    cloudFormationAs: async (roleArn) => createCloudFormationApiAs(roleArn, new STSClient({ region, credentials })),
    logs: async () => createLogsApi((logRegion) => new CloudWatchLogsClient({ region: logRegion, credentials })),
    stateTable: async () =>
      stateTable.enabled
        ? createStateTableApi(stateTable.name, new DynamoDBClient({ region, credentials }))
        : undefined,
  };
  return {
    ecs,
    ec2,
    lambda,
    cloudFormation,
    logs,
    sts,
    dynamodb,
    stateTable,
    ports,
    loaded,
    reset() {
      loaded.length = 0;
      stateTable.enabled = false;
      for (const mock of [ecs, ec2, lambda, cloudFormation, logs, sts, dynamodb]) mock.reset();
    },
  };
}

export const TASK_ARN = 'arn:aws:ecs:us-east-1:123456789012:task/todobackend-cluster/0a1b2c3d4e5f46789abcdef012345678';
export const TASK_DEFINITION_ARN = 'arn:aws:ecs:us-east-1:123456789012:task-definition/todobackend-migrate:7';

/**
 * The tag the runner puts on every task of the fixtures' resource (MigrateTask of the todobackend stack): what makes a
 * task the resource's on Delete and IfRunning.
 */
export const RESOURCE_TAG = { key: 'ecs-task-runner:resource', value: resourceTag(fixtures.create()) };

/** A task as DescribeTasks reports it: by default one the runner started for the fixtures' resource. */
export function ecsTask(overrides: Partial<Task> & { containers?: Container[] } = {}): Task {
  return {
    taskArn: TASK_ARN,
    tags: [RESOURCE_TAG],
    clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/todobackend-cluster',
    taskDefinitionArn: TASK_DEFINITION_ARN,
    lastStatus: 'RUNNING',
    desiredStatus: 'RUNNING',
    containers: [{ name: 'migrate', lastStatus: 'RUNNING' }],
    ...overrides,
  };
}

export function stoppedTask(exitCode: number | undefined, extra: Partial<Task> = {}): Task {
  return ecsTask({
    lastStatus: 'STOPPED',
    desiredStatus: 'STOPPED',
    stopCode: 'EssentialContainerExited',
    stoppedReason: 'Essential container in task exited',
    containers: [{ name: 'migrate', lastStatus: 'STOPPED', ...(exitCode === undefined ? {} : { exitCode }) }],
    ...extra,
  });
}

export type MockedAws = ReturnType<typeof mockedAws>;

/**
 * The answers of a healthy account: an awsvpc migrate task definition (essential `migrate`, non-essential
 * `log-router`), subnets and security group in one VPC (for the diagnostics), a task that runs once and then
 * exits 0, a runner function that allows recursion.
 */
export function stubHappyPath(aws: MockedAws): void {
  aws.reset();
  aws.ecs.on(DescribeTaskDefinitionCommand).resolves({
    taskDefinition: {
      taskDefinitionArn: TASK_DEFINITION_ARN,
      networkMode: 'awsvpc',
      containerDefinitions: [
        { name: 'migrate', essential: true },
        { name: 'log-router', essential: false },
      ],
    },
  });
  aws.ec2.on(DescribeSubnetsCommand).resolves({
    Subnets: [
      { SubnetId: 'subnet-0a1b2c3d4e5f60718', VpcId: 'vpc-0abc' },
      { SubnetId: 'subnet-0f1e2d3c4b5a69788', VpcId: 'vpc-0abc' },
    ],
  });
  aws.ec2
    .on(DescribeSecurityGroupsCommand)
    .resolves({ SecurityGroups: [{ GroupId: 'sg-0123456789abcdef0', VpcId: 'vpc-0abc' }] });
  // No earlier run of the resource still runs (IfRunning).
  aws.ecs.on(ListTasksCommand).resolves({ taskArns: [] });
  aws.ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: TASK_ARN }], failures: [] });
  aws.ecs
    .on(DescribeTasksCommand)
    .resolvesOnce({ tasks: [ecsTask()] })
    .resolves({ tasks: [stoppedTask(0)] });
  aws.ecs.on(StopTaskCommand).resolves({});
  aws.lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
  // As the sample function sets it (infra/task-runner.yml); Lambda's own default is Terminate.
  aws.lambda.on(GetFunctionRecursionConfigCommand).resolves({ RecursiveLoop: 'Allow' });
  aws.cloudFormation.on(DescribeStacksCommand).resolves({
    Stacks: [{ StackName: 'todobackend', StackStatus: 'UPDATE_IN_PROGRESS', CreationTime: new Date() }],
  });
  // No resource reported (a test that confirms a request through the topic says what CloudFormation reports).
  aws.cloudFormation.on(DescribeStackResourceCommand).resolves({});
  // A StackStatusRoleArn that trusts the runner's role.
  aws.sts.on(AssumeRoleCommand).resolves({
    Credentials: {
      AccessKeyId: 'ASIAEXAMPLESTACKSTATUS',
      SecretAccessKey: 'stack-status-secret',
      SessionToken: 'stack-status-session',
      Expiration: new Date(Date.UTC(2026, 10, 25, 13, 0, 0)),
    },
  });
}

/** The migrate task definition with `migrate` logging to CloudWatch Logs (awslogs, with a stream prefix). */
export function stubAwsLogsTaskDefinition(aws: MockedAws): void {
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
            options: {
              'awslogs-group': '/ecs/todobackend',
              'awslogs-region': 'eu-west-1',
              'awslogs-stream-prefix': 'todobackend',
            },
          },
        },
        { name: 'log-router', essential: false },
      ],
    },
  });
}

/** DescribeStacks answers these statuses of the fixtures' stack in turn, then the last one again. */
export function stubStackStatuses(aws: MockedAws, ...statuses: [StackStatus, ...StackStatus[]]): void {
  let call = 0;
  aws.cloudFormation.on(DescribeStacksCommand).callsFake(() => ({
    Stacks: [
      {
        StackName: 'todobackend',
        StackStatus: statuses[Math.min(call++, statuses.length - 1)],
        CreationTime: new Date(Date.UTC(2026, 10, 25, 12, 0, 0)),
      },
    ],
  }));
}

/**
 * DescribeStackResource reports the fixtures' resource (MigrateTask) in `status`, of the fixtures' type by default,
 * after failing with `failures` in turn.
 */
export function stubStackResource(
  aws: MockedAws,
  status: ResourceStatus,
  type = 'Custom::ECSTaskRunner',
  failures: Error[] = [],
): void {
  let call = 0;
  aws.cloudFormation
    .on(DescribeStackResourceCommand)
    .callsFake((input: { StackName: string; LogicalResourceId: string }) => {
      const failure = failures[call++];
      if (failure) throw failure;
      return {
        StackResourceDetail: {
          StackId: input.StackName,
          StackName: 'todobackend',
          LogicalResourceId: input.LogicalResourceId,
          PhysicalResourceId: 'todobackend-MigrateTask',
          ResourceType: type,
          ResourceStatus: status,
          LastUpdatedTimestamp: new Date(Date.UTC(2026, 10, 25, 12, 0, 0)),
        },
      };
    });
}
