import { randomUUID } from 'node:crypto';
import { Stack } from 'aws-cdk-lib';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import { Construct } from 'constructs';
import type { ResourceRequirement } from './resource-requirement';
import { RunOn } from './run-on';
import type { EcsRunTaskProps, ManagedEbsVolume, TaskOverrides, TeardownTask } from './run-task-props';

/**
 * The resource's properties but `ServiceToken` and `ServiceTimeout`, which `CustomResource` writes itself. The
 * synth-time validation runs them through the runner's parser, which rejects any name it does not know.
 */
export type RunnerTemplateProperties = Record<string, unknown>;

/** Where the task runs, as the construct worked it out from the cluster, task definition and service. */
export interface RunTarget {
  clusterArn: string;
  taskDefinitionArn: string;
  /** `{ AwsvpcConfiguration: { Subnets, SecurityGroups, AssignPublicIp } }`, possibly a token resolving to it. */
  networkConfiguration?: unknown;
  launchType?: string;
  capacityProviderStrategy?: { CapacityProvider: string; Weight?: number; Base?: number }[];
  platformVersion?: string;
}

/**
 * The props as the runner's properties. Names and values only: what is valid is the runner's to decide, so that
 * the template and a hand-written one are checked alike. A new runner property is one line here and one prop.
 * `scope` is where environment files are bound (an asset file becomes an asset there).
 */
export function toRunnerProperties(
  props: EcsRunTaskProps,
  target: RunTarget,
  scope: Construct,
): RunnerTemplateProperties {
  const properties: RunnerTemplateProperties = {
    Cluster: target.clusterArn,
    TaskDefinition: target.taskDefinitionArn,
    NetworkConfiguration: target.networkConfiguration,
    LaunchType: target.launchType,
    CapacityProviderStrategy: target.capacityProviderStrategy,
    PlatformVersion: target.platformVersion,
    Count: props.count,
    Overrides: props.overrides && toOverrides(props.overrides, scope),
    Timeout: props.timeout?.toSeconds(),
    PollInterval: props.pollInterval?.toSeconds({ integral: false }),
    LogLines: props.logLines,
    RunOnUpdate: props.runOnUpdate,
    RerunOn: (props.runOn ?? RunOn.TASK_CHANGE) === RunOn.TASK_CHANGE ? RunOn.TASK_CHANGE : undefined,
    RunOnRollback: props.runOnRollback,
    StackStatusRoleArn: props.stackStatusRole?.roleArn,
    StopOnDelete: props.stopOnDelete,
    Triggers: props.runOn === RunOn.EVERY_DEPLOY ? withDeploymentTrigger(props.triggers) : props.triggers,
    StartedBy: props.startedBy,
    Group: props.group,
    Tags: props.tags && toTags(props.tags),
    PropagateTags: props.propagateTags,
    EnableExecuteCommand: props.enableExecuteCommand,
    // The deprecated name is still read, for apps written before enableECSManagedTags.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    EnableECSManagedTags: props.enableECSManagedTags ?? props.enableEcsManagedTags,
    PlacementConstraints: props.placementConstraints
      ?.flatMap((constraint) => constraint.toJson())
      .map(({ type, expression }) => withoutUndefined({ Type: type, Expression: expression })),
    PlacementStrategy: props.placementStrategies
      ?.flatMap((strategy) => strategy.toJson())
      .map(({ type, field }) => withoutUndefined({ Type: type, Field: field })),
    VolumeConfigurations: props.volumeConfigurations?.map((volume) => ({
      Name: volume.name,
      ManagedEBSVolume: toManagedEbsVolume(volume.managedEBSVolume),
    })),
    StartRetries: props.startRetries,
    IfRunning: props.ifRunning,
    OnDelete: props.onDelete && toOnDelete(props.onDelete, scope),
    Outputs: props.outputs,
  };
  return withoutUndefined(properties);
}

function toOverrides(overrides: TaskOverrides, scope: Construct): Record<string, unknown> {
  return withoutUndefined({
    ContainerOverrides: overrides.containerOverrides?.map((container, index) =>
      withoutUndefined({
        Name: container.containerName,
        Command: container.command,
        Environment:
          container.environment && Object.entries(container.environment).map(([Name, Value]) => ({ Name, Value })),
        Cpu: container.cpu,
        Memory: container.memoryLimitMiB,
        MemoryReservation: container.memoryReservationMiB,
        ResourceRequirements: container.resourceRequirements?.map(toResourceRequirement),
        EnvironmentFiles:
          container.environmentFiles &&
          toEnvironmentFiles(container.environmentFiles, new Construct(scope, `ContainerOverride${index}`)),
      }),
    ),
    Cpu: overrides.cpu,
    Memory: overrides.memory,
    TaskRoleArn: overrides.taskRole?.roleArn,
    ExecutionRoleArn: overrides.executionRole?.roleArn,
    EphemeralStorage:
      overrides.ephemeralStorageGiB === undefined ? undefined : { SizeInGiB: overrides.ephemeralStorageGiB },
  });
}

/** The teardown's overrides bind their environment files in a scope of their own, apart from the resource's. */
function toOnDelete(onDelete: TeardownTask, scope: Construct): Record<string, unknown> {
  return withoutUndefined({
    TaskDefinition: onDelete.taskDefinition?.taskDefinitionArn,
    Overrides: onDelete.overrides && toOverrides(onDelete.overrides, new Construct(scope, 'OnDelete')),
  });
}

function toResourceRequirement(requirement: ResourceRequirement): { Type: string; Value: string } {
  return { Type: requirement.type, Value: requirement.value };
}

/** `RunOn.EVERY_DEPLOY`: a value no two syntheses share, beside the user's own triggers, in their shape. */
function withDeploymentTrigger(triggers: EcsRunTaskProps['triggers']): Record<string, string> | string[] {
  const deployment = randomUUID();
  if (triggers === undefined) return [deployment];
  if (Array.isArray(triggers)) return [...triggers, deployment];
  return { ...triggers, EcsRunTaskDeployment: deployment };
}

/** As a container definition writes them: `arn:<partition>:s3:::<bucket>/<key>`, each file bound in its own scope. */
function toEnvironmentFiles(files: ecs.EnvironmentFile[], scope: Construct): { Type: string; Value: string }[] {
  const partition = Stack.of(scope).partition;
  return files.map((file, index) => {
    const { fileType, s3Location } = file.bind(new Construct(scope, `EnvironmentFile${index}`));
    return { Type: fileType, Value: `arn:${partition}:s3:::${s3Location.bucketName}/${s3Location.objectKey}` };
  });
}

function toManagedEbsVolume(volume: ManagedEbsVolume): Record<string, unknown> {
  return withoutUndefined({
    RoleArn: volume.role.roleArn,
    SizeInGiB: volume.size?.toGibibytes(),
    VolumeType: volume.volumeType,
    Iops: volume.iops,
    Throughput: volume.throughput,
    Encrypted: volume.encrypted,
    KmsKeyId: volume.kmsKey?.keyArn,
    SnapshotId: volume.snapshotId,
    FilesystemType: volume.fileSystemType,
    TagSpecifications: volume.tagSpecifications?.map((specification) =>
      withoutUndefined({
        ResourceType: 'volume',
        Tags: specification.tags && toTags(specification.tags),
        PropagateTags: specification.propagateTags,
      }),
    ),
    TerminationPolicy:
      volume.deleteOnTermination === undefined ? undefined : { DeleteOnTermination: volume.deleteOnTermination },
  });
}

function toTags(tags: Record<string, string>): { Key: string; Value: string }[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}
