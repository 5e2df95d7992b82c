import type { SecurityGroup, Subnet } from '@aws-sdk/client-ec2';
import type { AwsVpcConfiguration } from '@aws-sdk/client-ecs';
import { describeNetwork } from '../../src/diagnostics/network-description';
import { recordingEc2 } from '../support/recording-ec2-api';

const SUBNET: Subnet = { SubnetId: 'subnet-0a1b2c3d4e5f60718', VpcId: 'vpc-0abc', State: 'available' };
const GROUP: SecurityGroup = { GroupId: 'sg-0123456789abcdef0', VpcId: 'vpc-0abc', GroupName: 'migrate' };

describe('describeNetwork', () => {
  it('asks EC2 for the subnets and security groups by filter, and returns what it found', async () => {
    const { ec2, calls } = recordingEc2({
      describeSubnets: { Subnets: [SUBNET] },
      describeSecurityGroups: { SecurityGroups: [GROUP] },
    });

    const description = await describeNetwork(ec2, {
      subnets: ['subnet-0a1b2c3d4e5f60718', 'subnet-0missing'],
      securityGroups: ['sg-0123456789abcdef0', 'sg-0missing'],
    });

    expect(description).toEqual({ subnets: [SUBNET], securityGroups: [GROUP] });
    expect(calls).toEqual([
      {
        method: 'describeSubnets',
        input: { Filters: [{ Name: 'subnet-id', Values: ['subnet-0a1b2c3d4e5f60718', 'subnet-0missing'] }] },
      },
      {
        method: 'describeSecurityGroups',
        input: { Filters: [{ Name: 'group-id', Values: ['sg-0123456789abcdef0', 'sg-0missing'] }] },
      },
    ]);
  });

  it.each([
    ['an empty list', { subnets: ['subnet-0a1b2c3d4e5f60718'], securityGroups: [] }],
    ['no list', { subnets: ['subnet-0a1b2c3d4e5f60718'] }],
  ])(
    'does not call DescribeSecurityGroups when the configuration names no security groups (%s)',
    async (_, network) => {
      const { ec2, calls } = recordingEc2({ describeSubnets: { Subnets: [SUBNET] } });

      expect(await describeNetwork(ec2, network)).toEqual({ subnets: [SUBNET], securityGroups: [] });
      expect(calls).toEqual([
        {
          method: 'describeSubnets',
          input: { Filters: [{ Name: 'subnet-id', Values: ['subnet-0a1b2c3d4e5f60718'] }] },
        },
      ]);
    },
  );

  it('asks with an empty filter when the configuration names no subnets', async () => {
    const { ec2, calls } = recordingEc2({ describeSubnets: { Subnets: [] } });

    // The SDK's type requires subnets; a configuration without them still names none rather than failing.
    expect(await describeNetwork(ec2, {} as AwsVpcConfiguration)).toEqual({ subnets: [], securityGroups: [] });
    expect(calls).toEqual([{ method: 'describeSubnets', input: { Filters: [{ Name: 'subnet-id', Values: [] }] } }]);
  });

  it('reads answers without Subnets or SecurityGroups as none found', async () => {
    const { ec2 } = recordingEc2({ describeSubnets: {}, describeSecurityGroups: {} });

    expect(await describeNetwork(ec2, { subnets: ['subnet-0x'], securityGroups: ['sg-0x'] })).toEqual({
      subnets: [],
      securityGroups: [],
    });
  });
});
