import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, type IConstruct } from 'constructs';

/** One kind of task the runner starts for the resource: its own, or the OnDelete teardown. */
export interface TaskRun {
  taskDefinition: ecs.TaskDefinition;
  /** `Overrides.TaskRoleArn` / `ExecutionRoleArn` of this run. */
  overrideRoles: iam.IRole[];
  /** Its containers' `awslogs` logs are read: to quote a failed container (`LogLines` not 0), or for `Outputs`. */
  readsLogs: boolean;
  /**
   * Any revision of the family may run (`RunOnRollback`: a rollback runs the previous one); otherwise only the
   * revision the template names.
   */
  anyRevision: boolean;
}

/** What the runner touches for one resource: the grants follow from these and nothing else. */
export interface TaskAccess {
  cluster: ecs.ICluster;
  /** The resource's own run, and the OnDelete teardown's when there is one. */
  runs: TaskRun[];
  /** `VolumeConfigurations[].ManagedEBSVolume.RoleArn`: the ECS infrastructure roles that create the tasks' EBS volumes. */
  infrastructureRoles: iam.IRole[];
  /** `StackStatusRoleArn`: the role the runner assumes to read the stack's status in another account. */
  stackStatusRoles: iam.IRole[];
  /** The tasks use awsvpc networking: the runner describes their subnets and security groups. */
  awsvpc: boolean;
  /** As `runsOnFargate` decides: on Fargate there are no container instances whose ENIs could run out. */
  fargate: boolean | undefined;
}

const PERMISSIONS_ID = 'TaskPermissions';

/**
 * The permissions a runner's role gets in one stack: one inline policy, shared by every `EcsRunTask` of the stack
 * on that runner. What every run needs (reading task definitions and networks, the stack's rollback status) is
 * granted once; what a run adds is its own ARNs in the statements of its cluster: a task definition, its roles, its
 * log groups. IAM allows 10,240 characters of inline policy per role ("IAM and AWS STS quotas"), so a policy per run
 * would stop a stack at about five runs. See docs/iam.md ("IAM permissions") for why each statement exists.
 */
export class RunnerPermissions extends Construct {
  /** The runner's permissions in `scope`'s stack, created on first use: beside the runner when it is in that stack. */
  static of(scope: IConstruct, runner: IConstruct, role: iam.IRole): RunnerPermissions {
    const stack = Stack.of(scope);
    const parent = Stack.of(runner) === stack ? runner : stack;
    const id = parent === runner ? PERMISSIONS_ID : `${runner.node.id}${PERMISSIONS_ID}`;
    const existing = parent.node.tryFindChild(id);
    if (existing instanceof RunnerPermissions) return existing;
    return new RunnerPermissions(parent, id, role);
  }

  readonly policy: iam.Policy;
  private readonly statements = new Map<string, iam.PolicyStatement>();
  private readonly granted = new Set<string>();
  private readonly clusters: string[] = [];

  private constructor(scope: Construct, id: string, role: iam.IRole) {
    super(scope, id);
    this.policy = new iam.Policy(this, 'Policy', { roles: [role] });
    const stack = Stack.of(this);
    // Takes no resource-level permissions: IAM accepts only "*".
    this.statement('ReadTaskDefinitions', { actions: ['ecs:DescribeTaskDefinition'], resources: ['*'] });
    // DescribeStackResource: a request that comes through a topic moves a task only once CloudFormation reports its
    // resource as the request implies (src/requests/confirm-request.ts).
    this.statement('RecogniseUpdateRollbacks', {
      actions: ['cloudformation:DescribeStacks', 'cloudformation:DescribeStackResource'],
      resources: [stack.stackId],
    });
  }

