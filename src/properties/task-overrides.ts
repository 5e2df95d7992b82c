import type { ContainerOverride, KeyValuePair, TaskOverride } from '@aws-sdk/client-ecs';
import { optional } from '../shared/records';
import { ROLE_ARN } from './arn-patterns';
import { readEnvironmentFiles } from './environment-files';
import { readEphemeralStorage } from './ephemeral-storage';
import { pascalCased } from './pascal-cased';
import type { PropertyReader } from './property-reader';
import { readResourceRequirements } from './resource-requirements';

/** RunTask refuses overrides whose JSON is longer than this. */
export const MAX_OVERRIDES_CHARACTERS = 8192;

const TASK_KEYS = [
  'ContainerOverrides',
  'Cpu',
  'Memory',
  'TaskRoleArn',
  'ExecutionRoleArn',
  'EphemeralStorage',
] as const;
const CONTAINER_KEYS = [
  'Name',
  'Command',
  'Environment',
  'Cpu',
  'Memory',
  'MemoryReservation',
  'ResourceRequirements',
  'EnvironmentFiles',
] as const;
const ENVIRONMENT_KEYS = ['Name', 'Value'] as const;

/**
 * `Overrides` in CloudFormation's PascalCase, turned into the ECS API's TaskOverride. The API's own camelCase keys
 * are accepted as well, because older task-runner templates used them.
 */
export function readTaskOverrides(reader: PropertyReader, value: unknown): TaskOverride | undefined {
  const source = reader.object('Overrides', value);
  if (!source) return undefined;
  // Problems are named from the reader's own path: `Overrides.…` at the top, `OnDelete.Overrides.…` inside OnDelete.
  const path = `${reader.path}Overrides.`;
  const task = pascalCased(reader.nested(path), source, TASK_KEYS);

  const containerReader = reader.nested(path);
  const containers = containerReader
    .list('ContainerOverrides', task.ContainerOverrides)
    ?.map((item, index) => readContainerOverride(reader.nested(`${path}ContainerOverrides[${index}].`), item));
  const names = containers?.map((container) => container?.name).filter((name) => name !== undefined) ?? [];
  const repeated = names.filter((name, index) => names.indexOf(name) !== index);
  if (repeated.length > 0)
    containerReader.problem('ContainerOverrides', `overrides container ${repeated.join(', ')} more than once`);

  const taskReader = reader.nested(path);
  const override: TaskOverride = {
    ...(containers ? { containerOverrides: containers.filter((c): c is ContainerOverride => c !== undefined) } : {}),
    // The API takes task-level CPU and memory as strings ("1024", or "1 vCPU" / "2 GB").
    ...optional('cpu', taskReader.string('Cpu', task.Cpu)),
    ...optional('memory', taskReader.string('Memory', task.Memory)),
    ...optional('taskRoleArn', taskReader.string('TaskRoleArn', task.TaskRoleArn, ROLE_ARN)),
    ...optional('executionRoleArn', taskReader.string('ExecutionRoleArn', task.ExecutionRoleArn, ROLE_ARN)),
    ...optional('ephemeralStorage', readEphemeralStorage(taskReader, task.EphemeralStorage)),
  };
  const size = JSON.stringify(override).length;
  if (size > MAX_OVERRIDES_CHARACTERS) {
    reader.problem(
      'Overrides',
      `is ${size} characters as sent to RunTask; ECS accepts at most ${MAX_OVERRIDES_CHARACTERS} — move long values into the task definition`,
    );
  }
  return override;
}

function readContainerOverride(reader: PropertyReader, value: unknown): ContainerOverride | undefined {
  const source = reader.object('', value);
  if (!source) return undefined;
  const container = pascalCased(reader, source, CONTAINER_KEYS);
  const name = reader.string('Name', container.Name, { required: true });
  // A command may repeat an argument (`--from 1 --to 1`).
  const command = reader.stringList('Command', container.Command, { max: 1000, unique: false });
  const environment = reader
    .list('Environment', container.Environment)
    ?.map((entry, index) => readEnvironmentVariable(reader.nested(`${reader.path}Environment[${index}].`), entry));
  return {
    ...optional('name', name),
    ...optional('command', command),
    ...(environment ? { environment: environment.filter((e): e is KeyValuePair => e !== undefined) } : {}),
    ...optional('cpu', reader.integer('Cpu', container.Cpu, { min: 0, max: 196608, unit: 'CPU units' })),
    ...optional('memory', reader.integer('Memory', container.Memory, { min: 6, max: 1048576, unit: 'MiB' })),
    ...optional(
      'memoryReservation',
      reader.integer('MemoryReservation', container.MemoryReservation, { min: 6, max: 1048576, unit: 'MiB' }),
    ),
    ...optional('resourceRequirements', readResourceRequirements(reader, container.ResourceRequirements)),
    ...optional('environmentFiles', readEnvironmentFiles(reader, container.EnvironmentFiles)),
  };
}

function readEnvironmentVariable(reader: PropertyReader, value: unknown): KeyValuePair | undefined {
  const source = reader.object('', value);
  if (!source) return undefined;
  const variable = pascalCased(reader, source, ENVIRONMENT_KEYS);
  const name = reader.string('Name', variable.Name, { required: true });
  // An empty value is a legitimate environment value; only a missing one is not.
  const rawValue = variable.Value;
  const text = rawValue === '' ? '' : reader.string('Value', rawValue, { required: true });
  return name === undefined || text === undefined ? undefined : { name, value: text };
}

/** The environment values an Overrides object passes to containers: they may be secrets, and are masked. */
export function overrideEnvironmentValues(overrides: TaskOverride | undefined): string[] {
  return (overrides?.containerOverrides ?? []).flatMap((container) =>
    (container.environment ?? []).flatMap((variable) => (variable.value ? [variable.value] : [])),
  );
}
