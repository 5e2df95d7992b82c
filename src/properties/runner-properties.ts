import type { ReadInput } from './property-entry';
import { PropertyReader } from './property-reader';
import { PROPERTY_NAMES, type RunnerProperties, VALUE_ENTRIES } from './property-table';

export { PROPERTY_NAMES, type RunnerProperties } from './property-table';

export type PropertiesResult =
  { kind: 'valid'; properties: RunnerProperties } | { kind: 'invalid'; problems: string[] };

/**
 * Validates and coerces `ResourceProperties` as CloudFormation delivers them (every scalar a string). Reports all
 * problems at once, each naming the property and what to do. Each property is read as PROPERTY_TABLE says, in its
 * order; those that depend on where the tasks run once LaunchType and the capacity providers are checked.
 */
export function parseRunnerProperties(raw: Record<string, unknown> | undefined): PropertiesResult {
  const problems: string[] = [];
  const reader = new PropertyReader(problems);
  const properties = raw ?? {};
  reader.rejectUnknown(properties, PROPERTY_NAMES);
  const input: ReadInput = { reader, raw: properties };
  const values: Record<string, unknown> = {};
  for (const entry of VALUE_ENTRIES) if (entry.read) values[entry.field] = entry.read(input);
  // Each field holds what its entry's reader gave: the type RunnerProperties derives from the table.
  const { launchType, capacityProviderStrategy, network, platformVersion, overrides } =
    values as Partial<RunnerProperties>;

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
  for (const entry of VALUE_ENTRIES) {
    if (entry.readWhereTasksRun) values[entry.field] = entry.readWhereTasksRun(input, fargate);
  }
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

  return problems.length > 0 ? { kind: 'invalid', problems } : propertiesOf(values, problems);
}

/** The values read, with the defaults of those not given; invalid when a required one is missing. */
function propertiesOf(values: Readonly<Record<string, unknown>>, problems: string[]): PropertiesResult {
  const properties: Record<string, unknown> = {};
  for (const entry of VALUE_ENTRIES) {
    const value = values[entry.field] ?? entry.default;
    // A required property may be missing without a problem of its own: its misspelling was reported.
    if (value === undefined && entry.presence === 'required') return { kind: 'invalid', problems };
    if (value !== undefined) properties[entry.field] = value;
  }
  return { kind: 'valid', properties: properties as RunnerProperties };
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
