import type { Duration, Size } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { IConstruct } from 'constructs';
import type { IEcsTaskRunner } from './ecs-task-runner-function';
import type { IfRunning } from './if-running';
import type { ResourceRequirement } from './resource-requirement';
import type { RunOn } from './run-on';

/**
 * The runner's properties, typed. Each maps to the property of the same name in docs/properties.md, where the
 * runner documents (and at deploy time checks) what it accepts.
 */
export interface EcsRunTaskProps {
  /** The function that runs the task; default: the stack's `EcsTaskRunnerFunction`, created on first use. */
  readonly runner?: IEcsTaskRunner;
  /**
   * Run the task like this service: its cluster, network configuration (for an `awsvpc` task definition), launch
   * type or capacity provider strategy and platform version, and, unless `taskDefinition` is given, its task
   * definition. Then `migrate.executeBefore(service)` is all that is left to do. An imported service
   * (`FargateService.fromFargateServiceAttributes`) gives only its cluster: give `taskDefinition` and, for an `awsvpc`
   * task definition, `securityGroups` (synthesis fails, naming them, when they are missing).
   */
  readonly service?: ecs.IBaseService;
  /** `Cluster`; default: the service's. Required without `service`. */
  readonly cluster?: ecs.ICluster;
  /** `TaskDefinition`; default: the service's. Required without `service`. */
  readonly taskDefinition?: ecs.TaskDefinition;
  /**
   * `Subnets`, selected in the cluster's VPC (`awsvpc` task definitions only); default: the service's, or else the
   * VPC's private subnets. Each network prop falls back on its own: giving subnets keeps the service's groups.
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * `SecurityGroups` (`awsvpc` only); default: the service's, or else a group the construct creates in the cluster's
   * VPC, allowing all outbound traffic. Either way they are `connections`: `database.connections.allowDefaultPortFrom(migrate)`.
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /** `AssignPublicIp` (`awsvpc` on Fargate only); default: the service's, or RunTask's (DISABLED). */
  readonly assignPublicIp?: boolean;
  /**
   * `LaunchType`. Default: the service's; else, when the cluster has a default capacity provider strategy, none (the
   * cluster's strategy applies); else the task definition's only compatibility (a `FargateTaskDefinition`: FARGATE).
   * A task definition compatible with more than one needs this or `capacityProviderStrategies`, and a launch type
   * the task definition is not compatible with fails synthesis. Not together with `capacityProviderStrategies`.
   */
  readonly launchType?: ecs.LaunchType;
  /** `CapacityProviderStrategy`; default: the service's (see `launchType`). */
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
  /**
   * `PollInterval`: longest wait between two DescribeTasks calls, 1 to 300 s; default 60 s. Tasks younger than 5
   * minutes are polled every 2.75 s (or this, when shorter), older ones every 4 % of their age. While ECS throttles
   * the calls, the wait doubles, to 15 to 60 s (or up to this, when longer).
   */
  readonly pollInterval?: Duration;
  /** `LogLines`: lines of a failed container's `awslogs` log quoted in the Reason, 0 to 50; default 10. */
  readonly logLines?: number;
  /**
   * When an Update runs the task again: only when what runs changes (`RunOn.TASK_CHANGE`, the default), on any
   * property change, or on every deployment (the template then changes at each synthesis).
   */
  readonly runOn?: RunOn;
  /** `RunOnUpdate`: false never runs the task on an Update, whatever `runOn` says; default true. */
  readonly runOnUpdate?: boolean;
  /**
   * `RunOnRollback`: run during an update rollback; default false. Off, the runner may run only the task
   * definition's current revision; on, every revision of its family (a rollback runs the previous one).
   */
  readonly runOnRollback?: boolean;
  /**
   * `StackStatusRoleArn`: a role in the stack's account that the runner assumes to read the stack's status
   * (`cloudformation:DescribeStacks`) when the runner serves the stack from another account; the runner's role is
   * granted `sts:AssumeRole` on it. Default: none (the runner reads its own account's stacks with its own role).
   */
  readonly stackStatusRole?: iam.IRole;
  /** `StopOnDelete`: stop the resource's running tasks on Delete; default true. */
  readonly stopOnDelete?: boolean;
  /** `Triggers`: no meaning to the runner; change it (e.g. to the image tag) to run the task again. */
  readonly triggers?: { [key: string]: string } | string[];
  /** `StartedBy`; default `cfn/<LogicalId>/<hash>`. */
  readonly startedBy?: string;
  /** `Group`, as RunTask. */
  readonly group?: string;
  /** `Tags` of the tasks. */
  readonly tags?: { [key: string]: string };
  /** `PropagateTags`, as RunTask: `TASK_DEFINITION` or `NONE` (RunTask has no service to take tags from). */
  readonly propagateTags?: ecs.PropagatedTagSource;
  /** `EnableExecuteCommand`, as RunTask. */
  readonly enableExecuteCommand?: boolean;
  /** `EnableECSManagedTags`, as RunTask (and as aws-cdk-lib's services name it). */
  readonly enableECSManagedTags?: boolean;
  /**
   * `EnableECSManagedTags`. TypeScript only (`@jsii ignore`): in Python both names are `enable_ecs_managed_tags`.
   * @deprecated use `enableECSManagedTags`, as aws-cdk-lib's services name it; this one is read when that is not given.
   * @jsii ignore
   */
  readonly enableEcsManagedTags?: boolean;
  /**
   * `PlacementConstraints` (EC2 and external instances), e.g. `ecs.PlacementConstraint.memberOf('attribute:ecs.instance-type =~ g5.*')`.
   * Not taken from the service.
   */
  readonly placementConstraints?: ecs.PlacementConstraint[];
  /**
   * `PlacementStrategy` (EC2 and external instances), e.g. `ecs.PlacementStrategy.spreadAcross(ecs.BuiltInAttributes.AVAILABILITY_ZONE)`.
   * Not taken from the service.
   */
  readonly placementStrategies?: ecs.PlacementStrategy[];
  /**
   * `VolumeConfigurations`: the EBS volume ECS creates for each task, for a volume the task definition adds with
   * `configuredAtLaunch: true`. The runner may pass each volume's `role` to ECS (`ecs.amazonaws.com`).
   */
  readonly volumeConfigurations?: TaskVolumeConfiguration[];
  /** `StartRetries`: how often a task that failed to start is started again, 0 to 5; default 0. `attempts` says how many starts it took. */
  readonly startRetries?: number;
  /** `IfRunning`: when tasks of an earlier run of this resource still run, `Wait` (the default) for them, `Stop` them first, or `Fail`. */
  readonly ifRunning?: IfRunning;
  /** `OnDelete`: a teardown task run when the resource is deleted, with the resource's network and launch settings. */
  readonly onDelete?: TeardownTask;
  /**
   * `Outputs`: names the essential containers may print as `ECS_TASK_RUNNER_OUTPUT Name=Value` to their `awslogs`
   * log; each is an attribute, read with `output(name)`. The runner reads the task's log groups for them, whatever `logLines`.
   */
  readonly outputs?: string[];
  /**
   * Constructs the task runs after, as `triggers.Trigger`'s: a database, an ingress rule. The resource depends on
   * each of them (and so on everything they contain).
   */
  readonly executeAfter?: IConstruct[];
  /**
   * Constructs that wait for the task, e.g. the service it migrates for: each one's CloudFormation resource (its
   * `defaultChild`, or else the construct) depends on this resource, not what it owns, so a security group the
   * service created can still be where the task runs.
   */
  readonly executeBefore?: IConstruct[];
}

