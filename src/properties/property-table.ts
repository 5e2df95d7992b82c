import type { LaunchType } from '@aws-sdk/client-ecs';
import { ROLE_ARN } from './arn-patterns';
import { readCapacityProviderStrategy } from './capacity-provider-strategy';
import { DEFAULT_LOG_LINES, DEFAULT_POLL_INTERVAL_SECONDS } from './defaults';
import { readIfRunning } from './if-running';
import { readNetworkConfiguration } from './network-configuration';
import { readOnDelete } from './on-delete';
import { readOutputs } from './outputs';
import { readPlacementConstraints } from './placement-constraints';
import { readPlacementStrategy } from './placement-strategy';
import {
  acceptedName,
  NOT_SENT,
  optionalProperty,
  type Presence,
  propertyWithDefault,
  type ReadInput,
  requiredProperty,
} from './property-entry';
import { readRerunOn } from './rerun-on';
import { readStartRetries } from './start-retries';
import { readStartedBy } from './started-by';
import { readTags } from './tags';
import { readTaskOverrides } from './task-overrides';
import { readVolumeConfigurations } from './volume-configurations';
import { optional } from '../shared/records';
import { REQUEST_TAG_KEY } from '../shared/request-tag';
import { RESOURCE_TAG_KEY } from '../shared/resource-tag';
import { DEADLINE_TAG_KEY, deadlineTagValue, STACK_TAG_KEY } from '../shared/deadline-tag';

const LAUNCH_TYPES = ['EC2', 'FARGATE', 'EXTERNAL'] as const;
const PROPAGATE_TAGS = ['TASK_DEFINITION', 'NONE'] as const;
/** The tags the runner puts on every task beside the template's, by key: refused in Tags, and counted in its limit. */
const RUNNER_TAGS = {
  [REQUEST_TAG_KEY]: 'the runner (the request a task belongs to)',
  [RESOURCE_TAG_KEY]: 'the runner (the resource a task belongs to)',
  [DEADLINE_TAG_KEY]: "the runner (the run's deadline, which the scheduled sweep keeps)",
  [STACK_TAG_KEY]: 'the runner (the stack a task belongs to)',
};

/**
 * Every property of the resource, declared once: its name, how it is read (and so its type in `RunnerProperties`),
 * its default, whether a change of it changes what runs (`RerunOn: TaskChange`, docs/properties.md "What runs") and
 * where it goes in RunTask. The order is the docs' (and so "did you mean"'s, which breaks ties by it) and that of the
 * reading and of the problems reported, but for a `readAfter` and the properties read `readWhereTasksRun`, after the
 * launch checks (`parseRunnerProperties`). A new property is one entry here: the compiler asks for
 * `changesWhatRuns` and `runTask`.
 */
