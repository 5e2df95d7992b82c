import type { PROPERTY_NAMES } from '../../../src/properties/runner-properties';
import type { EcsRunTaskProps, TaskOverrides } from './run-task-props';

/** The runner's property names, from its own parser: the construct can write no other. */
export type RunnerPropertyName = (typeof PROPERTY_NAMES)[number];

/** The resource's properties but `ServiceToken` and `ServiceTimeout`, which `CustomResource` writes itself. */
export type RunnerTemplateProperties = Partial<Record<Exclude<RunnerPropertyName, 'ServiceToken' | 'ServiceTimeout'>, unknown>>;

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
 */
export function toRunnerProperties(props: EcsRunTaskProps, target: RunTarget): RunnerTemplateProperties {
  const properties: RunnerTemplateProperties = {
    Cluster: target.clusterArn,
    TaskDefinition: target.taskDefinitionArn,
    NetworkConfiguration: target.networkConfiguration,
    LaunchType: target.launchType,
    CapacityProviderStrategy: target.capacityProviderStrategy,
    PlatformVersion: target.platformVersion,
    Count: props.count,
    Overrides: props.overrides && toOverrides(props.overrides),
    Timeout: props.timeout?.toSeconds(),
    PollInterval: props.pollInterval?.toSeconds({ integral: false }),
    LogLines: props.logLines,
    RunOnUpdate: props.runOnUpdate,
    RunOnRollback: props.runOnRollback,
    StopOnDelete: props.stopOnDelete,
    Triggers: props.triggers,
    StartedBy: props.startedBy,
    Group: props.group,
    Tags: props.tags && Object.entries(props.tags).map(([Key, Value]) => ({ Key, Value })),
    PropagateTags: props.propagateTags,
    EnableExecuteCommand: props.enableExecuteCommand,
    EnableECSManagedTags: props.enableEcsManagedTags,
  };
  return withoutUndefined(properties);
}

function toOverrides(overrides: TaskOverrides): Record<string, unknown> {
  return withoutUndefined({
    ContainerOverrides: overrides.containerOverrides?.map((container) =>
      withoutUndefined({
        Name: container.containerName,
        Command: container.command,
        Environment: container.environment && Object.entries(container.environment).map(([Name, Value]) => ({ Name, Value })),
        Cpu: container.cpu,
        Memory: container.memoryLimitMiB,
        MemoryReservation: container.memoryReservationMiB,
      }),
    ),
    Cpu: overrides.cpu,
    Memory: overrides.memory,
    TaskRoleArn: overrides.taskRole?.roleArn,
    ExecutionRoleArn: overrides.executionRole?.roleArn,
  });
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}