/** `OnDelete`: the teardown task. The runner may run its family, pass its roles, and read its logs (unless `logLines` is 0). */
export interface TeardownTask {
  /** `OnDelete.TaskDefinition`; default: the resource's. */
  readonly taskDefinition?: ecs.TaskDefinition;
  /** `OnDelete.Overrides`, the teardown's own (the resource's `overrides` do not apply to it). Roles given here are passed too. */
  readonly overrides?: TaskOverrides;
}

/** `VolumeConfigurations[]`, as RunTask takes them. */
export interface TaskVolumeConfiguration {
  /** `Name`: a volume of the task definition that is `configuredAtLaunch`. */
  readonly name: string;
  readonly managedEBSVolume: ManagedEbsVolume;
}

/** `ManagedEBSVolume`: the volume ECS creates (and, by default, deletes) with the task. */
export interface ManagedEbsVolume {
  /** `RoleArn`: the ECS infrastructure role (trusting `ecs.amazonaws.com`, e.g. with `AmazonECSInfrastructureRolePolicyForVolumes`). */
  readonly role: iam.IRole;
  /** `SizeInGiB`, whole GiB; required unless `snapshotId` is given. */
  readonly size?: Size;
  readonly volumeType?: ec2.EbsDeviceVolumeType;
  readonly iops?: number;
  /** MiB/s, gp3 only. */
  readonly throughput?: number;
  readonly encrypted?: boolean;
  /** `KmsKeyId`, written as the key's ARN. */
  readonly kmsKey?: kms.IKey;
  readonly snapshotId?: string;
  readonly fileSystemType?: ecs.FileSystemType;
  /** `TagSpecifications`, each for the volume (`ResourceType: volume`). */
  readonly tagSpecifications?: VolumeTagSpecification[];
  /** `TerminationPolicy.DeleteOnTermination`; default (ECS's): the volume is deleted when the task stops. */
  readonly deleteOnTermination?: boolean;
}

export interface VolumeTagSpecification {
  readonly tags?: { [key: string]: string };
  readonly propagateTags?: ecs.PropagatedTagSource;
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
  /** `EphemeralStorage.SizeInGiB`: 21 to 200 GiB, Fargate only. */
  readonly ephemeralStorageGiB?: number;
}

export interface ContainerOverride {
  /** A container of the task definition. */
  readonly containerName: string;
  readonly command?: string[];
  /** Never logged by the runner. */
  readonly environment?: { [key: string]: string };
  readonly cpu?: number;
  readonly memoryLimitMiB?: number;
  readonly memoryReservationMiB?: number;
  /** `ResourceRequirements`: `ResourceRequirement.gpus(1)` (EC2 only) or an inference accelerator of the task definition. */
  readonly resourceRequirements?: ResourceRequirement[];
  /**
   * `EnvironmentFiles`, e.g. `ecs.EnvironmentFile.fromBucket(bucket, 'migrate.env')`: ECS reads them with the
   * execution role, which must be allowed to (`bucket.grantRead(executionRole, 'migrate.env')`).
   */
  readonly environmentFiles?: ecs.EnvironmentFile[];
}