export const PROPERTY_TABLE = {
  // The runner function's ARN: CloudFormation's, never read. Another runner runs the same task.
  ServiceToken: acceptedName({ changesWhatRuns: false }),
  /** CloudFormation's own `ServiceTimeout`, in seconds, when the template sets it. */
  ServiceTimeout: optionalProperty({
    field: 'serviceTimeoutSeconds',
    read: ({ reader, raw }) =>
      reader.integer('ServiceTimeout', raw.ServiceTimeout, { min: 1, max: 3600, unit: 'seconds' }),
    // Reported with Timeout, which it caps.
    readAfter: 'Timeout',
    changesWhatRuns: false,
    runTask: NOT_SENT,
  }),
  Cluster: requiredProperty({
    field: 'cluster',
    read: ({ reader, raw }) => reader.string('Cluster', raw.Cluster, { required: true }),
    changesWhatRuns: true,
    runTask: (cluster) => optional('cluster', cluster),
  }),
  TaskDefinition: requiredProperty({
    field: 'taskDefinition',
    read: ({ reader, raw }) => reader.string('TaskDefinition', raw.TaskDefinition, { required: true }),
    changesWhatRuns: true,
    // The ARN with its revision: every task of this request runs the same revision even if a new one is registered.
    runTask: (_family, launch) => ({ taskDefinition: launch.taskDefinitionArn }),
  }),
  NetworkConfiguration: optionalProperty({
    field: 'network',
    // The shorthand `Subnets`, `SecurityGroups` and `AssignPublicIp` too.
    read: ({ reader, raw }) => readNetworkConfiguration(reader, raw),
    changesWhatRuns: true,
    runTask: (network) => (network ? { networkConfiguration: { awsvpcConfiguration: network } } : {}),
  }),
  // The shorthand of NetworkConfiguration, read with it.
  Subnets: acceptedName({ changesWhatRuns: true }),
  SecurityGroups: acceptedName({ changesWhatRuns: true }),
  AssignPublicIp: acceptedName({ changesWhatRuns: true }),
  LaunchType: optionalProperty({
    field: 'launchType',
    // As RunTask types it (ECS may add launch types); the parse accepts these three.
    read: ({ reader, raw }): LaunchType | undefined => reader.oneOf('LaunchType', raw.LaunchType, LAUNCH_TYPES),
    changesWhatRuns: true,
    runTask: (launchType) => optional('launchType', launchType),
  }),
  CapacityProviderStrategy: optionalProperty({
    field: 'capacityProviderStrategy',
    read: ({ reader, raw }) => readCapacityProviderStrategy(reader, raw.CapacityProviderStrategy),
    changesWhatRuns: true,
    runTask: (strategy) => optional('capacityProviderStrategy', strategy),
  }),
  PlatformVersion: optionalProperty({
    field: 'platformVersion',
    read: ({ reader, raw }) => reader.string('PlatformVersion', raw.PlatformVersion),
    changesWhatRuns: true,
    runTask: (platformVersion) => optional('platformVersion', platformVersion),
  }),
  Count: propertyWithDefault({
    field: 'count',
    read: ({ reader, raw }) =>
      reader.integer('Count', raw.Count, { min: 1, max: 10, unit: '(RunTask starts at most 10 tasks at once)' }),
    default: 1,
    changesWhatRuns: true,
    // A start retry starts only as many as failed to start.
    runTask: (_count, launch) => ({ count: launch.count }),
  }),
  Overrides: optionalProperty({
    field: 'overrides',
    read: ({ reader, raw }) => readTaskOverrides(reader, raw.Overrides),
    changesWhatRuns: true,
    runTask: (overrides) => optional('overrides', overrides),
  }),
  /** `Timeout`, in seconds, as given. */
  Timeout: optionalProperty({
    field: 'timeoutSeconds',
    read: ({ reader, raw }) => reader.integer('Timeout', raw.Timeout, { min: 1, max: 3600, unit: 'seconds' }),
    // How long the runner waits for the run, not the run.
    changesWhatRuns: false,
    runTask: NOT_SENT,
  }),
  PollInterval: propertyWithDefault({
    field: 'pollIntervalSeconds',
    read: ({ reader, raw }) => reader.number('PollInterval', raw.PollInterval, { min: 1, max: 300, unit: 'seconds' }),
    default: DEFAULT_POLL_INTERVAL_SECONDS,
    changesWhatRuns: false,
    runTask: NOT_SENT,
  }),
  /** Lines of a failed container's log to quote in the Reason (0: none). */
  LogLines: propertyWithDefault({
    field: 'logLines',
    read: ({ reader, raw }) => reader.integer('LogLines', raw.LogLines, { min: 0, max: 50, unit: 'lines' }),
    default: DEFAULT_LOG_LINES,
    changesWhatRuns: false,
    runTask: NOT_SENT,
  }),
  RunOnUpdate: propertyWithDefault({
    field: 'runOnUpdate',
    read: ({ reader, raw }) => reader.boolean('RunOnUpdate', raw.RunOnUpdate),
    default: true,
    // Whether an Update runs, not what: the Update that sets it is judged by the new value.
    changesWhatRuns: false,
    runTask: NOT_SENT,
  }),
  /** Whether an Update reruns on any change of the properties, or only when what runs changes. */
  RerunOn: propertyWithDefault({
    field: 'rerunOn',
    read: ({ reader, raw }) => readRerunOn(reader, raw.RerunOn),
    default: 'AnyChange',
    changesWhatRuns: false,
    runTask: NOT_SENT,
  }),
  RunOnRollback: propertyWithDefault({
    field: 'runOnRollback',
    read: ({ reader, raw }) => reader.boolean('RunOnRollback', raw.RunOnRollback),
    default: false,
    changesWhatRuns: false,
    runTask: NOT_SENT,
  }),
  StopOnDelete: propertyWithDefault({
    field: 'stopOnDelete',
    read: ({ reader, raw }) => reader.boolean('StopOnDelete', raw.StopOnDelete),
    default: true,
    changesWhatRuns: false,
    runTask: NOT_SENT,
  }),
  // No meaning to the runner but this: change it (to an image tag, say) to run again.
  Triggers: acceptedName({ changesWhatRuns: true }),
  StartedBy: optionalProperty({
    field: 'startedBy',
    read: ({ reader, raw }) => readStartedBy(reader, raw.StartedBy),
    // A label: what Delete and IfRunning list the resource's tasks by (the resource's tag then decides), not what
    // the tasks do.
    changesWhatRuns: false,
    // Or the request's default (`cfn/<LogicalId>/<hash>`).
    runTask: (_startedBy, launch) => ({ startedBy: launch.startedBy }),
  }),
  Group: optionalProperty({
    field: 'group',
    read: ({ reader, raw }) => reader.string('Group', raw.Group, { maxLength: 255 }),
    // Placement can depend on it (`memberOf` expressions may query `task:group`).
    changesWhatRuns: true,
    runTask: (group) => optional('group', group),
  }),
  Tags: optionalProperty({
    field: 'tags',
    // Every task also gets the runner's own tags: the request it belongs to (IfRunning) and the resource (Delete,
    // IfRunning: what makes a task the resource's), the run's deadline and the stack (the scheduled sweep).
    read: ({ reader, raw }) => readTags(reader, 'Tags', raw.Tags, RUNNER_TAGS, Object.keys(RUNNER_TAGS)),
    // Labels the tasks; what the containers do is the same.
    changesWhatRuns: false,
    runTask: (tags, launch) => ({
      tags: [
        ...(tags ?? []),
        { key: REQUEST_TAG_KEY, value: launch.requestTag },
        { key: RESOURCE_TAG_KEY, value: launch.resourceTag },
        { key: DEADLINE_TAG_KEY, value: deadlineTagValue(launch.deadline) },
        { key: STACK_TAG_KEY, value: launch.stackId },
      ],
    }),
  }),
  PropagateTags: optionalProperty({
    field: 'propagateTags',
    read: ({ reader, raw }) => reader.oneOf('PropagateTags', raw.PropagateTags, PROPAGATE_TAGS),
    // Which labels the tasks get, not what they do.
    changesWhatRuns: false,
    runTask: (propagateTags) => optional('propagateTags', propagateTags),
  }),
  EnableExecuteCommand: optionalProperty({
    field: 'enableExecuteCommand',
    read: ({ reader, raw }) => reader.boolean('EnableExecuteCommand', raw.EnableExecuteCommand),
    // ECS adds the SSM agent to the task's containers: a different task.
    changesWhatRuns: true,
    runTask: (enable) => optional('enableExecuteCommand', enable),
  }),
  EnableECSManagedTags: optionalProperty({
    field: 'enableEcsManagedTags',
    read: ({ reader, raw }) => reader.boolean('EnableECSManagedTags', raw.EnableECSManagedTags),
    // Labels the tasks (cluster and service names) for cost allocation, not what they do.
    changesWhatRuns: false,
    runTask: (enable) => optional('enableECSManagedTags', enable),
  }),
  PlacementConstraints: optionalProperty({
    field: 'placementConstraints',
    readWhereTasksRun: ({ reader, raw }, fargate) =>
      readPlacementConstraints(reader, raw.PlacementConstraints, fargate),
    changesWhatRuns: true,
    runTask: (constraints) => optional('placementConstraints', constraints),
  }),
  PlacementStrategy: optionalProperty({
    field: 'placementStrategy',
    readWhereTasksRun: ({ reader, raw }, fargate) => readPlacementStrategy(reader, raw.PlacementStrategy, fargate),
    changesWhatRuns: true,
    runTask: (strategy) => optional('placementStrategy', strategy),
  }),
  VolumeConfigurations: optionalProperty({
    field: 'volumeConfigurations',
    // Checked against the launch type too (not on external instances), after the launch checks.
    readWhereTasksRun: ({ reader, raw }) => readVolumeConfigurations(reader, raw.VolumeConfigurations),
    changesWhatRuns: true,
    runTask: (volumes) => optional('volumeConfigurations', volumes),
  }),
  /** How often a task that failed to start is started again. */
  StartRetries: propertyWithDefault({
    field: 'startRetries',
    read: ({ reader, raw }) => readStartRetries(reader, raw.StartRetries),
    default: 0,
    // How hard the runner tries, not what it starts.
    changesWhatRuns: false,
    runTask: NOT_SENT,
  }),
  /** What to do when tasks of an earlier run of this resource still run. */
  IfRunning: propertyWithDefault({
    field: 'ifRunning',
    read: ({ reader, raw }) => readIfRunning(reader, raw.IfRunning),
    default: 'Wait',
    changesWhatRuns: false,
    runTask: NOT_SENT,
  }),
  /** A teardown task to run on Delete. */
  OnDelete: optionalProperty({
    field: 'onDelete',
    read: ({ reader, raw }) => readOnDelete(reader, raw.OnDelete),
    // What runs on Delete, read from the properties the Delete carries; not the Create or Update's run.
    changesWhatRuns: false,
    runTask: NOT_SENT,
  }),
  /** Names the essential containers may print as `ECS_TASK_RUNNER_OUTPUT Name=Value`, returned as attributes. */
  Outputs: optionalProperty({
    field: 'outputs',
    read: ({ reader, raw }) => readOutputs(reader, raw.Outputs),
    // Which lines of the log are read back, not what runs.
    changesWhatRuns: false,
    runTask: NOT_SENT,
  }),
  /** A role in the stack's account the runner assumes to read the stack's status (DescribeStacks). */
  StackStatusRoleArn: optionalProperty({
    field: 'stackStatusRoleArn',
    read: ({ reader, raw }) => reader.string('StackStatusRoleArn', raw.StackStatusRoleArn, ROLE_ARN),
    changesWhatRuns: false,
    runTask: NOT_SENT,
  }),
};

