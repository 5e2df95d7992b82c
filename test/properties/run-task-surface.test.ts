import { parseRunnerProperties } from '../../src/properties/runner-properties';
import { parsed, problems } from '../support/properties';

// Every scalar as CloudFormation delivers it: a string.
const base = {
  ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:runner',
  Cluster: 'app',
  TaskDefinition: 'migrate',
};
const onEc2 = { ...base, LaunchType: 'EC2' };
const onFargate = { ...base, LaunchType: 'FARGATE' };
const ROLE = 'arn:aws:iam::123456789012:role/ecsInfrastructureRole';

describe('PlacementConstraints', () => {
  it('reads distinctInstance and memberOf as the ECS API spells them', () => {
    expect(
      parsed({
        ...onEc2,
        PlacementConstraints: [
          { Type: 'distinctInstance' },
          { Type: 'memberOf', Expression: 'attribute:ecs.instance-type =~ c5.*' },
        ],
      }).placementConstraints,
    ).toEqual([{ type: 'distinctInstance' }, { type: 'memberOf', expression: 'attribute:ecs.instance-type =~ c5.*' }]);
  });

  it('refuses a memberOf without an expression, an expression on distinctInstance, an unknown type or key, and more than 10', () => {
    expect(
      problems(
        parseRunnerProperties({
          ...onEc2,
          PlacementConstraints: [
            { Type: 'memberOf' },
            { Type: 'distinctInstance', Expression: 'x' },
            { Type: 'sameHost' },
            { type: 'memberOf', Expresion: 'x' },
            { Expression: 'x'.repeat(2001) },
          ],
        }),
      ),
    ).toEqual([
      'PlacementConstraints[0].Expression: is required for memberOf: a cluster query language expression, e.g. "attribute:ecs.instance-type =~ c5.*"',
      'PlacementConstraints[1].Expression: applies to memberOf only; distinctInstance takes none',
      'PlacementConstraints[2].Type: "sameHost" is not one of distinctInstance, memberOf',
      'PlacementConstraints[3].type: unknown property — did you mean Type?',
      'PlacementConstraints[3].Expresion: unknown property — did you mean Expression?',
      'PlacementConstraints[3].Type: is required: one of distinctInstance, memberOf',
      'PlacementConstraints[4].Type: is required: one of distinctInstance, memberOf',
      'PlacementConstraints[4].Expression: is 2001 characters long; at most 2000 are allowed',
    ]);
    expect(
      problems(
        parseRunnerProperties({
          ...onEc2,
          PlacementConstraints: Array.from({ length: 11 }, () => ({ Type: 'distinctInstance' })),
        }),
      ),
    ).toEqual(['PlacementConstraints: has 11 entries; a task takes at most 10, those of the task definition included']);
  });
});

describe('PlacementStrategy', () => {
  it('reads random, spread and binpack with their fields', () => {
    expect(
      parsed({
        ...onEc2,
        PlacementStrategy: [
          { Type: 'spread', Field: 'attribute:ecs.availability-zone' },
          { Type: 'binpack', Field: 'memory' },
          { Type: 'random' },
        ],
      }).placementStrategy,
    ).toEqual([
      { type: 'spread', field: 'attribute:ecs.availability-zone' },
      { type: 'binpack', field: 'memory' },
      { type: 'random' },
    ]);
  });

  it('refuses a missing or wrong field, a field on random, and more than 5', () => {
    expect(
      problems(
        parseRunnerProperties({
          ...onEc2,
          PlacementStrategy: [
            { Type: 'spread' },
            { Type: 'binpack', Field: 'disk' },
            { Type: 'random', Field: 'cpu' },
            { Type: 'spread', Field: 'availability-zone' },
            { Type: 'pack' },
          ],
        }),
      ),
    ).toEqual([
      'PlacementStrategy[0].Field: is required for spread: instanceId, host or an attribute such as attribute:ecs.availability-zone',
      'PlacementStrategy[1].Field: "disk" is not one of cpu, memory',
      'PlacementStrategy[2].Field: applies to spread and binpack only; random takes none',
      'PlacementStrategy[3].Field: "availability-zone" is not instanceId, host or an attribute (e.g. attribute:ecs.availability-zone)',
      'PlacementStrategy[4].Type: "pack" is not one of random, spread, binpack',
    ]);
    expect(
      problems(
        parseRunnerProperties({ ...onEc2, PlacementStrategy: Array.from({ length: 6 }, () => ({ Type: 'random' })) }),
      ),
    ).toEqual(['PlacementStrategy: has 6 entries; a task takes at most 5']);
  });

  it('refuses both placement properties on Fargate, by launch type or by a Fargate-only strategy', () => {
    const placement = { PlacementConstraints: [{ Type: 'distinctInstance' }], PlacementStrategy: [{ Type: 'random' }] };
    const reason =
      'applies to tasks on EC2 and external instances only; Fargate places tasks itself — remove it, or use LaunchType EC2 (or a strategy of EC2 capacity providers)';
    expect(problems(parseRunnerProperties({ ...onFargate, ...placement }))).toEqual([
      `PlacementConstraints: ${reason}`,
      `PlacementStrategy: ${reason}`,
    ]);
    expect(
      problems(
        parseRunnerProperties({
          ...base,
          CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE_SPOT' }],
          ...placement,
        }),
      ),
    ).toHaveLength(2);
    // The cluster's default capacity provider decides: the runner cannot know, so ECS judges.
    expect(parseRunnerProperties({ ...base, ...placement }).kind).toBe('valid');
    expect(parseRunnerProperties({ ...base, LaunchType: 'EXTERNAL', ...placement }).kind).toBe('valid');
  });
});

