import type {
  AwsVpcConfiguration,
  CapacityProviderStrategyItem,
  LaunchType,
  PlacementConstraint,
  PlacementStrategy,
  Tag,
  TaskOverride,
  TaskVolumeConfiguration,
} from '@aws-sdk/client-ecs';
import { ROLE_ARN } from './arn-patterns';
import { DEFAULT_LOG_LINES, DEFAULT_POLL_INTERVAL_SECONDS } from './defaults';
import { readNetworkConfiguration } from './network-configuration';
import { type IfRunning, readIfRunning } from './if-running';
import { type OnDelete, readOnDelete } from './on-delete';
import { readOutputs } from './outputs';
import { type RerunOn, readRerunOn } from './rerun-on';
import { readStartRetries } from './start-retries';
import { optional } from '../shared/records';
import { readPlacementConstraints } from './placement-constraints';
import { readPlacementStrategy } from './placement-strategy';
import { REQUEST_TAG_KEY } from '../shared/request-tag';
import { PropertyReader } from './property-reader';
import { readTags } from './tags';
import { readTaskOverrides } from './task-overrides';
import { readVolumeConfigurations } from './volume-configurations';

/** The resource's properties, validated and typed: everything the runner needs to run the tasks. */
export interface RunnerProperties {
  cluster: string;
  taskDefinition: string;
  network?: AwsVpcConfiguration;
  launchType?: LaunchType;
  capacityProviderStrategy?: CapacityProviderStrategyItem[];
  platformVersion?: string;
  count: number;
  overrides?: TaskOverride;
  /** `Timeout`, in seconds, as given. */
  timeoutSeconds?: number;
  /** CloudFormation's own `ServiceTimeout`, in seconds, when the template sets it. */
  serviceTimeoutSeconds?: number;
  pollIntervalSeconds: number;
  /** Lines of a failed container's log to quote in the Reason (0: none). */
  logLines: number;
  runOnUpdate: boolean;
  /** Whether an Update reruns on any change of the properties, or only when what runs changes. */
  rerunOn: RerunOn;
  runOnRollback: boolean;
  stopOnDelete: boolean;
  startedBy?: string;
  group?: string;
  tags?: Tag[];
  propagateTags?: 'TASK_DEFINITION' | 'NONE';
  enableExecuteCommand?: boolean;
  enableEcsManagedTags?: boolean;
  placementConstraints?: PlacementConstraint[];
  placementStrategy?: PlacementStrategy[];
  volumeConfigurations?: TaskVolumeConfiguration[];
  /** How often a task that failed to start is started again. */
  startRetries: number;
  /** What to do when tasks of an earlier run of this resource still run. */
  ifRunning: IfRunning;
  /** A teardown task to run on Delete. */
  onDelete?: OnDelete;
  /** Names the essential containers may print as `ECS_TASK_RUNNER_OUTPUT Name=Value`, returned as attributes. */
  outputs?: string[];
  /** A role in the stack's account the runner assumes to read the stack's status (DescribeStacks). */
  stackStatusRoleArn?: string;
}

export type PropertiesResult =
  { kind: 'valid'; properties: RunnerProperties } | { kind: 'invalid'; problems: string[] };

export const PROPERTY_NAMES = [
  'ServiceToken',
  'ServiceTimeout',
  'Cluster',
  'TaskDefinition',
  'NetworkConfiguration',
  'Subnets',
  'SecurityGroups',
  'AssignPublicIp',
  'LaunchType',
  'CapacityProviderStrategy',
  'PlatformVersion',
  'Count',
  'Overrides',
  'Timeout',
  'PollInterval',
  'LogLines',
  'RunOnUpdate',
  'RerunOn',
  'RunOnRollback',
  'StopOnDelete',
  'Triggers',
  'StartedBy',
  'Group',
  'Tags',
  'PropagateTags',
  'EnableExecuteCommand',
  'EnableECSManagedTags',
  'PlacementConstraints',
  'PlacementStrategy',
  'VolumeConfigurations',
  // Run policies (issue 13)
  'StartRetries',
  'IfRunning',
  'OnDelete',
  'Outputs',
  // Trust boundaries (issue 23)
  'StackStatusRoleArn',
] as const;

const LAUNCH_TYPES = ['EC2', 'FARGATE', 'EXTERNAL'] as const;
const PROPAGATE_TAGS = ['TASK_DEFINITION', 'NONE'] as const;
const STARTED_BY = /^[A-Za-z0-9\-/_]{1,128}$/;
const CAPACITY_PROVIDER_KEYS = ['CapacityProvider', 'Weight', 'Base'] as const;

