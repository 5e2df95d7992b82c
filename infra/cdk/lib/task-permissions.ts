import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';

/** What the runner touches for one resource: the grants follow from these and nothing else. */
export interface TaskAccess {
  stack: Stack;
  cluster: ecs.ICluster;
  taskDefinition: ecs.TaskDefinition;
  /** `Overrides.TaskRoleArn` / `ExecutionRoleArn`. */
  overrideRoles: iam.IRole[];
  /** `VolumeConfigurations[].ManagedEBSVolume.RoleArn`: the ECS infrastructure roles that create the tasks' EBS volumes. */
  infrastructureRoles: iam.IRole[];
  /** RunTask tags the tasks (`Tags`, `PropagateTags` or `EnableECSManagedTags`). */
  tagsTasks: boolean;
  /** The tasks use awsvpc networking: the runner describes their subnets and security groups. */
  awsvpc: boolean;
  /** As `runsOnFargate` decides: on Fargate there are no container instances whose ENIs could run out. */
  fargate: boolean | undefined;
  /** `LogLines` is not 0: a failed container's log is read. */
  readsLogs: boolean;
}

/**
 * The statements the runner's role needs for one resource, as `infra/task-runner.yml` grants them but derived from
 * the resource's own cluster, task definition and roles. See the README's "IAM permissions" for why each exists.
 */
export function taskStatements(access: TaskAccess): iam.PolicyStatement[] {
  const { stack, cluster } = access;
  const onCluster = { ArnEquals: { 'ecs:cluster': cluster.clusterArn } };
  const clusterTasks = stack.formatArn({ service: 'ecs', resource: 'task', resourceName: `${cluster.clusterName}/*` });
  const statements = [
    new iam.PolicyStatement({
      sid: 'RunTheTaskDefinitionInTheCluster',
      actions: ['ecs:RunTask'],
      // Every revision of the family: an update's new revision and its rollback's old one.
      resources: [stack.formatArn({ service: 'ecs', resource: 'task-definition', resourceName: `${access.taskDefinition.family}:*` })],
      conditions: onCluster,
    }),
    new iam.PolicyStatement({
      sid: 'WatchAndStopTasksInTheCluster',
      actions: ['ecs:DescribeTasks', 'ecs:StopTask'],
      resources: [clusterTasks],
      conditions: onCluster,
    }),
    new iam.PolicyStatement({ sid: 'ListTasksInTheCluster', actions: ['ecs:ListTasks'], resources: ['*'], conditions: onCluster }),
    // Takes no resource-level permissions: IAM accepts only "*".
    new iam.PolicyStatement({ sid: 'ReadTaskDefinitions', actions: ['ecs:DescribeTaskDefinition'], resources: ['*'] }),
    new iam.PolicyStatement({
      sid: 'PassTheTaskRolesToEcsTasks',
      actions: ['iam:PassRole'],
      resources: passedRoles(access.taskDefinition, access.overrideRoles).map((role) => role.roleArn),
      conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    }),
    new iam.PolicyStatement({ sid: 'RecogniseUpdateRollbacks', actions: ['cloudformation:DescribeStacks'], resources: [stack.stackId] }),
  ];
  const infrastructureRoles = distinct(access.infrastructureRoles);
  if (infrastructureRoles.length > 0) {
    statements.push(
      // RunTask with VolumeConfigurations passes each volume's infrastructure role to ECS, which creates the volume with it.
      new iam.PolicyStatement({
        sid: 'PassTheInfrastructureRolesToEcs',
        actions: ['iam:PassRole'],
        resources: infrastructureRoles.map((role) => role.roleArn),
        conditions: { StringEquals: { 'iam:PassedToService': 'ecs.amazonaws.com' } },
      }),
    );
  }
  if (access.tagsTasks) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'TagTasksAsTheyStart',
        actions: ['ecs:TagResource'],
        resources: [clusterTasks],
        conditions: { StringEquals: { 'ecs:CreateAction': 'RunTask' } },
      }),
    );
  }
  if (access.awsvpc) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'CheckTheTaskNetwork',
        actions: ['ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups', 'ec2:DescribeRouteTables', 'ec2:DescribeVpcEndpoints'],
        resources: ['*'],
      }),
    );
  }
  if (access.fargate !== true) {
    statements.push(
      new iam.PolicyStatement({ sid: 'ListContainerInstancesOfTheCluster', actions: ['ecs:ListContainerInstances'], resources: [cluster.clusterArn] }),
      new iam.PolicyStatement({
        sid: 'DescribeContainerInstancesInTheCluster',
        actions: ['ecs:DescribeContainerInstances'],
        resources: [stack.formatArn({ service: 'ecs', resource: 'container-instance', resourceName: `${cluster.clusterName}/*` })],
        conditions: onCluster,
      }),
      new iam.PolicyStatement({ sid: 'ReadInstanceEniCapacity', actions: ['ec2:DescribeInstances', 'ec2:DescribeInstanceTypes'], resources: ['*'] }),
    );
  }
  const logGroups = taskLogGroups(access.taskDefinition);
  if (access.readsLogs && logGroups.length > 0) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'ReadTheLogsOfFailedTasks',
        actions: ['logs:GetLogEvents'],
        resources: logGroups.map((group) =>
          stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `${group.name}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME, region: group.region }),
        ),
      }),
    );
  }
  return statements;
}

/** The roles RunTask passes: the task definition's task and execution roles, and any role in the overrides. */
export function passedRoles(taskDefinition: ecs.TaskDefinition, overrideRoles: iam.IRole[]): iam.IRole[] {
  return distinct([taskDefinition.taskRole, ...(taskDefinition.executionRole ? [taskDefinition.executionRole] : []), ...overrideRoles]);
}

function distinct<T>(items: T[]): T[] {
  return items.filter((item, index) => items.indexOf(item) === index);
}

/** The `awslogs` log groups of the task definition's containers (name, and region when the container sets one). */
export function taskLogGroups(taskDefinition: ecs.TaskDefinition): { name: string; region?: string }[] {
  const groups = taskDefinition.node.children
    .filter((child): child is ecs.ContainerDefinition => child instanceof ecs.ContainerDefinition)
    .flatMap((container) => {
      const config = container.logDriverConfig;
      const name = config?.logDriver === 'awslogs' ? config.options?.['awslogs-group'] : undefined;
      if (name === undefined) return [];
      const region = config?.options?.['awslogs-region'];
      return [{ name, ...(region ? { region } : {}) }];
    });
  return groups.filter((group, index) => groups.findIndex((other) => other.name === group.name && other.region === group.region) === index);
}
