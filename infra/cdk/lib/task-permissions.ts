import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';

/** One kind of task the runner starts for the resource: its own, or the OnDelete teardown. */
export interface TaskRun {
  taskDefinition: ecs.TaskDefinition;
  /** `Overrides.TaskRoleArn` / `ExecutionRoleArn` of this run. */
  overrideRoles: iam.IRole[];
  /** Its containers' `awslogs` logs are read: to quote a failed container (`LogLines` not 0), or for `Outputs`. */
  readsLogs: boolean;
}

/** What the runner touches for one resource: the grants follow from these and nothing else. */
export interface TaskAccess {
  stack: Stack;
  cluster: ecs.ICluster;
  /** The resource's own run, and the OnDelete teardown's when there is one. */
  runs: TaskRun[];
  /** `VolumeConfigurations[].ManagedEBSVolume.RoleArn`: the ECS infrastructure roles that create the tasks' EBS volumes. */
  infrastructureRoles: iam.IRole[];
  /** The tasks use awsvpc networking: the runner describes their subnets and security groups. */
  awsvpc: boolean;
  /** As `runsOnFargate` decides: on Fargate there are no container instances whose ENIs could run out. */
  fargate: boolean | undefined;
}

/**
 * The statements the runner's role needs for one resource, as `infra/task-runner.yml` grants them but derived from
 * the resource's own cluster, task definition and roles. See docs/iam.md ("IAM permissions") for why each exists.
 */
export function taskStatements(access: TaskAccess): iam.PolicyStatement[] {
  const { stack, cluster, runs } = access;
  const onCluster = { ArnEquals: { 'ecs:cluster': cluster.clusterArn } };
  const clusterTasks = stack.formatArn({ service: 'ecs', resource: 'task', resourceName: `${cluster.clusterName}/*` });
  const statements = [
    new iam.PolicyStatement({
      sid: 'RunTheTaskDefinitionInTheCluster',
      actions: ['ecs:RunTask'],
      // Every revision of the family: an update's new revision and its rollback's old one.
      resources: distinct(runs.map((run) => run.taskDefinition.family)).map((family) =>
        stack.formatArn({ service: 'ecs', resource: 'task-definition', resourceName: `${family}:*` }),
      ),
      conditions: onCluster,
    }),
    // RunTask tags every task as it creates it: with the request it belongs to (IfRunning tells an earlier run by
    // it), and with Tags, PropagateTags or EnableECSManagedTags. Scoped to the cluster's tasks by the resource, not
    // by an ecs:cluster condition, as in infra/task-runner.yml (which says why).
    new iam.PolicyStatement({
      sid: 'TagTasksAsTheyStart',
      actions: ['ecs:TagResource'],
      resources: [clusterTasks],
      conditions: { StringEquals: { 'ecs:CreateAction': 'RunTask' } },
    }),
    new iam.PolicyStatement({
      sid: 'WatchAndStopTasksInTheCluster',
      actions: ['ecs:DescribeTasks', 'ecs:StopTask'],
      resources: [clusterTasks],
      conditions: onCluster,
    }),
    new iam.PolicyStatement({
      sid: 'ListTasksInTheCluster',
      actions: ['ecs:ListTasks'],
      resources: ['*'],
      conditions: onCluster,
    }),
    // Takes no resource-level permissions: IAM accepts only "*".
    new iam.PolicyStatement({ sid: 'ReadTaskDefinitions', actions: ['ecs:DescribeTaskDefinition'], resources: ['*'] }),
    new iam.PolicyStatement({
      sid: 'PassTheTaskRolesToEcsTasks',
      actions: ['iam:PassRole'],
      resources: passedRoles(runs).map((role) => role.roleArn),
      conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    }),
    new iam.PolicyStatement({
      sid: 'RecogniseUpdateRollbacks',
      actions: ['cloudformation:DescribeStacks'],
      resources: [stack.stackId],
    }),
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
  if (access.awsvpc) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'CheckTheTaskNetwork',
        actions: [
          'ec2:DescribeSubnets',
          'ec2:DescribeSecurityGroups',
          'ec2:DescribeRouteTables',
          'ec2:DescribeVpcEndpoints',
        ],
        resources: ['*'],
      }),
    );
  }
  if (access.fargate !== true) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'ListContainerInstancesOfTheCluster',
        actions: ['ecs:ListContainerInstances'],
        resources: [cluster.clusterArn],
      }),
      new iam.PolicyStatement({
        sid: 'DescribeContainerInstancesInTheCluster',
        actions: ['ecs:DescribeContainerInstances'],
        resources: [
          stack.formatArn({ service: 'ecs', resource: 'container-instance', resourceName: `${cluster.clusterName}/*` }),
        ],
        conditions: onCluster,
      }),
      new iam.PolicyStatement({
        sid: 'ReadInstanceEniCapacity',
        actions: ['ec2:DescribeInstances', 'ec2:DescribeInstanceTypes'],
        resources: ['*'],
      }),
    );
  }
  const logGroups = distinctLogGroups(
    runs.filter((run) => run.readsLogs).flatMap((run) => taskLogGroups(run.taskDefinition)),
  );
  if (logGroups.length > 0) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'ReadTheTaskLogs',
        actions: ['logs:GetLogEvents'],
        resources: logGroups.map((group) =>
          stack.formatArn({
            service: 'logs',
            resource: 'log-group',
            resourceName: `${group.name}:*`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            region: group.region,
          }),
        ),
      }),
    );
  }
  return statements;
}

/** The roles RunTask passes: each run's task definition's task and execution roles, and any role in its overrides. */
export function passedRoles(runs: TaskRun[]): iam.IRole[] {
  return distinct(
    runs.flatMap(({ taskDefinition, overrideRoles }) => [
      taskDefinition.taskRole,
      ...(taskDefinition.executionRole ? [taskDefinition.executionRole] : []),
      ...overrideRoles,
    ]),
  );
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
  return distinctLogGroups(groups);
}

function distinctLogGroups(groups: { name: string; region?: string }[]): { name: string; region?: string }[] {
  return groups.filter(
    (group, index) => groups.findIndex((other) => other.name === group.name && other.region === group.region) === index,
  );
}