/**
 * Validates and coerces `ResourceProperties` as CloudFormation delivers them (every scalar a string). Reports all
 * problems at once, each naming the property and what to do.
 */
export function parseRunnerProperties(raw: Record<string, unknown> | undefined): PropertiesResult {
  const problems: string[] = [];
  const reader = new PropertyReader(problems);
  const properties = raw ?? {};
  reader.rejectUnknown(properties, PROPERTY_NAMES);

  const cluster = reader.string('Cluster', properties.Cluster, { required: true });
  const taskDefinition = reader.string('TaskDefinition', properties.TaskDefinition, { required: true });
  const network = readNetworkConfiguration(reader, properties);
  const launchType = reader.oneOf('LaunchType', properties.LaunchType, LAUNCH_TYPES);
  const capacityProviderStrategy = readCapacityProviderStrategy(reader, properties.CapacityProviderStrategy);
  const platformVersion = reader.string('PlatformVersion', properties.PlatformVersion);
  const count = reader.integer('Count', properties.Count, {
    min: 1,
    max: 10,
    unit: '(RunTask starts at most 10 tasks at once)',
  });
  const overrides = readTaskOverrides(reader, properties.Overrides);
  const timeoutSeconds = reader.integer('Timeout', properties.Timeout, { min: 1, max: 3600, unit: 'seconds' });
  const serviceTimeoutSeconds = reader.integer('ServiceTimeout', properties.ServiceTimeout, {
    min: 1,
    max: 3600,
    unit: 'seconds',
  });
  const pollIntervalSeconds = reader.number('PollInterval', properties.PollInterval, {
    min: 1,
    max: 300,
    unit: 'seconds',
  });
  const logLines = reader.integer('LogLines', properties.LogLines, { min: 0, max: 50, unit: 'lines' });
  const runOnUpdate = reader.boolean('RunOnUpdate', properties.RunOnUpdate);
  const rerunOn = readRerunOn(reader, properties.RerunOn);
  const runOnRollback = reader.boolean('RunOnRollback', properties.RunOnRollback);
  const stopOnDelete = reader.boolean('StopOnDelete', properties.StopOnDelete);
  const startedBy = reader.string('StartedBy', properties.StartedBy, {
    pattern: STARTED_BY,
    patternHint: 'must be 1 to 128 letters, digits, hyphens, slashes or underscores',
  });
  const group = reader.string('Group', properties.Group, { maxLength: 255 });
  // Every task also gets the runner's own tag: the request it belongs to (IfRunning).
  const tags = readTags(
    reader,
    'Tags',
    properties.Tags,
    { [REQUEST_TAG_KEY]: 'the runner (the request a task belongs to)' },
    1,
  );
  const propagateTags = reader.oneOf('PropagateTags', properties.PropagateTags, PROPAGATE_TAGS);
  const enableExecuteCommand = reader.boolean('EnableExecuteCommand', properties.EnableExecuteCommand);
  const enableEcsManagedTags = reader.boolean('EnableECSManagedTags', properties.EnableECSManagedTags);
  const startRetries = readStartRetries(reader, properties.StartRetries);
  const ifRunning = readIfRunning(reader, properties.IfRunning);
  const onDelete = readOnDelete(reader, properties.OnDelete);
  const outputs = readOutputs(reader, properties.Outputs);
  const stackStatusRoleArn = reader.string('StackStatusRoleArn', properties.StackStatusRoleArn, ROLE_ARN);

  if (launchType && capacityProviderStrategy) {
    reader.problem(
      'LaunchType',
      'given together with CapacityProviderStrategy; RunTask takes one or the other (neither uses the cluster default)',
    );
  }
  const fargate = runsOnFargate({ launchType, capacityProviderStrategy });
  if (network?.assignPublicIp === 'ENABLED' && fargate === false) {
    reader.problem(
      'AssignPublicIp',
      'ENABLED works only with Fargate: awsvpc tasks on EC2 never get a public IP — use DISABLED and a NAT gateway, or LaunchType FARGATE',
    );
  }
  if (platformVersion !== undefined && fargate === false) {
    reader.problem('PlatformVersion', 'applies only to Fargate; remove it or use LaunchType FARGATE');
  }
  const placementConstraints = readPlacementConstraints(reader, properties.PlacementConstraints, fargate);
  const placementStrategy = readPlacementStrategy(reader, properties.PlacementStrategy, fargate);
  const volumeConfigurations = readVolumeConfigurations(reader, properties.VolumeConfigurations);
  // ECS Developer Guide, "Amazon ECS infrastructure IAM role": EBS volumes attach to Fargate and EC2 tasks.
  if (properties.VolumeConfigurations !== undefined && launchType === 'EXTERNAL') {
    reader.problem(
      'VolumeConfigurations',
      'ECS attaches EBS volumes to tasks on Fargate and EC2 only, not on external instances — remove it or use LaunchType EC2 or FARGATE',
    );
  }
  if (overrides?.ephemeralStorage && fargate === false) {
    reader.problem(
      'Overrides.EphemeralStorage',
      "applies only to Fargate; on EC2 the instance's own storage is used — remove it or use LaunchType FARGATE",
    );
  }
  const gpuContainers = (overrides?.containerOverrides ?? []).filter((container) =>
    container.resourceRequirements?.some((requirement) => requirement.type === 'GPU'),
  );
  if (gpuContainers.length > 0 && fargate === true) {
    reader.problem(
      'Overrides.ContainerOverrides',
      `asks for GPUs (${gpuContainers.map((container) => container.name).join(', ')}), which Fargate does not offer — use LaunchType EC2 with GPU instances`,
    );
  }

  if (problems.length > 0 || cluster === undefined || taskDefinition === undefined) {
    return { kind: 'invalid', problems };
  }
  return {
    kind: 'valid',
    properties: {
      cluster,
      taskDefinition,
      count: count ?? 1,
      pollIntervalSeconds: pollIntervalSeconds ?? DEFAULT_POLL_INTERVAL_SECONDS,
      logLines: logLines ?? DEFAULT_LOG_LINES,
      runOnUpdate: runOnUpdate ?? true,
      rerunOn: rerunOn ?? 'AnyChange',
      runOnRollback: runOnRollback ?? false,
      stopOnDelete: stopOnDelete ?? true,
      startRetries: startRetries ?? 0,
      ifRunning: ifRunning ?? 'Wait',
      ...optional('network', network),
      ...optional('launchType', launchType),
      ...optional('capacityProviderStrategy', capacityProviderStrategy),
      ...optional('platformVersion', platformVersion),
      ...optional('overrides', overrides),
      ...optional('timeoutSeconds', timeoutSeconds),
      ...optional('serviceTimeoutSeconds', serviceTimeoutSeconds),
      ...optional('startedBy', startedBy),
      ...optional('group', group),
      ...optional('tags', tags),
      ...optional('propagateTags', propagateTags),
      ...optional('enableExecuteCommand', enableExecuteCommand),
      ...optional('enableEcsManagedTags', enableEcsManagedTags),
      ...optional('placementConstraints', placementConstraints),
      ...optional('placementStrategy', placementStrategy),
      ...optional('volumeConfigurations', volumeConfigurations),
      ...optional('onDelete', onDelete),
      ...optional('outputs', outputs),
      ...optional('stackStatusRoleArn', stackStatusRoleArn),
    },
  };
}

