import { parseRunnerProperties } from '../../src/properties/runner-properties';
import { parsed, problems } from '../support/properties';

const base = {
  ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:runner',
  Cluster: 'app',
  TaskDefinition: 'migrate',
};
const ROLE = 'arn:aws:iam::123456789012:role/ecsInfrastructureRole';

/** The problems of one volume configured with `ebs` (RoleArn given unless `ebs` sets it). */
function ebsProblems(ebs: Record<string, unknown>): string[] {
  return problems(
    parseRunnerProperties({
      ...base,
      VolumeConfigurations: [{ Name: 'data', ManagedEBSVolume: { RoleArn: ROLE, ...ebs } }],
    }),
  );
}

function ebsVolume(ebs: Record<string, unknown>): unknown {
  return parsed({ ...base, VolumeConfigurations: [{ Name: 'data', ManagedEBSVolume: { RoleArn: ROLE, ...ebs } }] })
    .volumeConfigurations?.[0]?.managedEBSVolume;
}

describe('VolumeConfigurations sizes', () => {
  it("take each volume type's smallest and largest size", () => {
    const ends: [string, number, number][] = [
      ['gp2', 1, 16384],
      ['gp3', 1, 65536],
      ['io1', 4, 16384],
      ['io2', 4, 65536],
      ['st1', 125, 16384],
      ['sc1', 125, 16384],
      ['standard', 1, 1024],
    ];
    for (const [type, min, max] of ends) {
      const iops = type === 'io1' || type === 'io2' ? { Iops: '1000' } : {};
      expect(ebsVolume({ VolumeType: type, SizeInGiB: String(min), ...iops })).toMatchObject({
        volumeType: type,
        sizeInGiB: min,
      });
      expect(ebsVolume({ VolumeType: type, SizeInGiB: String(max), ...iops })).toMatchObject({
        volumeType: type,
        sizeInGiB: max,
      });
    }
  });

  it('refuse one past each end, naming the volume type', () => {
    expect(ebsProblems({ VolumeType: 'standard', SizeInGiB: '1025' })).toEqual([
      'VolumeConfigurations[0].ManagedEBSVolume.SizeInGiB: "1025" is not a whole number from 1 to 1024 GiB (standard)',
    ]);
    expect(ebsProblems({ VolumeType: 'io1', SizeInGiB: '3', Iops: '100' })).toEqual([
      'VolumeConfigurations[0].ManagedEBSVolume.SizeInGiB: "3" is not a whole number from 4 to 16384 GiB (io1)',
    ]);
    expect(ebsProblems({ VolumeType: 'gp2', SizeInGiB: '16385' })).toEqual([
      'VolumeConfigurations[0].ManagedEBSVolume.SizeInGiB: "16385" is not a whole number from 1 to 16384 GiB (gp2)',
    ]);
    expect(ebsProblems({ VolumeType: 'sc1', SizeInGiB: '124' })).toEqual([
      'VolumeConfigurations[0].ManagedEBSVolume.SizeInGiB: "124" is not a whole number from 125 to 16384 GiB (sc1)',
    ]);
  });

  it('without a volume type, take 1 to 65536 GiB', () => {
    expect(ebsVolume({ SizeInGiB: '65536' })).toEqual({ roleArn: ROLE, sizeInGiB: 65536 });
    expect(ebsProblems({ SizeInGiB: '0' })).toEqual([
      'VolumeConfigurations[0].ManagedEBSVolume.SizeInGiB: "0" is not a whole number from 1 to 65536 GiB',
    ]);
    expect(ebsProblems({ SizeInGiB: '65537' })).toEqual([
      'VolumeConfigurations[0].ManagedEBSVolume.SizeInGiB: "65537" is not a whole number from 1 to 65536 GiB',
    ]);
  });
});