type Table = typeof PROPERTY_TABLE;
export type PropertyName = keyof Table;

/** The type a property's reader gives. */
type ValueOf<E> = E extends { read: (input: ReadInput) => infer V }
  ? Exclude<V, undefined>
  : E extends { readWhereTasksRun: (input: ReadInput, fargate: boolean | undefined) => infer V }
    ? Exclude<V, undefined>
    : never;

/** The names that give a value with the presence `P`, as `RunnerProperties` keys to the value's type. */
type Fields<P extends Presence> = {
  [N in PropertyName as Table[N] extends { presence: P; field: infer F extends string } ? F : never]: ValueOf<Table[N]>;
};
type Flat<T> = { [K in keyof T]: T[K] };

/** The resource's properties, validated and typed: everything the runner needs to run the tasks. */
export type RunnerProperties = Flat<Fields<'required' | 'default'> & Partial<Fields<'optional'>>>;

/** Every property name the runner accepts, for "did you mean" on the others. */
export const PROPERTY_NAMES = Object.keys(PROPERTY_TABLE) as readonly PropertyName[];

type ValueEntry = Extract<Table[PropertyName], { kind: 'value' }>;

/** The entries that give a value, in the order they are read: the table's, each `readAfter` right after its name. */
export const VALUE_ENTRIES: readonly ValueEntry[] = readOrder();

function readOrder(): ValueEntry[] {
  const named = PROPERTY_NAMES.flatMap((name) => {
    const entry = PROPERTY_TABLE[name];
    return entry.kind === 'value' ? [{ name, entry }] : [];
  });
  const ordered = named.flatMap(({ name, entry }) => [
    ...(entry.readAfter === undefined ? [entry] : []),
    ...named.filter((after) => after.entry.readAfter === name).map((after) => after.entry),
  ]);
  if (ordered.length !== named.length) throw new Error('PROPERTY_TABLE: a readAfter names no property that is read');
  return ordered;
}
