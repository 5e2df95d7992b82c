import type {
  DescribeTaskDefinitionCommandInput,
  DescribeTaskDefinitionCommandOutput,
  DescribeTasksCommandInput,
  DescribeTasksCommandOutput,
  ListTasksCommandInput,
  ListTasksCommandOutput,
  RunTaskCommandInput,
  RunTaskCommandOutput,
  StopTaskCommandInput,
  StopTaskCommandOutput,
} from '@aws-sdk/client-ecs';
import type {
  DescribeSecurityGroupsCommandInput,
  DescribeSecurityGroupsCommandOutput,
  DescribeSubnetsCommandInput,
  DescribeSubnetsCommandOutput,
} from '@aws-sdk/client-ec2';

/** The ECS calls the runner makes. Loaded eagerly: every Create and Update needs it. */
export interface EcsApi {
  runTask(input: RunTaskCommandInput): Promise<RunTaskCommandOutput>;
  describeTasks(input: DescribeTasksCommandInput): Promise<DescribeTasksCommandOutput>;
  stopTask(input: StopTaskCommandInput): Promise<StopTaskCommandOutput>;
  listTasks(input: ListTasksCommandInput): Promise<ListTasksCommandOutput>;
  describeTaskDefinition(input: DescribeTaskDefinitionCommandInput): Promise<DescribeTaskDefinitionCommandOutput>;
}

/** The EC2 calls of the network pre-flight check. */
export interface Ec2Api {
  describeSubnets(input: DescribeSubnetsCommandInput): Promise<DescribeSubnetsCommandOutput>;
  describeSecurityGroups(input: DescribeSecurityGroupsCommandInput): Promise<DescribeSecurityGroupsCommandOutput>;
}

/** Starts a new asynchronous invocation of a Lambda function (the hand-off). */
export interface LambdaApi {
  invokeAsync(functionArn: string, payload: string): Promise<void>;
}

/** Reads a stack's status (to recognise an update rollback). */
export interface CloudFormationApi {
  stackStatus(stackId: string): Promise<string | undefined>;
}

/**
 * Every AWS service the runner talks to. Only ECS is needed on every path; the others are loaded on first use so
 * that a cold start pays for them only when it needs them.
 */
export interface AwsPorts {
  ecs: EcsApi;
  ec2(): Promise<Ec2Api>;
  lambda(): Promise<LambdaApi>;
  cloudFormation(): Promise<CloudFormationApi>;
}