describe('VolumeConfigurations', () => {
  it('reads a managed EBS volume with every field, coercing numbers and booleans', () => {
    expect(
      parsed({
        ...onFargate,
        VolumeConfigurations: [
          {
            Name: 'scratch',
            ManagedEBSVolume: {
              RoleArn: ROLE,
              SizeInGiB: '100',
              VolumeType: 'gp3',
              Iops: '4000',
              Throughput: '250',
              Encrypted: 'true',
              KmsKeyId: 'alias/ebs',
              FilesystemType: 'ext4',
              TagSpecifications: [
                { ResourceType: 'volume', Tags: [{ Key: 'team', Value: 'data' }], PropagateTags: 'TASK_DEFINITION' },
              ],
              TerminationPolicy: { DeleteOnTermination: 'false' },
            },
          },
        ],
      }).volumeConfigurations,
    ).toEqual([
      {
        name: 'scratch',
        managedEBSVolume: {
          roleArn: ROLE,
          sizeInGiB: 100,
          volumeType: 'gp3',
          iops: 4000,
          throughput: 250,
          encrypted: true,
          kmsKeyId: 'alias/ebs',
          filesystemType: 'ext4',
          tagSpecifications: [
            { resourceType: 'volume', tags: [{ key: 'team', value: 'data' }], propagateTags: 'TASK_DEFINITION' },
          ],
          terminationPolicy: { deleteOnTermination: false },
        },
      },
    ]);
  });

  it('takes a snapshot instead of a size', () => {
    expect(
      parsed({
        ...base,
        VolumeConfigurations: [
          { Name: 'data', ManagedEBSVolume: { RoleArn: ROLE, SnapshotId: 'snap-0123456789abcdef0' } },
        ],
      }).volumeConfigurations,
    ).toEqual([{ name: 'data', managedEBSVolume: { roleArn: ROLE, snapshotId: 'snap-0123456789abcdef0' } }]);
  });

  it('refuses EBS volumes on external instances', () => {
    expect(
      problems(
        parseRunnerProperties({
          ...base,
          LaunchType: 'EXTERNAL',
          VolumeConfigurations: [{ Name: 'data', ManagedEBSVolume: { RoleArn: ROLE, SizeInGiB: '10' } }],
        }),
      ),
    ).toEqual([
      'VolumeConfigurations: ECS attaches EBS volumes to tasks on Fargate and EC2 only, not on external instances — remove it or use LaunchType EC2 or FARGATE',
    ]);
  });

  it('refuses what ECS would refuse, naming each field', () => {
    expect(
      problems(
        parseRunnerProperties({
          ...base,
          VolumeConfigurations: [
            { Name: 'a', ManagedEBSVolume: { SizeInGib: '10', VolumeType: 'gp4', FilesystemType: 'btrfs' } },
            {
              Name: 'b',
              ManagedEBSVolume: {
                RoleArn: 'ecsInfrastructureRole',
                VolumeType: 'st1',
                SizeInGiB: '20',
                Iops: '500',
                Throughput: '300',
              },
            },
            { Name: 'c', ManagedEBSVolume: { RoleArn: ROLE, VolumeType: 'io2', SizeInGiB: '8', SnapshotId: 'vol-1' } },
            {
              Name: 'd',
              ManagedEBSVolume: { RoleArn: ROLE, VolumeType: 'gp3', SizeInGiB: '10', Iops: '1000', Throughput: '3000' },
            },
            {
              Name: 'e',
              ManagedEBSVolume: {
                RoleArn: ROLE,
                SizeInGiB: '10',
                TagSpecifications: [
                  {
                    ResourceType: 'snapshot',
                    Tags: [{ Key: 'AmazonECSManaged', Value: 'x' }],
                    PropagateTags: 'SERVICE',
                  },
                ],
                TerminationPolicy: {},
              },
            },
            { Name: 'a' },
          ],
        }),
      ),
    ).toEqual([
      'VolumeConfigurations[0].ManagedEBSVolume.SizeInGib: unknown property — did you mean SizeInGiB?',
      'VolumeConfigurations[0].ManagedEBSVolume.RoleArn: is required',
      'VolumeConfigurations[0].ManagedEBSVolume.VolumeType: "gp4" is not one of gp2, gp3, io1, io2, st1, sc1, standard',
      "VolumeConfigurations[0].ManagedEBSVolume.SizeInGiB: is required unless SnapshotId is given (the volume then takes the snapshot's size)",
      'VolumeConfigurations[0].ManagedEBSVolume.FilesystemType: "btrfs" is not one of ext3, ext4, xfs, ntfs',
      'VolumeConfigurations[1].ManagedEBSVolume.RoleArn: "ecsInfrastructureRole" is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)',
      'VolumeConfigurations[1].ManagedEBSVolume.SizeInGiB: "20" is not a whole number from 125 to 16384 GiB (st1)',
      'VolumeConfigurations[1].ManagedEBSVolume.Iops: applies to gp3, io1 and io2 volumes only, not st1',
      'VolumeConfigurations[1].ManagedEBSVolume.Throughput: applies to gp3 volumes only, not st1',
      'VolumeConfigurations[2].ManagedEBSVolume.SnapshotId: "vol-1" is not a snapshot ID (snap-…)',
      'VolumeConfigurations[2].ManagedEBSVolume.Iops: is required for io2 volumes: 100 to 256000',
      'VolumeConfigurations[3].ManagedEBSVolume.Iops: "1000" is not a whole number from 3000 to 80000 IOPS (gp3)',
      'VolumeConfigurations[3].ManagedEBSVolume.Throughput: "3000" is not a whole number from 125 to 2000 MiB/s',
      'VolumeConfigurations[4].ManagedEBSVolume.TagSpecifications[0].ResourceType: "snapshot" is not one of volume',
      'VolumeConfigurations[4].ManagedEBSVolume.TagSpecifications[0].Tags[0].Key: "AmazonECSManaged" is reserved for ECS',
      'VolumeConfigurations[4].ManagedEBSVolume.TagSpecifications[0].PropagateTags: "SERVICE" is not one of TASK_DEFINITION, NONE',
      'VolumeConfigurations[4].ManagedEBSVolume.TerminationPolicy.DeleteOnTermination: is required: true deletes the volume when the task stops, false keeps it',
      'VolumeConfigurations[5].ManagedEBSVolume: is required: the EBS volume to create for each task (RoleArn, SizeInGiB or SnapshotId, …)',
    ]);
  });
});

