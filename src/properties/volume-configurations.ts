import type {
  EBSTagSpecification,
  TaskManagedEBSVolumeConfiguration,
  TaskVolumeConfiguration,
} from '@aws-sdk/client-ecs';
import { optional } from '../shared/records';
import { ROLE_ARN } from './arn-patterns';
import type { PropertyReader } from './property-reader';
import { readTags } from './tags';

const VOLUME_KEYS = ['Name', 'ManagedEBSVolume'] as const;
const EBS_KEYS = [
  'RoleArn',
  'SizeInGiB',
  'VolumeType',
  'Iops',
  'Throughput',
  'Encrypted',
  'KmsKeyId',
  'SnapshotId',
  'FilesystemType',
  'TagSpecifications',
  'TerminationPolicy',
] as const;
const TAG_SPECIFICATION_KEYS = ['ResourceType', 'Tags', 'PropagateTags'] as const;
const TERMINATION_POLICY_KEYS = ['DeleteOnTermination'] as const;

type VolumeType = 'gp2' | 'gp3' | 'io1' | 'io2' | 'st1' | 'sc1' | 'standard';
interface Range {
  min: number;
  max: number;
}

/**
 * Sizes and IOPS per volume type. The minimums and the IOPS that each type takes are the ECS API reference's
 * (TaskManagedEBSVolumeConfiguration: sizes gp2/gp3 1–16,384, io1/io2 4–16,384, st1/sc1 125–16,384, standard 1–1,024
 * GiB; IOPS gp3 3,000–16,000, io1 100–64,000, io2 100–256,000, required for io1/io2, not supported for st1, sc1 and
 * standard; "maps 1:1 with ... CreateVolume"). EBS has since raised some maximums that ECS passes through to
 * CreateVolume (io2 to 65,536 GiB; gp3 to 65,536 GiB and 80,000 IOPS in 2025): those are allowed here, so that the
 * runner never refuses what AWS accepts. EC2's CreateVolume refuses IOPS for gp2 as well.
 */
const VOLUME_TYPES: Record<VolumeType, { size: Range; iops?: Range }> = {
  gp2: { size: { min: 1, max: 16384 } },
  gp3: { size: { min: 1, max: 65536 }, iops: { min: 3000, max: 80000 } },
  io1: { size: { min: 4, max: 16384 }, iops: { min: 100, max: 64000 } },
  io2: { size: { min: 4, max: 65536 }, iops: { min: 100, max: 256000 } },
  st1: { size: { min: 125, max: 16384 } },
  sc1: { size: { min: 125, max: 16384 } },
  standard: { size: { min: 1, max: 1024 } },
};
const TYPE_NAMES = Object.keys(VOLUME_TYPES) as VolumeType[];
const ANY_SIZE: Range = { min: 1, max: 65536 };
const ANY_IOPS: Range = { min: 100, max: 256000 };
/** EC2 API reference, CreateVolume `Throughput`: 125–2,000 MiB/s, gp3 only (ECS's own page still says at most 1,000). */
const THROUGHPUT: Range = { min: 125, max: 2000 };
/** ECS API reference, TaskManagedEBSVolumeConfiguration `filesystemType`. */
const FILESYSTEM_TYPES = ['ext3', 'ext4', 'xfs', 'ntfs'] as const;
/** ECS API reference, EBSTagSpecification: `resourceType` volume; `propagateTags` SERVICE applies to services only. */
const TAG_RESOURCE_TYPES = ['volume'] as const;
const TAG_PROPAGATION = ['TASK_DEFINITION', 'NONE'] as const;
/** ECS keeps these keys for the volumes it creates. */
const RESERVED_TAG_KEYS = { AmazonECSCreated: 'ECS', AmazonECSManaged: 'ECS' };
const SNAPSHOT_ID = { pattern: /^snap-[0-9a-f]+$/, patternHint: 'is not a snapshot ID (snap-…)' };

/**
 * `VolumeConfigurations: [{ Name, ManagedEBSVolume }]`: the EBS volume ECS creates for each task, for a volume the
 * task definition marks `ConfiguredAtLaunch` (the pre-flight check compares the names with the task definition).
 */
export function readVolumeConfigurations(
  reader: PropertyReader,
  value: unknown,
): TaskVolumeConfiguration[] | undefined {
  const volumes = reader.objectList('VolumeConfigurations', value, readVolume);
  const names = volumes?.map((volume) => volume.name) ?? [];
  const repeated = names.filter((name, index) => names.indexOf(name) !== index);
  if (repeated.length > 0)
    return reader.problem('VolumeConfigurations', `configures volume ${repeated.join(', ')} more than once`);
  return volumes;
}

function readVolume(reader: PropertyReader, volume: Record<string, unknown>): TaskVolumeConfiguration | undefined {
  reader.rejectUnknown(volume, VOLUME_KEYS);
  const name = reader.string('Name', volume.Name, { required: true, maxLength: 255 });
  if (volume.ManagedEBSVolume === undefined)
    return reader.problem(
      'ManagedEBSVolume',
      'is required: the EBS volume to create for each task (RoleArn, SizeInGiB or SnapshotId, …)',
    );
  const managedEBSVolume = readManagedEbsVolume(
    reader.nested(`${reader.path}ManagedEBSVolume.`),
    reader.object('ManagedEBSVolume', volume.ManagedEBSVolume),
  );
  return name === undefined || managedEBSVolume === undefined ? undefined : { name, managedEBSVolume };
}