/** true or false when the properties say where the tasks run; undefined when the cluster's default decides. */
export function runsOnFargate(
  properties: Pick<RunnerProperties, 'launchType' | 'capacityProviderStrategy'>,
): boolean | undefined {
  if (properties.launchType) return properties.launchType === 'FARGATE';
  if (properties.capacityProviderStrategy)
    return properties.capacityProviderStrategy.every((item) => item.capacityProvider?.startsWith('FARGATE') === true);
  return undefined;
}

function readCapacityProviderStrategy(
  reader: PropertyReader,
  value: unknown,
): CapacityProviderStrategyItem[] | undefined {
  const list = reader.list('CapacityProviderStrategy', value);
  if (!list) return undefined;
  if (list.length === 0 || list.length > 20) {
    return reader.problem(
      'CapacityProviderStrategy',
      `has ${list.length} entries; give 1 to 20, or leave it out to use the cluster's default`,
    );
  }
  const items = list.map((entry, index) => {
    const itemReader = reader.nested(`CapacityProviderStrategy[${index}].`);
    const item = itemReader.object('', entry);
    if (!item) return undefined;
    itemReader.rejectUnknown(item, CAPACITY_PROVIDER_KEYS);
    const capacityProvider = itemReader.string('CapacityProvider', item.CapacityProvider, { required: true });
    if (capacityProvider === undefined) return undefined;
    return {
      capacityProvider,
      ...optional('weight', itemReader.integer('Weight', item.Weight, { min: 0, max: 1000 })),
      ...optional('base', itemReader.integer('Base', item.Base, { min: 0, max: 100000 })),
    };
  });
  return items.every((item) => item !== undefined) ? items : undefined;
}
