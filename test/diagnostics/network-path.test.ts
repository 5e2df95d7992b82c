import type { IpPermission, Route, RouteTable, SecurityGroup, VpcEndpoint } from '@aws-sdk/client-ec2';
import type { NetworkDescription } from '../../src/diagnostics/network-description';
import { inspectNetworkPath, type NetworkPathInput } from '../../src/diagnostics/network-path';
import { recordingEc2 } from '../support/recording-ec2-api';

const VPC = 'vpc-0abc';
const CHECK = ' Check the network ACLs and that the security groups allow outbound TCP 443 and DNS (UDP 53).';
const NO_443 = ' Security groups sg-01 allow no outbound TCP 443, which pulling images needs.';
const ADD = ' — add a 0.0.0.0/0 route to a NAT gateway to those route tables, or the missing VPC endpoints';
const OR_PUBLIC_IP = ' (or, on Fargate in a public subnet, AssignPublicIp ENABLED)';

const LOCAL: Route = { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' };
const defaultRoute = (target: Partial<Route>): Route => ({
  DestinationCidrBlock: '0.0.0.0/0',
  State: 'active',
  ...target,
});

/** A route table as DescribeRouteTables reports it: the main one, or one explicitly associated with `subnets`. */
function table(id: string, subnets: string[] | 'main', routes: Route[]): RouteTable {
  const Associations =
    subnets === 'main'
      ? [{ Main: true, RouteTableId: id }]
      : subnets.map((SubnetId) => ({ Main: false, SubnetId, RouteTableId: id }));
  return { RouteTableId: id, VpcId: VPC, Associations, Routes: [LOCAL, ...routes] };
}

const endpoint = (service: string): VpcEndpoint => ({
  VpcEndpointId: `vpce-0${service.replace('.', '')}`,
  VpcId: VPC,
  ServiceName: `com.amazonaws.us-east-1.${service}`,
});
const ALL_ENDPOINTS = ['ecr.api', 'ecr.dkr', 's3', 'logs'].map(endpoint);

const ALL_TRAFFIC: IpPermission = { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
const group = (GroupId: string, egress: IpPermission[] | undefined): SecurityGroup => ({
  GroupId,
  VpcId: VPC,
  IpPermissionsEgress: egress,
});

function described(subnets: string[] = ['subnet-0a'], groups = [group('sg-01', [ALL_TRAFFIC])]): NetworkDescription {
  return { subnets: subnets.map((SubnetId) => ({ SubnetId, VpcId: VPC })), securityGroups: groups };
}

const input = (overrides: Partial<NetworkPathInput> = {}): NetworkPathInput => ({
  subnets: ['subnet-0a'],
  securityGroups: ['sg-01'],
  publicIp: false,
  usesSecrets: false,
  ...overrides,
});

/** Inspects the path of `subnets` in a VPC with these route tables and endpoints. */
async function inspect(
  tables: RouteTable[],
  endpoints: VpcEndpoint[],
  overrides: Partial<NetworkPathInput> = {},
  groups?: SecurityGroup[],
) {
  const { ec2 } = recordingEc2({
    describeRouteTables: { RouteTables: tables },
    describeVpcEndpoints: { VpcEndpoints: endpoints },
  });
  const path = input(overrides);
  return inspectNetworkPath(ec2, path, described(path.subnets, groups));
}

describe('inspectNetworkPath', () => {
  it.each([
    ['no subnets', []],
    ['a subnet without a VPC', [{ SubnetId: 'subnet-0a' }]],
  ])('says the subnets were not found when EC2 describes %s, without asking further', async (_, subnets) => {
    const { ec2, calls } = recordingEc2({});
    const path = input({ subnets: ['subnet-0a', 'subnet-0b'] });

    expect(await inspectNetworkPath(ec2, path, { subnets, securityGroups: [] })).toEqual({
      wayOut: false,
      findings: 'subnets subnet-0a, subnet-0b were not found',
    });
    expect(calls).toEqual([]);
  });

  it("reads the route tables and endpoints of the first subnet's VPC", async () => {
    const { ec2, calls } = recordingEc2({ describeRouteTables: {}, describeVpcEndpoints: {} });

    await inspectNetworkPath(ec2, input(), {
      subnets: [
        { SubnetId: 'subnet-0a', VpcId: VPC },
        { SubnetId: 'subnet-0b', VpcId: 'vpc-0other' },
      ],
      securityGroups: [],
    });

    expect(calls).toEqual([
      { method: 'describeRouteTables', input: { Filters: [{ Name: 'vpc-id', Values: [VPC] }] } },
      { method: 'describeVpcEndpoints', input: { Filters: [{ Name: 'vpc-id', Values: [VPC] }] } },
    ]);
  });

  it.each([
    ['a NAT gateway', { NatGatewayId: 'nat-0123' }, 'nat-0123'],
    ['an instance (EC2 names its ENI too)', { InstanceId: 'i-0123', NetworkInterfaceId: 'eni-0123' }, 'i-0123'],
    ['a network interface', { NetworkInterfaceId: 'eni-0123' }, 'eni-0123'],
    ['a transit gateway', { TransitGatewayId: 'tgw-0123' }, 'tgw-0123'],
    ['a virtual private gateway', { GatewayId: 'vgw-0123' }, 'vgw-0123'],
    ['a peering connection', { VpcPeeringConnectionId: 'pcx-0123' }, 'pcx-0123'],
  ])('finds a way out through %s', async (_, target, exit) => {
    expect(await inspect([table('rtb-0main', 'main', [defaultRoute(target)])], [])).toEqual({
      wayOut: true,
      findings: `Network: the subnets route 0.0.0.0/0 via ${exit}.${CHECK}`,
    });
  });

  it('uses the explicitly associated route table, else the main one, and names each way out once', async () => {
    const tables = [
      table('rtb-0public', ['subnet-0pub'], [defaultRoute({ GatewayId: 'igw-0abc' })]),
      table('rtb-0private', ['subnet-0x', 'subnet-0a'], [defaultRoute({ NatGatewayId: 'nat-0a' })]),
      {
        ...table('rtb-0main', 'main', [defaultRoute({ NatGatewayId: 'nat-0main' })]),
        Associations: [
          { Main: false, SubnetId: 'subnet-0y', RouteTableId: 'rtb-0main' },
          { Main: true, RouteTableId: 'rtb-0main' },
        ],
      },
    ];

    expect(await inspect(tables, [], { subnets: ['subnet-0a', 'subnet-0b', 'subnet-0c'] })).toEqual({
      wayOut: true,
      findings: `Network: the subnets route 0.0.0.0/0 via nat-0a, nat-0main.${CHECK}`,
    });
  });

  it('ignores a blackhole default route (its NAT gateway was deleted)', async () => {
    const tables = [table('rtb-0main', 'main', [defaultRoute({ NatGatewayId: 'nat-0gone', State: 'blackhole' })])];

    expect(await inspect(tables, [])).toEqual({
      wayOut: false,
      findings:
        'Network: subnet-0a (route table rtb-0main) has no 0.0.0.0/0 route to a NAT gateway, and VPC vpc-0abc has no' +
        ` endpoint for ecr.api, ecr.dkr, s3, logs${ADD}${OR_PUBLIC_IP}.`,
    });
  });

  it('says "route table none" when the VPC has no route table for the subnet', async () => {
    const { ec2 } = recordingEc2({ describeRouteTables: {}, describeVpcEndpoints: {} });

    expect(await inspectNetworkPath(ec2, input(), described())).toEqual({
      wayOut: false,
      findings:
        'Network: subnet-0a (route table none) has no 0.0.0.0/0 route to a NAT gateway, and VPC vpc-0abc has no' +
        ` endpoint for ecr.api, ecr.dkr, s3, logs${ADD}${OR_PUBLIC_IP}.`,
    });
  });

  it('reads route tables that EC2 lists without associations or routes as having none', async () => {
    const tables: RouteTable[] = [
      { RouteTableId: 'rtb-0spare', VpcId: VPC },
      { RouteTableId: 'rtb-0main', VpcId: VPC, Associations: [{ Main: true, RouteTableId: 'rtb-0main' }] },
    ];

    expect(await inspect(tables, [])).toEqual({
      wayOut: false,
      findings:
        'Network: subnet-0a (route table rtb-0main) has no 0.0.0.0/0 route to a NAT gateway, and VPC vpc-0abc has no' +
        ` endpoint for ecr.api, ecr.dkr, s3, logs${ADD}${OR_PUBLIC_IP}.`,
    });
  });

  it('says an internet gateway does not help a task without a public IP, and lists every blocked subnet', async () => {
    const tables = [
      table('rtb-0public', ['subnet-0a'], [defaultRoute({ GatewayId: 'igw-0abc' })]),
      table('rtb-0main', 'main', []),
    ];

    expect(await inspect(tables, [endpoint('s3')], { subnets: ['subnet-0a', 'subnet-0b'] })).toEqual({
      wayOut: false,
      findings:
        'Network: subnet-0a (route table rtb-0public) routes 0.0.0.0/0 to internet gateway igw-0abc, which a task' +
        ' without a public IP cannot use; subnet-0b (route table rtb-0main) has no 0.0.0.0/0 route to a NAT gateway,' +
        ` and VPC vpc-0abc has no endpoint for ecr.api, ecr.dkr, logs${ADD}${OR_PUBLIC_IP}.`,
    });
  });

  it('finds a way out through an internet gateway for a task with a public IP', async () => {
    const tables = [table('rtb-0public', 'main', [defaultRoute({ GatewayId: 'igw-0abc' })])];

    expect(await inspect(tables, [], { publicIp: true })).toEqual({
      wayOut: true,
      findings: `Network: the subnets route 0.0.0.0/0 via igw-0abc.${CHECK}`,
    });
  });

  it('does not suggest a public IP to a task that has one', async () => {
    expect(await inspect([table('rtb-0main', 'main', [])], [], { publicIp: true })).toEqual({
      wayOut: false,
      findings:
        'Network: subnet-0a (route table rtb-0main) has no 0.0.0.0/0 route to a NAT gateway, and VPC vpc-0abc has no' +
        ` endpoint for ecr.api, ecr.dkr, s3, logs${ADD}.`,
    });
  });

  it('names only the blocked subnets when another subnet has a way out', async () => {
    const tables = [
      table('rtb-0nat', ['subnet-0a'], [defaultRoute({ NatGatewayId: 'nat-0123' })]),
      table('rtb-0main', 'main', []),
    ];

    expect(await inspect(tables, ALL_ENDPOINTS.slice(0, 3), { subnets: ['subnet-0a', 'subnet-0b'] })).toEqual({
      wayOut: false,
      findings:
        'Network: subnet-0b (route table rtb-0main) has no 0.0.0.0/0 route to a NAT gateway, and VPC vpc-0abc has no' +
        ` endpoint for logs${ADD}${OR_PUBLIC_IP}.`,
    });
  });

  it.each([
    [false, ALL_ENDPOINTS, 'ecr.api, ecr.dkr, s3, logs'],
    [true, [...ALL_ENDPOINTS, endpoint('secretsmanager')], 'ecr.api, ecr.dkr, s3, logs, secretsmanager'],
  ])('finds a way out through VPC endpoints (secrets: %s)', async (usesSecrets, endpoints, services) => {
    const others = [endpoint('sts'), { VpcEndpointId: 'vpce-0noname', VpcId: VPC }];

    expect(await inspect([table('rtb-0main', 'main', [])], [...others, ...endpoints], { usesSecrets })).toEqual({
      wayOut: true,
      findings: `Network: the VPC has endpoints for ${services}.${CHECK}`,
    });
  });

  it('needs a Secrets Manager endpoint only for a task that uses secrets', async () => {
    expect(await inspect([table('rtb-0main', 'main', [])], ALL_ENDPOINTS, { usesSecrets: true })).toEqual({
      wayOut: false,
      findings:
        'Network: subnet-0a (route table rtb-0main) has no 0.0.0.0/0 route to a NAT gateway, and VPC vpc-0abc has no' +
        ` endpoint for secretsmanager${ADD}${OR_PUBLIC_IP}.`,
    });
  });

  describe('outbound TCP 443 in the security groups', () => {
    const viaNat = [table('rtb-0main', 'main', [defaultRoute({ NatGatewayId: 'nat-0123' })])];
    const tcp = (FromPort: number | undefined, ToPort: number | undefined): IpPermission => ({
      IpProtocol: 'tcp',
      ...(FromPort === undefined ? {} : { FromPort }),
      ...(ToPort === undefined ? {} : { ToPort }),
      IpRanges: [{ CidrIp: '0.0.0.0/0' }],
    });
    const udp: IpPermission = { IpProtocol: 'udp', FromPort: 0, ToPort: 65535, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };

    it.each([
      ['all traffic (-1)', [ALL_TRAFFIC]],
      ['TCP 443 alone', [tcp(443, 443)]],
      ['every TCP port', [tcp(0, 65535)]],
      ['TCP up to 443 with no FromPort', [tcp(undefined, 443)]],
      ['TCP from 443 with no ToPort', [tcp(443, undefined)]],
      ['TCP with no ports', [tcp(undefined, undefined)]],
      ['TCP 443 after TCP 80', [tcp(80, 80), tcp(443, 443)]],
    ])('allows %s', async (_, egress) => {
      expect(await inspect(viaNat, [], {}, [group('sg-01', egress)])).toEqual({
        wayOut: true,
        findings: `Network: the subnets route 0.0.0.0/0 via nat-0123.${CHECK}`,
      });
    });

    it.each([
      ['no rules', []],
      ['no egress list', undefined],
      ['TCP 80', [tcp(80, 80)]],
      ['TCP 442', [tcp(442, 442)]],
      ['TCP 444 to 8443', [tcp(444, 8443)]],
      ['TCP up to 442 with no FromPort', [tcp(undefined, 442)]],
      ['TCP from 444 with no ToPort', [tcp(444, undefined)]],
      ['every UDP port', [udp]],
    ])('finds no outbound TCP 443 in %s, and so no way out', async (_, egress) => {
      expect(await inspect(viaNat, [], {}, [group('sg-01', egress)])).toEqual({
        wayOut: false,
        findings: `Network: the subnets route 0.0.0.0/0 via nat-0123.${NO_443}`,
      });
    });

    it('is enough in one of the security groups', async () => {
      const groups = [group('sg-01', []), group('sg-02', [tcp(443, 443)])];

      expect(await inspect(viaNat, [], { securityGroups: ['sg-01', 'sg-02'] }, groups)).toEqual({
        wayOut: true,
        findings: `Network: the subnets route 0.0.0.0/0 via nat-0123.${CHECK}`,
      });
    });

    it('names every security group when none allows it', async () => {
      const groups = [group('sg-01', [tcp(80, 80)]), group('sg-02', [udp])];

      expect(await inspect(viaNat, [], { securityGroups: ['sg-01', 'sg-02'] }, groups)).toEqual({
        wayOut: false,
        findings:
          'Network: the subnets route 0.0.0.0/0 via nat-0123. Security groups sg-01, sg-02 allow no outbound TCP 443,' +
          ' which pulling images needs.',
      });
    });

    it('says nothing of security groups when the configuration names none', async () => {
      expect(await inspect(viaNat, [], { securityGroups: [] }, [])).toEqual({
        wayOut: true,
        findings: `Network: the subnets route 0.0.0.0/0 via nat-0123.${CHECK}`,
      });
    });

    it('adds the finding to a way out through endpoints', async () => {
      expect(await inspect([table('rtb-0main', 'main', [])], ALL_ENDPOINTS, {}, [group('sg-01', [])])).toEqual({
        wayOut: false,
        findings: `Network: the VPC has endpoints for ecr.api, ecr.dkr, s3, logs.${NO_443}`,
      });
    });

    it('adds the finding to a blocked path', async () => {
      expect(await inspect([table('rtb-0main', 'main', [])], [], {}, [group('sg-01', [])])).toEqual({
        wayOut: false,
        findings:
          'Network: subnet-0a (route table rtb-0main) has no 0.0.0.0/0 route to a NAT gateway, and VPC vpc-0abc has' +
          ` no endpoint for ecr.api, ecr.dkr, s3, logs${ADD}${OR_PUBLIC_IP}.${NO_443}`,
      });
    });
  });
});