describe('VolumeConfigurations IOPS and throughput', () => {
  it("require IOPS for io1 and io2, with each type's range", () => {
    expect(ebsProblems({ VolumeType: 'io1', SizeInGiB: '10' })).toEqual([
      'VolumeConfigurations[0].ManagedEBSVolume.Iops: is required for io1 volumes: 100 to 64000',
    ]);
    expect(ebsProblems({ VolumeType: 'io2', SizeInGiB: '10', Iops: '' })).toEqual([
      'VolumeConfigurations[0].ManagedEBSVolume.Iops: is required for io2 volumes: 100 to 256000',
    ]);
    expect(ebsVolume({ VolumeType: 'io1', SizeInGiB: '10', Iops: '64000' })).toEqual({
      roleArn: ROLE,
      volumeType: 'io1',
      sizeInGiB: 10,
      iops: 64000,
    });
    expect(ebsVolume({ VolumeType: 'io2', SizeInGiB: '10', Iops: '256000' })).toEqual({
      roleArn: ROLE,
      volumeType: 'io2',
      sizeInGiB: 10,
      iops: 256000,
    });
    expect(ebsProblems({ VolumeType: 'io1', SizeInGiB: '10', Iops: '64001' })).toEqual([
      'VolumeConfigurations[0].ManagedEBSVolume.Iops: "64001" is not a whole number from 100 to 64000 IOPS (io1)',
    ]);
    expect(ebsProblems({ VolumeType: 'io2', SizeInGiB: '10', Iops: '99' })).toEqual([
      'VolumeConfigurations[0].ManagedEBSVolume.Iops: "99" is not a whole number from 100 to 256000 IOPS (io2)',
    ]);
  });

  it('take IOPS and throughput on gp3 at the ends of their ranges, optional there', () => {
    expect(ebsVolume({ VolumeType: 'gp3', SizeInGiB: '10' })).toEqual({
      roleArn: ROLE,
      volumeType: 'gp3',
      sizeInGiB: 10,
    });
    expect(ebsVolume({ VolumeType: 'gp3', SizeInGiB: '10', Iops: '3000', Throughput: '125' })).toMatchObject({
      iops: 3000,
      throughput: 125,
    });
    expect(ebsVolume({ VolumeType: 'gp3', SizeInGiB: '10', Iops: '80000', Throughput: '2000' })).toMatchObject({
      iops: 80000,
      throughput: 2000,
    });
    expect(ebsProblems({ VolumeType: 'gp3', SizeInGiB: '10', Iops: '80001', Throughput: '124' })).toEqual([
      'VolumeConfigurations[0].ManagedEBSVolume.Iops: "80001" is not a whole number from 3000 to 80000 IOPS (gp3)',
      'VolumeConfigurations[0].ManagedEBSVolume.Throughput: "124" is not a whole number from 125 to 2000 MiB/s',
    ]);
  });

  it('refuse IOPS for gp2 and standard, and throughput for anything but gp3', () => {
    expect(ebsProblems({ VolumeType: 'gp2', SizeInGiB: '10', Iops: '3000', Throughput: '125' })).toEqual([
      'VolumeConfigurations[0].ManagedEBSVolume.Iops: applies to gp3, io1 and io2 volumes only, not gp2',
      'VolumeConfigurations[0].ManagedEBSVolume.Throughput: applies to gp3 volumes only, not gp2',
    ]);
    expect(ebsProblems({ VolumeType: 'io2', SizeInGiB: '10', Iops: '3000', Throughput: '125' })).toEqual([
      'VolumeConfigurations[0].ManagedEBSVolume.Throughput: applies to gp3 volumes only, not io2',
    ]);
    expect(ebsProblems({ VolumeType: 'standard', SizeInGiB: '10', Iops: '100' })).toEqual([
      'VolumeConfigurations[0].ManagedEBSVolume.Iops: applies to gp3, io1 and io2 volumes only, not standard',
    ]);
  });

  it('without a volume type, take any IOPS an EBS type allows and any throughput, leaving the type to EBS', () => {
    expect(ebsVolume({ SizeInGiB: '10', Iops: '100', Throughput: '2000' })).toEqual({
      roleArn: ROLE,
      sizeInGiB: 10,
      iops: 100,
      throughput: 2000,
    });
    expect(ebsVolume({ SizeInGiB: '10', Iops: '256000' })).toEqual({ roleArn: ROLE, sizeInGiB: 10, iops: 256000 });
    expect(ebsProblems({ SizeInGiB: '10', Iops: '99' })).toEqual([
      'VolumeConfigurations[0].ManagedEBSVolume.Iops: "99" is not a whole number from 100 to 256000 IOPS',
    ]);
    expect(ebsProblems({ SizeInGiB: '10', Iops: '256001' })).toEqual([
      'VolumeConfigurations[0].ManagedEBSVolume.Iops: "256001" is not a whole number from 100 to 256000 IOPS',
    ]);
  });
});