describe('Overrides: ephemeral storage, GPUs and environment files', () => {
  it("passes EphemeralStorage, ResourceRequirements and EnvironmentFiles on in the API's types, camelCase accepted", () => {
    expect(
      parsed({
        ...base,
        Overrides: {
          EphemeralStorage: { SizeInGiB: '50' },
          ContainerOverrides: [
            {
              Name: 'migrate',
              ResourceRequirements: [{ Type: 'GPU', Value: '2' }],
              environmentFiles: [{ type: 's3', value: 'arn:aws:s3:::config-bucket/migrate/prod.env' }],
            },
          ],
        },
      }).overrides,
    ).toEqual({
      ephemeralStorage: { sizeInGiB: 50 },
      containerOverrides: [
        {
          name: 'migrate',
          resourceRequirements: [{ type: 'GPU', value: '2' }],
          environmentFiles: [{ type: 's3', value: 'arn:aws:s3:::config-bucket/migrate/prod.env' }],
        },
      ],
    });
    expect(
      parsed({
        ...onEc2,
        Overrides: {
          ContainerOverrides: [
            {
              Name: 'infer',
              ResourceRequirements: [
                { Type: 'gpu', Value: '0.25' },
                { Type: 'InferenceAccelerator', Value: 'device_1' },
              ],
            },
          ],
        },
      }).overrides,
    ).toEqual({
      containerOverrides: [
        {
          name: 'infer',
          resourceRequirements: [
            { type: 'GPU', value: '0.25' },
            { type: 'InferenceAccelerator', value: 'device_1' },
          ],
        },
      ],
    });
  });

  it('refuses sizes, types and ARNs ECS would refuse', () => {
    expect(
      problems(
        parseRunnerProperties({
          ...base,
          Overrides: {
            EphemeralStorage: { SizeInGiB: '20' },
            ContainerOverrides: [
              {
                Name: 'migrate',
                ResourceRequirements: [
                  { Type: 'GPU', Value: 'two' },
                  { Type: 'TPU', Value: '1' },
                  { Type: 'GPU', Value: '0' },
                ],
                EnvironmentFiles: [
                  { Type: 's3', Value: 'arn:aws:s3:::config-bucket/prod.txt' },
                  { Type: 'http', Value: 'https://example.com/a.env' },
                ],
              },
            ],
          },
        }),
      ),
    ).toEqual([
      'Overrides.ContainerOverrides[0].ResourceRequirements[0].Value: "two" is not a number of GPUs (e.g. 1, 0.25 or ALL)',
      'Overrides.ContainerOverrides[0].ResourceRequirements[1].Type: "TPU" is not one of GPU, InferenceAccelerator',
      'Overrides.ContainerOverrides[0].ResourceRequirements[2].Value: "0" GPUs: give more than 0',
      'Overrides.ContainerOverrides[0].EnvironmentFiles[0].Value: "arn:aws:s3:::config-bucket/prod.txt" does not end in .env, which ECS requires of an environment file',
      'Overrides.ContainerOverrides[0].EnvironmentFiles[1].Type: "http" is not one of s3',
      'Overrides.ContainerOverrides[0].EnvironmentFiles[1].Value: "https://example.com/a.env" is not an S3 object ARN (arn:aws:s3:::BUCKET/KEY)',
      'Overrides.EphemeralStorage.SizeInGiB: "20" is not a whole number from 21 to 200 GiB',
    ]);
    expect(
      problems(
        parseRunnerProperties({
          ...base,
          Overrides: {
            ContainerOverrides: [
              {
                Name: 'migrate',
                EnvironmentFiles: Array.from({ length: 11 }, (_, i) => ({
                  Type: 's3',
                  Value: `arn:aws:s3:::b/${i}.env`,
                })),
              },
            ],
          },
        }),
      ),
    ).toEqual(['Overrides.ContainerOverrides[0].EnvironmentFiles: has 11 files; a container takes at most 10']);
  });

  it('allows ephemeral storage only on Fargate and GPUs only off Fargate', () => {
    expect(problems(parseRunnerProperties({ ...onEc2, Overrides: { EphemeralStorage: { SizeInGiB: '30' } } }))).toEqual(
      [
        "Overrides.EphemeralStorage: applies only to Fargate; on EC2 the instance's own storage is used — remove it or use LaunchType FARGATE",
      ],
    );
    expect(
      problems(
        parseRunnerProperties({
          ...onFargate,
          Overrides: { ContainerOverrides: [{ Name: 'train', ResourceRequirements: [{ Type: 'GPU', Value: '1' }] }] },
        }),
      ),
    ).toEqual([
      'Overrides.ContainerOverrides: asks for GPUs (train), which Fargate does not offer — use LaunchType EC2 with GPU instances',
    ]);
  });
});
