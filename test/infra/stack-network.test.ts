import { dependsOn, getAtt, properties, ref, resource, resourcesOfType } from './cfn-yaml';
import {
  stack,
  parameter,
  FARGATE,
  HTTPS,
  under,
  type Direction,
  type Rule,
  rulesOf,
  anywhere,
  group,
} from './stack-templates';

describe('stack.yml security groups', () => {
  it.each<[string, Direction, Rule[]]>([
    ['ApplicationSecurityGroup', 'ingress', [group('tcp', 8000, 'LoadBalancerSecurityGroup')]],
    [
      'ApplicationSecurityGroup',
      'egress',
      [anywhere('udp', 53), anywhere('tcp', 443), group('tcp', 3306, 'DatabaseSecurityGroup')],
    ],
    ['LoadBalancerSecurityGroup', 'ingress', [anywhere('tcp', 80)]],
    ['LoadBalancerSecurityGroup', 'egress', [group('tcp', 8000, 'ApplicationSecurityGroup')]],
    ['DatabaseSecurityGroup', 'ingress', [group('tcp', 3306, 'ApplicationSecurityGroup')]],
    ['DatabaseSecurityGroup', 'egress', [{ protocol: '-1', ports: 'all', peer: '127.0.0.1/32' }]],
    ['ContainerInstanceSecurityGroup', 'ingress', []],
    ['ContainerInstanceSecurityGroup', 'egress', [anywhere('udp', 53), anywhere('tcp', 443)]],
  ])('%s allows exactly this %s', (name, direction, expected) => {
    expect(rulesOf(name, direction)).toEqual(expected);
  });

  it('opens HTTPS on the load balancer only when there is a certificate', () => {
    expect(rulesOf('LoadBalancerSecurityGroup', 'ingress', HTTPS)).toEqual([anywhere('tcp', 80), anywhere('tcp', 443)]);
  });

  it('every group lists its egress inline, which removes the allow-all egress rule a new group gets', () => {
    for (const [name, found] of resourcesOfType(stack, 'AWS::EC2::SecurityGroup')) {
      expect([name, Array.isArray(found.Properties?.SecurityGroupEgress)]).toEqual([name, true]);
    }
  });
});

describe('stack.yml network', () => {
  it('puts the two private subnets in the two given availability zones (not Fn::GetAZs, whose order may change)', () => {
    const a = properties(stack, 'PrivateSubnetA', 'AWS::EC2::Subnet');
    const b = properties(stack, 'PrivateSubnetB', 'AWS::EC2::Subnet');
    expect(a).toMatchObject({ VpcId: ref('VpcId'), CidrBlock: ref('PrivateSubnetACidr'), MapPublicIpOnLaunch: false });
    expect(b).toMatchObject({ VpcId: ref('VpcId'), CidrBlock: ref('PrivateSubnetBCidr'), MapPublicIpOnLaunch: false });
    expect(a.AvailabilityZone).toEqual({ 'Fn::Select': [0, ref('AvailabilityZones')] });
    expect(b.AvailabilityZone).toEqual({ 'Fn::Select': [1, ref('AvailabilityZones')] });
    expect(parameter(stack, 'AvailabilityZones').Type).toBe('List<AWS::EC2::AvailabilityZone::Name>');
    expect(JSON.stringify(stack.Resources)).not.toContain('Fn::GetAZs');
  });

  it('refuses, before creating anything, public subnets outside those zones or outside the VPC', () => {
    const rule = stack.Rules?.SubnetsInTheAvailabilityZones;
    const publicZones = { 'Fn::ValueOf': ['PublicSubnets', 'AvailabilityZone'] };
    expect(rule?.Assertions?.map((assertion) => assertion.Assert)).toEqual([
      { 'Fn::EachMemberIn': [publicZones, ref('AvailabilityZones')] },
      { 'Fn::EachMemberIn': [ref('AvailabilityZones'), publicZones] },
      { 'Fn::EachMemberEquals': [{ 'Fn::ValueOf': ['PublicSubnets', 'VpcId'] }, ref('VpcId')] },
    ]);
    expect(rule?.RuleCondition).toBeUndefined();
  });

  it.each([
    ['one NAT gateway for both subnets', false, ['NatGatewayA', 'NatGatewayA']],
    ['a NAT gateway in each zone', true, ['NatGatewayA', 'NatGatewayB']],
  ])('routes each private subnet to the internet through %s, and only through it', (_name, perAz, gateways) => {
    const conditions = { ...FARGATE, NatGatewayInEachAz: perAz };
    const routes = resourcesOfType(stack, 'AWS::EC2::Route').map(([, route]) => under(conditions, route.Properties));
    expect(routes).toEqual([
      {
        RouteTableId: ref('PrivateRouteTableA'),
        DestinationCidrBlock: '0.0.0.0/0',
        NatGatewayId: ref(gateways[0] as string),
      },
      {
        RouteTableId: ref('PrivateRouteTableB'),
        DestinationCidrBlock: '0.0.0.0/0',
        NatGatewayId: ref(gateways[1] as string),
      },
    ]);
    const associations = resourcesOfType(stack, 'AWS::EC2::SubnetRouteTableAssociation').map(
      ([, association]) => association.Properties,
    );
    expect(associations).toEqual([
      { SubnetId: ref('PrivateSubnetA'), RouteTableId: ref('PrivateRouteTableA') },
      { SubnetId: ref('PrivateSubnetB'), RouteTableId: ref('PrivateRouteTableB') },
    ]);
  });

  it('puts each NAT gateway, with an elastic IP address, in the public subnet of its zone; the second only on request', () => {
    for (const [gateway, index] of [
      ['NatGatewayA', 0],
      ['NatGatewayB', 1],
    ] as const) {
      expect(properties(stack, gateway, 'AWS::EC2::NatGateway')).toEqual({
        AllocationId: getAtt(`${gateway}Address`, 'AllocationId'),
        SubnetId: { 'Fn::Select': [index, ref('PublicSubnets')] },
      });
      expect(properties(stack, `${gateway}Address`, 'AWS::EC2::EIP')).toEqual({ Domain: 'vpc' });
    }
    expect(resource(stack, 'NatGatewayB', 'AWS::EC2::NatGateway').Condition).toBe('NatGatewayInEachAz');
    expect(resource(stack, 'NatGatewayBAddress', 'AWS::EC2::EIP').Condition).toBe('NatGatewayInEachAz');
    expect(parameter(stack, 'NatGatewayPerAz')).toMatchObject({ Default: 'false', AllowedValues: ['true', 'false'] });
    expect(stack.Conditions?.NatGatewayInEachAz).toEqual({ 'Fn::Equals': [ref('NatGatewayPerAz'), 'true'] });
    expect(parameter(stack, 'PublicSubnets').Type).toBe('List<AWS::EC2::Subnet::Id>');
  });
});

