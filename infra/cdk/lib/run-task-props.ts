import type { Duration } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { IEcsTaskRunner } from './ecs-task-runner-function';

/**
 * The runner's properties, typed. Each maps to the property of the same name in the README's table, where the
 * runner documents (and at deploy time checks) what it accepts.
 */
export interface EcsRunTaskProps {
  /** The function that runs the task; default: the stack's `EcsTaskRunnerFunction`, created on first use. */
  readonly runner?: IEcsTaskRunner;
  /**
   * Run the task like this service: its cluster, network configuration (for an `awsvpc` task definition), launch
   * type or capacity provider strategy and platform version, and, unless `taskDefinition` is given, its task
   * definition. Then `service.node.addDependency(migrate)` is all that is left to do.
   */
  readonly service?: ecs.BaseService;
  /** `Cluster`; default: the service's. Required without `service`. */
  readonly cluster?: ecs.ICluster;
  /** `TaskDefinition`; default: the service's. Required without `service`. */
  readonly taskDefinition?: ecs.TaskDefinition;
  /**
   * `Subnets`, selected in the cluster's VPC; default: the service's, or else the VPC's private subnets when the
   * task definition uses `awsvpc`.
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /** `SecurityGroups`; default: the service's, or none (RunTask then uses the VPC's default group). */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /** `AssignPublicIp` (Fargate only); default: the service's, or RunTask's (DISABLED). */
  readonly assignPublicIp?: boolean;
  /** `LaunchType`; default: the service's. Not together with `capacityProviderStrategies`. */
  readonly launchType?: ecs.LaunchType;
  /** `CapacityProviderStrategy`; default: the service's. */
  readonly capacityProviderStrategies?: ecs.CapacityProviderStrategy[];
  /** `PlatformVersion` (Fargate only); default: the service's. */
  readonly platformVersion?: ecs.FargatePlatformVersion;
  /** `Count`: tasks to start, 1 to 10; every one must succeed. Default 1. */
  readonly count?: number;
  /** `Overrides`. Roles given here are also passed (`iam:PassRole`) by the runner. */
  readonly overrides?: TaskOverrides;
  /** `Timeout`: 1 s to 1 hour, whole seconds; default: `ServiceTimeout` less 10 %. */
  readonly timeout?: Duration;
  /** `ServiceTimeout`: how long CloudFormation waits for the answer (1 s to 1 hour); default 1 hour. */
  readonly serviceTimeout?: Duration;
  /** `PollInterval`: longest wait between two DescribeTasks calls, 1 to 300 s; default 2.75 s. */
  readonly pollInterval?: Duration;
  /** `LogLines`: lines of a failed container's `awslogs` log quoted in the Reason, 0 to 50; default 10. */
  readonly logLines?: number;
  /** `RunOnUpdate`: run again on every Update; default true. */
  readonly runOnUpdate?: boolean;
  /** `RunOnRollback`: run during an update rollback; default false. */
  readonly runOnRollback?: boolean;
  /** `StopOnDelete`: stop the resource's running tasks on Delete; default true. */
  readonly stopOnDelete?: boolean;
  /** `Triggers`: no meaning to the runner; change it (e.g. to the image tag) to run the task again. */
  readonly triggers?: Record<string, string> | string[];
  /** `StartedBy`; default `cfn/<LogicalId>/<hash>`. */
  readonly startedBy?: string;
  /** `Group`, as RunTask. */
  readonly group?: string;
  /** `Tags` of the tasks. */
  readonly tags?: Record<string, string>;
  /** `PropagateTags`, as RunTask. */
  readonly propagateTags?: 'TASK_DEFINITION' | 'NONE';
  /** `EnableExecuteCommand`, as RunTask. */
  readonly enableExecuteCommand?: boolean;
  /** `EnableECSManagedTags`, as RunTask. */
  readonly enableEcsManagedTags?: boolean;
}

/** `Overrides`, as RunTask takes them. */
export interface TaskOverrides {
  readonly containerOverrides?: ContainerOverride[];
  /** Task-level CPU, as the ECS API takes it ("1024" or "1 vCPU"). */
  readonly cpu?: string;
  /** Task-level memory, as the ECS API takes it ("2048" or "2 GB"). */
  readonly memory?: string;
  readonly taskRole?: iam.IRole;
  readonly executionRole?: iam.IRole;
}

export interface ContainerOverride {
  /** A container of the task definition. */
  readonly containerName: string;
  readonly command?: string[];
  /** Never logged by the runner. */
  readonly environment?: Record<string, string>;
  readonly cpu?: number;
  readonly memoryLimitMiB?: number;
  readonly memoryReservationMiB?: number;
}
