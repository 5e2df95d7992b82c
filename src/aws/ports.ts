import type {
  DescribeContainerInstancesCommandInput,
  DescribeContainerInstancesCommandOutput,
  DescribeTaskDefinitionCommandInput,
  DescribeTaskDefinitionCommandOutput,
  DescribeTasksCommandInput,
  DescribeTasksCommandOutput,
  ListContainerInstancesCommandInput,
  ListContainerInstancesCommandOutput,
  ListTasksCommandInput,
  ListTasksCommandOutput,
  RunTaskCommandInput,
  RunTaskCommandOutput,
  StopTaskCommandInput,
  StopTaskCommandOutput,
} from '@aws-sdk/client-ecs';
import type {
  DescribeInstancesCommandInput,
  DescribeInstancesCommandOutput,
  DescribeInstanceTypesCommandInput,
  DescribeInstanceTypesCommandOutput,
  DescribeRouteTablesCommandInput,
  DescribeRouteTablesCommandOutput,
  DescribeSecurityGroupsCommandInput,
  DescribeSecurityGroupsCommandOutput,
  DescribeSubnetsCommandInput,
  DescribeSubnetsCommandOutput,
  DescribeVpcEndpointsCommandInput,
  DescribeVpcEndpointsCommandOutput,
} from '@aws-sdk/client-ec2';

/** The ECS calls the runner makes. Loaded eagerly: every Create and Update needs it. */
export interface EcsApi {
  runTask(input: RunTaskCommandInput): Promise<RunTaskCommandOutput>;
  describeTasks(input: DescribeTasksCommandInput): Promise<DescribeTasksCommandOutput>;
  stopTask(input: StopTaskCommandInput): Promise<StopTaskCommandOutput>;
  listTasks(input: ListTasksCommandInput): Promise<ListTasksCommandOutput>;
  describeTaskDefinition(input: DescribeTaskDefinitionCommandInput): Promise<DescribeTaskDefinitionCommandOutput>;
  /** Diagnostics only: the container instances' ENI capacity. */
  listContainerInstances(input: ListContainerInstancesCommandInput): Promise<ListContainerInstancesCommandOutput>;
  describeContainerInstances(
    input: DescribeContainerInstancesCommandInput,
  ): Promise<DescribeContainerInstancesCommandOutput>;
}

/** The EC2 calls of the network pre-flight check and of the diagnostics (routes, endpoints, ENI capacity). */
export interface Ec2Api {
  describeSubnets(input: DescribeSubnetsCommandInput): Promise<DescribeSubnetsCommandOutput>;
  describeSecurityGroups(input: DescribeSecurityGroupsCommandInput): Promise<DescribeSecurityGroupsCommandOutput>;
  describeRouteTables(input: DescribeRouteTablesCommandInput): Promise<DescribeRouteTablesCommandOutput>;
  describeVpcEndpoints(input: DescribeVpcEndpointsCommandInput): Promise<DescribeVpcEndpointsCommandOutput>;
  describeInstances(input: DescribeInstancesCommandInput): Promise<DescribeInstancesCommandOutput>;
  describeInstanceTypes(input: DescribeInstanceTypesCommandInput): Promise<DescribeInstanceTypesCommandOutput>;
}

/** One GetLogEvents page: events oldest first, and the token of the page before it. */
export interface LogPage {
  events: { message: string; timestamp: number }[];
  /** Equal to the token passed in once the start of the stream is reached. */
  nextBackwardToken?: string;
}

/** Reads containers' CloudWatch Logs streams: a failed task's last lines, a successful one's printed outputs. */
export interface LogsApi {
  /** Oldest first; at most `limit` lines. */
  lastLines(region: string, logGroupName: string, logStreamName: string, limit: number): Promise<string[]>;
  /** The newest page of the stream without `backwardToken`; with it, the page before the one that returned it. */
  pageBackward(region: string, logGroupName: string, logStreamName: string, backwardToken?: string): Promise<LogPage>;
}

/** Starts a new asynchronous invocation of a Lambda function (the hand-off), and reads its recursion setting. */
export interface LambdaApi {
  invokeAsync(functionArn: string, payload: string): Promise<void>;
  /** The function's recursive loop detection setting (`Allow` or `Terminate`), from GetFunctionRecursionConfig. */
  recursiveLoop(functionName: string): Promise<string | undefined>;
}

/** One resource of a stack as DescribeStackResource reports it: what it is and where CloudFormation is with it. */
export interface StackResourceFacts {
  resourceType: string;
  resourceStatus: string;
}

/**
 * Reads a stack's status (to recognise a rollback), undefined when DescribeStacks returns no such stack; and one of
 * its resources (to confirm that a request is CloudFormation's), undefined when DescribeStackResource returns none.
 */
export interface CloudFormationApi {
  stackStatus(stackId: string): Promise<string | undefined>;
  stackResource(stackId: string, logicalResourceId: string): Promise<StackResourceFacts | undefined>;
}

/**
 * One item of the runner's state table (DynamoDB, partition key `pk`). The record itself travels as JSON in `body`:
 * the table is the runner's own, and one string attribute keeps the port free of DynamoDB's attribute types.
 * `version` grows by one with every write, so that writers who read the same version cannot both win.
 */
export interface StateItem {
  pk: string;
  version: number;
  /** The record, as JSON. */
  body: string;
  /** When DynamoDB's TTL may delete the item (epoch seconds); absent on an item that must not expire. */
  expiresAt?: number;
}

/** The runner's state table (`STATE_TABLE_NAME`). */
export interface StateTableApi {
  /** The item, read strongly consistent; undefined when there is none. */
  get(pk: string): Promise<StateItem | undefined>;
  /**
   * Writes `item` only if the stored item's version is still `expectedVersion` (undefined: only if there is no
   * item). `conflict` when another writer got there first: read again and decide again.
   */
  put(item: StateItem, expectedVersion: number | undefined): Promise<'written' | 'conflict'>;
  /**
   * Every item whose key begins with `prefix` (all pages): what the scheduled sweep looks through (parked runs).
   * Read strongly consistent, as `get` is.
   */
  scan(prefix: string): Promise<StateItem[]>;
}

/**
 * Every AWS service the runner talks to. Only ECS is needed on every path; the others are loaded on first use so
 * that a cold start pays for them only when it needs them (CloudWatch Logs only when a task failed or Outputs are
 * declared).
 */
export interface AwsPorts {
  ecs: EcsApi;
  ec2(): Promise<Ec2Api>;
  lambda(): Promise<LambdaApi>;
  cloudFormation(): Promise<CloudFormationApi>;
  /** CloudFormation with the credentials of `roleArn` (sts:AssumeRole): a stack in another account. */
  cloudFormationAs(roleArn: string): Promise<CloudFormationApi>;
  logs(): Promise<LogsApi>;
  /** The state table, or undefined when the function has none (`STATE_TABLE_NAME` unset: a function built by hand). */
  stateTable(): Promise<StateTableApi | undefined>;
}
