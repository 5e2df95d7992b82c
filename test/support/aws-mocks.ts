import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { EC2Client } from '@aws-sdk/client-ec2';
import { type Container, type Task, ECSClient } from '@aws-sdk/client-ecs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createCloudFormationApi } from '../../src/aws/cloudformation-api';
import { createEc2Api } from '../../src/aws/ec2-api';
import { createEcsApi } from '../../src/aws/ecs-api';
import { createLambdaApi } from '../../src/aws/lambda-api';
import type { AwsPorts } from '../../src/aws/ports';

const region = 'us-east-1';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/** The real adapters over SDK clients whose `send` is mocked: tests see exactly the requests sent to AWS. */
export function mockedAws() {
  const ecs = mockClient(ECSClient);
  const ec2 = mockClient(EC2Client);
  const lambda = mockClient(LambdaClient);
  const cloudFormation = mockClient(CloudFormationClient);
  const ports: AwsPorts = {
    ecs: createEcsApi(new ECSClient({ region, credentials })),
    ec2: async () => createEc2Api(new EC2Client({ region, credentials })),
    lambda: async () => createLambdaApi(new LambdaClient({ region, credentials })),
    cloudFormation: async () => createCloudFormationApi(new CloudFormationClient({ region, credentials })),
  };
  return {
    ecs,
    ec2,
    lambda,
    cloudFormation,
    ports,
    reset() {
      for (const mock of [ecs, ec2, lambda, cloudFormation]) mock.reset();
    },
  };
}

export const TASK_ARN = 'arn:aws:ecs:us-east-1:123456789012:task/todobackend-cluster/0a1b2c3d4e5f46789abcdef012345678';
export const TASK_DEFINITION_ARN = 'arn:aws:ecs:us-east-1:123456789012:task-definition/todobackend-migrate:7';

/** A task as DescribeTasks reports it. */
export function ecsTask(overrides: Partial<Task> & { containers?: Container[] } = {}): Task {
  return {
    taskArn: TASK_ARN,
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
