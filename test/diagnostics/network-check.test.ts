import type { SecurityGroup, Subnet } from '@aws-sdk/client-ec2';
import type { AwsVpcConfiguration } from '@aws-sdk/client-ecs';
import { checkNetwork } from '../../src/diagnostics/network-check';

/** Subnets and security groups as DescribeSubnets and DescribeSecurityGroups report them. */
const subnet = (SubnetId: string, VpcId: string): Subnet => ({ SubnetId, VpcId, State: 'available' });
const group = (GroupId: string, VpcId: string): SecurityGroup => ({ GroupId, VpcId, GroupName: GroupId });

describe('checkNetwork', () => {
  it('finds no problem when every subnet and security group exists in one VPC', () => {
    expect(
      checkNetwork(
        { subnets: ['subnet-0a', 'subnet-0b'], securityGroups: ['sg-01'] },
        {
          subnets: [subnet('subnet-0a', 'vpc-0abc'), subnet('subnet-0b', 'vpc-0abc')],
          securityGroups: [group('sg-01', 'vpc-0abc')],
        },
      ),
    ).toEqual([]);
  });

  it('finds no problem when the configuration names no security groups, or no subnets', () => {
    const description = { subnets: [subnet('subnet-0a', 'vpc-0abc')], securityGroups: [group('sg-01', 'vpc-0abc')] };
    expect(checkNetwork({ subnets: ['subnet-0a'] }, description)).toEqual([]);
    // The SDK's type requires subnets; a configuration without them still names none rather than failing.
    expect(checkNetwork({ securityGroups: ['sg-01'] } as AwsVpcConfiguration, description)).toEqual([]);
  });

  it.each([
    [['subnet-0missing'], 'Subnets: subnet-0missing does not exist in this account and region'],
    [
      ['subnet-0missing', 'subnet-0typo'],
      'Subnets: subnet-0missing, subnet-0typo do not exist in this account and region',
    ],
  ])('names the missing subnets %j', (missing, problem) => {
    expect(
      checkNetwork(
        { subnets: ['subnet-0a', ...missing], securityGroups: ['sg-01'] },
        { subnets: [subnet('subnet-0a', 'vpc-0abc')], securityGroups: [group('sg-01', 'vpc-0abc')] },
      ),
    ).toEqual([problem]);
  });

  it.each([
    [['sg-0missing'], 'SecurityGroups: sg-0missing does not exist in this account and region'],
    [['sg-0missing', 'sg-0typo'], 'SecurityGroups: sg-0missing, sg-0typo do not exist in this account and region'],
  ])('names the missing security groups %j', (missing, problem) => {
    expect(
      checkNetwork(
        { subnets: ['subnet-0a'], securityGroups: [...missing, 'sg-01'] },
        { subnets: [subnet('subnet-0a', 'vpc-0abc')], securityGroups: [group('sg-01', 'vpc-0abc')] },
      ),
    ).toEqual([problem]);
  });

  it('names missing subnets before missing security groups', () => {
    expect(
      checkNetwork({ subnets: ['subnet-0x'], securityGroups: ['sg-0x'] }, { subnets: [], securityGroups: [] }),
    ).toEqual([
      'Subnets: subnet-0x does not exist in this account and region',
      'SecurityGroups: sg-0x does not exist in this account and region',
    ]);
  });

  it('names each VPC with its subnets and security groups, in the order EC2 listed them', () => {
    expect(
      checkNetwork(
        { subnets: ['subnet-0a', 'subnet-0b', 'subnet-0c'], securityGroups: ['sg-01', 'sg-02'] },
        {
          subnets: [subnet('subnet-0a', 'vpc-0one'), subnet('subnet-0b', 'vpc-0two'), subnet('subnet-0c', 'vpc-0one')],
          securityGroups: [group('sg-01', 'vpc-0two'), group('sg-02', 'vpc-0one')],
        },
      ),
    ).toEqual([
      'Subnets and SecurityGroups must all be in one VPC, but they are spread over ' +
        'vpc-0one (subnet-0a, subnet-0c, sg-02) and vpc-0two (subnet-0b, sg-01)',
    ]);
  });

  it('joins three VPCs with "and"', () => {
    expect(
      checkNetwork(
        { subnets: ['subnet-0a', 'subnet-0b'], securityGroups: ['sg-01'] },
        {
          subnets: [subnet('subnet-0a', 'vpc-0one'), subnet('subnet-0b', 'vpc-0two')],
          securityGroups: [group('sg-01', 'vpc-0three')],
        },
      ),
    ).toEqual([
      'Subnets and SecurityGroups must all be in one VPC, but they are spread over ' +
        'vpc-0one (subnet-0a) and vpc-0two (subnet-0b) and vpc-0three (sg-01)',
    ]);
  });

  it('reports a missing subnet and VPCs spread apart together', () => {
    expect(
      checkNetwork(
        { subnets: ['subnet-0a', 'subnet-0gone'], securityGroups: ['sg-01'] },
        { subnets: [subnet('subnet-0a', 'vpc-0one')], securityGroups: [group('sg-01', 'vpc-0two')] },
      ),
    ).toEqual([
      'Subnets: subnet-0gone does not exist in this account and region',
      'Subnets and SecurityGroups must all be in one VPC, but they are spread over vpc-0one (subnet-0a) and vpc-0two (sg-01)',
    ]);
  });

  it('counts a subnet or security group EC2 reports without a VPC as missing', () => {
    expect(
      checkNetwork(
        { subnets: ['subnet-0a'], securityGroups: ['sg-01'] },
        { subnets: [{ SubnetId: 'subnet-0a' }], securityGroups: [{ GroupId: 'sg-01' }] },
      ),
    ).toEqual([
      'Subnets: subnet-0a does not exist in this account and region',
      'SecurityGroups: sg-01 does not exist in this account and region',
    ]);
  });

  it('ignores entries without an ID rather than counting their VPC', () => {
    expect(
      checkNetwork(
        { subnets: ['subnet-0a'], securityGroups: ['sg-01'] },
        {
          subnets: [subnet('subnet-0a', 'vpc-0one'), { VpcId: 'vpc-0other' }],
          securityGroups: [group('sg-01', 'vpc-0one'), { VpcId: 'vpc-0third' }],
        },
      ),
    ).toEqual([]);
  });
});