describe('stack.yml load balancer', () => {
  it('is internet-facing in the public subnets', () => {
    expect(properties(stack, 'LoadBalancer', 'AWS::ElasticLoadBalancingV2::LoadBalancer')).toMatchObject({
      Scheme: 'internet-facing',
      Subnets: ref('PublicSubnets'),
      SecurityGroups: [ref('LoadBalancerSecurityGroup')],
    });
  });

  it('sends port 80 to a target group of task IP addresses on port 8000 when there is no certificate', () => {
    expect(properties(stack, 'ApplicationTargetGroup', 'AWS::ElasticLoadBalancingV2::TargetGroup')).toMatchObject({
      TargetType: 'ip',
      Protocol: 'HTTP',
      Port: 8000,
      VpcId: ref('VpcId'),
      HealthCheckPath: expect.stringMatching(/^\//),
    });
    expect(under(FARGATE, properties(stack, 'HttpListener', 'AWS::ElasticLoadBalancingV2::Listener'))).toMatchObject({
      LoadBalancerArn: ref('LoadBalancer'),
      Port: 80,
      DefaultActions: [{ Type: 'forward', TargetGroupArn: ref('ApplicationTargetGroup') }],
    });
  });

  it('with a certificate, serves HTTPS on port 443 and redirects port 80 to it', () => {
    expect(parameter(stack, 'CertificateArn').Default).toBe('');
    expect(stack.Conditions?.UseHttps).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [ref('CertificateArn'), ''] }] });
    expect(under(HTTPS, properties(stack, 'HttpListener', 'AWS::ElasticLoadBalancingV2::Listener'))).toMatchObject({
      Port: 80,
      DefaultActions: [
        { Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } },
      ],
    });
    const https = resource(stack, 'HttpsListener', 'AWS::ElasticLoadBalancingV2::Listener');
    expect(https.Condition).toBe('UseHttps');
    expect(https.Properties).toMatchObject({
      LoadBalancerArn: ref('LoadBalancer'),
      Protocol: 'HTTPS',
      Port: 443,
      Certificates: [{ CertificateArn: ref('CertificateArn') }],
      DefaultActions: [{ Type: 'forward', TargetGroupArn: ref('ApplicationTargetGroup') }],
    });
  });

  it('makes the service wait for the listener that forwards to its target group, with or without a certificate', () => {
    const handle = resource(stack, 'TargetGroupListener', 'AWS::CloudFormation::WaitConditionHandle');
    expect(under(FARGATE, handle.Metadata)).toEqual({ Listener: ref('HttpListener') });
    expect(under(HTTPS, handle.Metadata)).toEqual({ Listener: ref('HttpsListener') });
    expect(dependsOn(resource(stack, 'ApplicationService', 'AWS::ECS::Service'))).toContain('TargetGroupListener');
  });
});