function readManagedEbsVolume(
  reader: PropertyReader,
  ebs: Record<string, unknown> | undefined,
): TaskManagedEBSVolumeConfiguration | undefined {
  if (!ebs) return undefined;
  reader.rejectUnknown(ebs, EBS_KEYS);
  const roleArn = reader.string('RoleArn', ebs.RoleArn, { required: true, ...ROLE_ARN });
  const volumeType = reader.oneOf('VolumeType', ebs.VolumeType, TYPE_NAMES);
  const limits = volumeType === undefined ? undefined : VOLUME_TYPES[volumeType];
  const sizeInGiB = reader.integer('SizeInGiB', ebs.SizeInGiB, {
    ...(limits?.size ?? ANY_SIZE),
    unit: volumeType === undefined ? 'GiB' : `GiB (${volumeType})`,
  });
  const snapshotId = reader.string('SnapshotId', ebs.SnapshotId, SNAPSHOT_ID);
  if (ebs.SizeInGiB === undefined && ebs.SnapshotId === undefined)
    reader.problem('SizeInGiB', "is required unless SnapshotId is given (the volume then takes the snapshot's size)");
  const iops = readIops(reader, ebs.Iops, volumeType);
  const throughput = reader.integer('Throughput', ebs.Throughput, { ...THROUGHPUT, unit: 'MiB/s' });
  if (ebs.Throughput !== undefined && volumeType !== undefined && volumeType !== 'gp3')
    reader.problem('Throughput', `applies to gp3 volumes only, not ${volumeType}`);
  const managed: TaskManagedEBSVolumeConfiguration = {
    roleArn,
    ...optional('sizeInGiB', sizeInGiB),
    ...optional('volumeType', volumeType),
    ...optional('iops', iops),
    ...optional('throughput', throughput),
    ...optional('encrypted', reader.boolean('Encrypted', ebs.Encrypted)),
    ...optional('kmsKeyId', reader.string('KmsKeyId', ebs.KmsKeyId)),
    ...optional('snapshotId', snapshotId),
    ...optional('filesystemType', reader.oneOf('FilesystemType', ebs.FilesystemType, FILESYSTEM_TYPES)),
    ...optional('tagSpecifications', readTagSpecifications(reader, ebs.TagSpecifications)),
    ...optional('terminationPolicy', readTerminationPolicy(reader, ebs.TerminationPolicy)),
  };
  return roleArn === undefined ? undefined : managed;
}

function readIops(reader: PropertyReader, value: unknown, volumeType: VolumeType | undefined): number | undefined {
  const range = volumeType === undefined ? ANY_IOPS : VOLUME_TYPES[volumeType].iops;
  if (value === undefined || value === '') {
    return volumeType === 'io1' || volumeType === 'io2'
      ? reader.problem('Iops', `is required for ${volumeType} volumes: ${range?.min} to ${range?.max}`)
      : undefined;
  }
  if (!range) return reader.problem('Iops', `applies to gp3, io1 and io2 volumes only, not ${volumeType}`);
  return reader.integer('Iops', value, { ...range, unit: volumeType === undefined ? 'IOPS' : `IOPS (${volumeType})` });
}

function readTagSpecifications(reader: PropertyReader, value: unknown): EBSTagSpecification[] | undefined {
  return reader.objectList('TagSpecifications', value, readTagSpecification);
}

function readTagSpecification(
  reader: PropertyReader,
  specification: Record<string, unknown>,
): EBSTagSpecification | undefined {
  reader.rejectUnknown(specification, TAG_SPECIFICATION_KEYS);
  const resourceType = reader.oneOf('ResourceType', specification.ResourceType, TAG_RESOURCE_TYPES, { required: true });
  const tags = readTags(reader, 'Tags', specification.Tags, RESERVED_TAG_KEYS);
  const propagateTags = reader.oneOf('PropagateTags', specification.PropagateTags, TAG_PROPAGATION);
  return resourceType === undefined
    ? undefined
    : { resourceType, ...optional('tags', tags), ...optional('propagateTags', propagateTags) };
}

function readTerminationPolicy(reader: PropertyReader, value: unknown): { deleteOnTermination: boolean } | undefined {
  const policy = reader.object('TerminationPolicy', value);
  if (!policy) return undefined;
  const policyReader = reader.nested(`${reader.path}TerminationPolicy.`);
  policyReader.rejectUnknown(policy, TERMINATION_POLICY_KEYS);
  // ECS API reference, TaskManagedEBSVolumeTerminationPolicy: `deleteOnTermination` is required.
  if (policy.DeleteOnTermination === undefined)
    return policyReader.problem(
      'DeleteOnTermination',
      'is required: true deletes the volume when the task stops, false keeps it',
    );
  const deleteOnTermination = policyReader.boolean('DeleteOnTermination', policy.DeleteOnTermination);
  return deleteOnTermination === undefined ? undefined : { deleteOnTermination };
}