describe('VolumeConfigurations other fields', () => {
  it('take a volume type and file system type in any case, and Encrypted typed or as a string', () => {
    expect(
      ebsVolume({
        VolumeType: 'GP3',
        SizeInGiB: '10',
        FilesystemType: 'XFS',
        Encrypted: false,
        SnapshotId: 'snap-0a1b',
      }),
    ).toEqual({
      roleArn: ROLE,
      volumeType: 'gp3',
      sizeInGiB: 10,
      filesystemType: 'xfs',
      encrypted: false,
      snapshotId: 'snap-0a1b',
    });
    expect(ebsProblems({ SizeInGiB: '10', Encrypted: 'yes' })).toEqual([
      'VolumeConfigurations[0].ManagedEBSVolume.Encrypted: "yes" is not true or false',
    ]);
  });

  it('take tag specifications without tags, and keep the tags ECS reserves out', () => {
    expect(
      ebsVolume({
        SizeInGiB: '10',
        TagSpecifications: [
          { ResourceType: 'volume', PropagateTags: 'NONE' },
          { ResourceType: 'volume', Tags: [{ Key: 'team', Value: 'data' }] },
        ],
      }),
    ).toEqual({
      roleArn: ROLE,
      sizeInGiB: 10,
      tagSpecifications: [
        { resourceType: 'volume', propagateTags: 'NONE' },
        { resourceType: 'volume', tags: [{ key: 'team', value: 'data' }] },
      ],
    });
    expect(
      ebsProblems({
        SizeInGiB: '10',
        TagSpecifications: [{ Tags: [{ Key: 'AmazonECSCreated', Value: 'x' }], PropagateTag: 'NONE' }],
      }),
    ).toEqual([
      'VolumeConfigurations[0].ManagedEBSVolume.TagSpecifications[0].PropagateTag: unknown property — did you mean PropagateTags?',
      'VolumeConfigurations[0].ManagedEBSVolume.TagSpecifications[0].ResourceType: is required: one of volume',
      'VolumeConfigurations[0].ManagedEBSVolume.TagSpecifications[0].Tags[0].Key: "AmazonECSCreated" is reserved for ECS',
    ]);
  });

  it('take a termination policy as a boolean, and refuse anything else in it', () => {
    expect(ebsVolume({ SizeInGiB: '10', TerminationPolicy: { DeleteOnTermination: 'true' } })).toEqual({
      roleArn: ROLE,
      sizeInGiB: 10,
      terminationPolicy: { deleteOnTermination: true },
    });
    expect(
      ebsProblems({ SizeInGiB: '10', TerminationPolicy: { DeleteOnTermination: 'always', Retain: 'true' } }),
    ).toEqual([
      'VolumeConfigurations[0].ManagedEBSVolume.TerminationPolicy.Retain: unknown property — the closest known name is DeleteOnTermination',
      'VolumeConfigurations[0].ManagedEBSVolume.TerminationPolicy.DeleteOnTermination: "always" is not true or false',
    ]);
    expect(ebsProblems({ SizeInGiB: '10', TerminationPolicy: 'delete' })).toEqual([
      'VolumeConfigurations[0].ManagedEBSVolume.TerminationPolicy: must be an object (a map of properties), got "delete"',
    ]);
  });

  it('refuse a KMS key that is not a string, naming it', () => {
    expect(ebsProblems({ SizeInGiB: '10', Encrypted: 'true', KmsKeyId: { Ref: 'Key' } })).toEqual([
      'VolumeConfigurations[0].ManagedEBSVolume.KmsKeyId: must be a string, got an object',
    ]);
  });

  it('refuse a snapshot ID that is not one, and a ManagedEBSVolume that is not an object', () => {
    expect(ebsProblems({ SnapshotId: 'snap-0A1B' })).toEqual([
      'VolumeConfigurations[0].ManagedEBSVolume.SnapshotId: "snap-0A1B" is not a snapshot ID (snap-…)',
    ]);
    expect(ebsProblems({ SnapshotId: 'my-snap-0a1b' })).toEqual([
      'VolumeConfigurations[0].ManagedEBSVolume.SnapshotId: "my-snap-0a1b" is not a snapshot ID (snap-…)',
    ]);
    expect(
      problems(parseRunnerProperties({ ...base, VolumeConfigurations: [{ Name: 'data', ManagedEBSVolume: ROLE }] })),
    ).toEqual([`VolumeConfigurations[0].ManagedEBSVolume: must be an object (a map of properties), got "${ROLE}"`]);
  });

  it('refuse a role that is not an IAM role ARN', () => {
    expect(ebsProblems({ RoleArn: 'arn:aws:iam::123456789012:role/', SizeInGiB: '10' })).toEqual([
      'VolumeConfigurations[0].ManagedEBSVolume.RoleArn: "arn:aws:iam::123456789012:role/" is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)',
    ]);
    expect(ebsProblems({ RoleArn: `x${ROLE}`, SizeInGiB: '10' })).toEqual([
      `VolumeConfigurations[0].ManagedEBSVolume.RoleArn: "x${ROLE}" is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)`,
    ]);
  });
});