  /** Adds what the runner needs to run one resource's tasks. */
  grant(access: TaskAccess): void {
    const { cluster, runs } = access;
    const stack = Stack.of(this);
    const suffix = this.clusterSuffix(cluster);
    const onCluster = { ArnEquals: { 'ecs:cluster': cluster.clusterArn } };
    const clusterTasks = stack.formatArn({
      service: 'ecs',
      resource: 'task',
      resourceName: `${cluster.clusterName}/*`,
    });

    const runTask = this.statement(`RunTheTaskDefinitionInTheCluster${suffix}`, {
      actions: ['ecs:RunTask'],
      conditions: onCluster,
    });
    for (const run of runs) {
      const { family, node } = run.taskDefinition;
      if (run.anyRevision) {
        this.addResource(runTask, `family ${family}`, () =>
          stack.formatArn({ service: 'ecs', resource: 'task-definition', resourceName: `${family}:*` }),
        );
      } else {
        this.addResource(runTask, `revision ${node.path}`, () => run.taskDefinition.taskDefinitionArn);
      }
    }
    // RunTask tags every task as it creates it: with the request it belongs to (IfRunning tells an earlier run by
    // it), and with Tags, PropagateTags or EnableECSManagedTags. Scoped to the cluster's tasks by the resource, not
    // by an ecs:cluster condition, as in infra/task-runner.yml (which says why).
    this.statement(`TagTasksAsTheyStart${suffix}`, {
      actions: ['ecs:TagResource'],
      resources: [clusterTasks],
      conditions: { StringEquals: { 'ecs:CreateAction': 'RunTask' } },
    });
    this.statement(`WatchAndStopTasksInTheCluster${suffix}`, {
      actions: ['ecs:DescribeTasks', 'ecs:StopTask'],
      resources: [clusterTasks],
      conditions: onCluster,
    });
    this.statement(`ListTasksInTheCluster${suffix}`, {
      actions: ['ecs:ListTasks'],
      resources: ['*'],
      conditions: onCluster,
    });

    const passRoles = this.statement('PassTheTaskRolesToEcsTasks', {
      actions: ['iam:PassRole'],
      conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    });
    for (const role of passedRoles(runs)) this.addResource(passRoles, `role ${role.node.path}`, () => role.roleArn);

    if (access.infrastructureRoles.length > 0) {
      // RunTask with VolumeConfigurations passes each volume's infrastructure role to ECS, which creates the volume with it.
      const passInfrastructure = this.statement('PassTheInfrastructureRolesToEcs', {
        actions: ['iam:PassRole'],
        conditions: { StringEquals: { 'iam:PassedToService': 'ecs.amazonaws.com' } },
      });
      for (const role of access.infrastructureRoles) {
        this.addResource(passInfrastructure, `infrastructure role ${role.node.path}`, () => role.roleArn);
      }
    }
    if (access.stackStatusRoles.length > 0) {
      const assume = this.statement('ReadTheStackStatusAsItsRole', { actions: ['sts:AssumeRole'] });
      for (const role of access.stackStatusRoles) {
        this.addResource(assume, `stack status role ${role.node.path}`, () => role.roleArn);
      }
    }
    if (access.awsvpc) {
      this.statement('CheckTheTaskNetwork', {
        actions: [
          'ec2:DescribeSubnets',
          'ec2:DescribeSecurityGroups',
          'ec2:DescribeRouteTables',
          'ec2:DescribeVpcEndpoints',
        ],
        resources: ['*'],
      });
    }
    if (access.fargate !== true) {
      this.statement(`ListContainerInstancesOfTheCluster${suffix}`, {
        actions: ['ecs:ListContainerInstances'],
        resources: [cluster.clusterArn],
      });
      this.statement(`DescribeContainerInstancesInTheCluster${suffix}`, {
        actions: ['ecs:DescribeContainerInstances'],
        resources: [
          stack.formatArn({
            service: 'ecs',
            resource: 'container-instance',
            resourceName: `${cluster.clusterName}/*`,
          }),
        ],
        conditions: onCluster,
      });
      this.statement('ReadInstanceEniCapacity', {
        actions: ['ec2:DescribeInstances', 'ec2:DescribeInstanceTypes'],
        resources: ['*'],
      });
    }
    const logGroups = distinctLogGroups(
      runs.filter((run) => run.readsLogs).flatMap((run) => taskLogGroups(run.taskDefinition)),
    );
    if (logGroups.length > 0) {
      const readLogs = this.statement('ReadTheTaskLogs', { actions: ['logs:GetLogEvents'] });
      for (const group of logGroups) {
        this.addResource(readLogs, `log group ${group.name} ${group.region ?? ''}`, () =>
          stack.formatArn({
            service: 'logs',
            resource: 'log-group',
            resourceName: `${group.name}:*`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            region: group.region,
          }),
        );
      }
    }
  }

  /** The statement of that Sid, added to the policy the first time it is asked for. */
  private statement(sid: string, props: iam.PolicyStatementProps): iam.PolicyStatement {
    let statement = this.statements.get(sid);
    if (!statement) {
      statement = new iam.PolicyStatement({ sid, ...props });
      this.statements.set(sid, statement);
      this.policy.addStatements(statement);
    }
    return statement;
  }

  /** One ARN per thing granted, however many runs need it. */
  private addResource(statement: iam.PolicyStatement, key: string, arn: () => string): void {
    const grant = `${statement.sid} ${key}`;
    if (this.granted.has(grant)) return;
    this.granted.add(grant);
    statement.addResources(arn());
  }

  /** '' for the first cluster, '2', '3'... for the next ones: a Sid is unique in a policy. */
  private clusterSuffix(cluster: ecs.ICluster): string {
    if (!this.clusters.includes(cluster.node.path)) this.clusters.push(cluster.node.path);
    const index = this.clusters.indexOf(cluster.node.path);
    return index === 0 ? '' : String(index + 1);
  }
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