describe('VolumeConfigurations names', () => {
  it('take a name of up to 255 characters and refuse a longer one, or none', () => {
    const volume = { ManagedEBSVolume: { RoleArn: ROLE, SizeInGiB: '10' } };
    expect(
      parsed({ ...base, VolumeConfigurations: [{ Name: 'v'.repeat(255), ...volume }] }).volumeConfigurations,
    ).toEqual([{ name: 'v'.repeat(255), managedEBSVolume: { roleArn: ROLE, sizeInGiB: 10 } }]);
    expect(
      problems(
        parseRunnerProperties({ ...base, VolumeConfigurations: [{ Name: 'v'.repeat(256), ...volume }, volume] }),
      ),
    ).toEqual([
      'VolumeConfigurations[0].Name: is 256 characters long; at most 255 are allowed',
      'VolumeConfigurations[1].Name: is required',
    ]);
  });

  it('configure each volume once', () => {
    const volume = { ManagedEBSVolume: { RoleArn: ROLE, SizeInGiB: '10' } };
    expect(
      parsed({
        ...base,
        VolumeConfigurations: [
          { Name: 'a', ...volume },
          { Name: 'b', ...volume },
        ],
      }).volumeConfigurations,
    ).toHaveLength(2);
    expect(
      problems(
        parseRunnerProperties({
          ...base,
          VolumeConfigurations: [
            { Name: 'a', ...volume },
            { Name: 'b', ...volume },
            { Name: 'a', ...volume },
          ],
        }),
      ),
    ).toEqual(['VolumeConfigurations: configures volume a more than once']);
    expect(
      problems(
        parseRunnerProperties({
          ...base,
          VolumeConfigurations: [
            { Name: 'a', ...volume },
            { Name: 'b', ...volume },
            { Name: 'a', ...volume },
            { Name: 'b', ...volume },
          ],
        }),
      ),
    ).toEqual(['VolumeConfigurations: configures volume a, b more than once']);
  });

  it('refuse unknown keys next to Name', () => {
    expect(
      problems(
        parseRunnerProperties({
          ...base,
          VolumeConfigurations: [{ Name: 'a', ManagedEbsVolume: { RoleArn: ROLE, SizeInGiB: '10' } }],
        }),
      ),
    ).toEqual([
      'VolumeConfigurations[0].ManagedEbsVolume: unknown property — did you mean ManagedEBSVolume?',
      'VolumeConfigurations[0].ManagedEBSVolume: is required: the EBS volume to create for each task (RoleArn, SizeInGiB or SnapshotId, …)',
    ]);
  });

  it('are allowed with the EC2 launch type', () => {
    expect(
      parsed({
        ...base,
        LaunchType: 'EC2',
        VolumeConfigurations: [{ Name: 'a', ManagedEBSVolume: { RoleArn: ROLE, SizeInGiB: '10' } }],
      }).volumeConfigurations,
    ).toHaveLength(1);
  });
});
