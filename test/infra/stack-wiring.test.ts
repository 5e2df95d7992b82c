import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  dependsOn,
  evaluate,
  getAtt,
  INFRA_DIR,
  isRecord,
  loadTemplate,
  properties,
  ref,
  resource,
  resourcesOfType,
  type Template,
} from './cfn-yaml';

const stack = loadTemplate('stack.yml');
const runner = loadTemplate('task-runner.yml');

const PRIVATE_SUBNETS = [ref('PrivateSubnetA'), ref('PrivateSubnetB')];
const TASK_NETWORK = {
  AwsvpcConfiguration: {
    Subnets: PRIVATE_SUBNETS,
    SecurityGroups: [ref('ApplicationSecurityGroup')],
    AssignPublicIp: 'DISABLED',
  },
};

function records(value: unknown): Record<string, unknown>[] {
  if (!Array.isArray(value)) throw new Error(`expected a list, got ${JSON.stringify(value)}`);
  return value.map((item: unknown) => {
    if (!isRecord(item)) throw new Error(`expected a map, got ${JSON.stringify(item)}`);
    return item;
  });
}

function record(value: unknown): Record<string, unknown> {
  if (!isRecord(value)) throw new Error(`expected a map, got ${JSON.stringify(value)}`);
  return value;
}

function parameter(template: Template, name: string): Record<string, unknown> {
  const found = template.Parameters?.[name];
  if (!found) throw new Error(`no parameter ${name}`);
  return found;
}

/** The template's conditions for each launch type, with and without the optional parts. */
const FARGATE = { UseEc2: false, UseHttps: false, NatGatewayInEachAz: false };
const EC2 = { UseEc2: true, UseHttps: false, NatGatewayInEachAz: false };
const HTTPS = { ...FARGATE, UseHttps: true };

/** A property as CloudFormation sees it under these conditions, references left as they are. */
function under(conditions: Record<string, boolean>, value: unknown): unknown {
  const keepReferences = new Proxy({}, { has: () => true, get: (_target, name) => ({ Ref: String(name) }) });
  return evaluate(value, { values: keepReferences, conditions });
}

/** The user data script of the container instances, before CloudFormation substitutes ${...}. */
function userDataScript(): string {
  const data = record(
    properties(stack, 'ContainerInstanceLaunchTemplate', 'AWS::EC2::LaunchTemplate').LaunchTemplateData,
  );
  return String(record(record(data.UserData)['Fn::Base64'])['Fn::Sub']);
}

// --- Security group rules, inline or separate, in one comparable shape -------------------------------------------

type Direction = 'ingress' | 'egress';
interface Rule {
  protocol: string;
  ports: string;
  peer: unknown;
}

const PEER_KEYS = [
  'CidrIp',
  'CidrIpv6',
  'SourceSecurityGroupId',
  'DestinationSecurityGroupId',
  'SourcePrefixListId',
  'DestinationPrefixListId',
];

function toRule(raw: Record<string, unknown>): Rule {
  const peers = PEER_KEYS.filter((key) => raw[key] !== undefined);
  if (peers.length !== 1) throw new Error(`a rule needs exactly one peer: ${JSON.stringify(raw)}`);
  const protocol = String(raw.IpProtocol);
  const ports = raw.FromPort === undefined ? 'all' : `${String(raw.FromPort)}-${String(raw.ToPort)}`;
  return { protocol, ports, peer: raw[peers[0] as string] };
}

function rulesOf(group: string, direction: Direction, conditions: Record<string, boolean> = FARGATE): Rule[] {
  const inlineKey = direction === 'ingress' ? 'SecurityGroupIngress' : 'SecurityGroupEgress';
  const separateType = direction === 'ingress' ? 'AWS::EC2::SecurityGroupIngress' : 'AWS::EC2::SecurityGroupEgress';
  const inline = under(conditions, properties(stack, group, 'AWS::EC2::SecurityGroup')[inlineKey]);
  const separate = resourcesOfType(stack, separateType)
    .map(([, rule]) => rule.Properties ?? {})
    .filter((rule) => JSON.stringify(rule.GroupId) === JSON.stringify(ref(group)));
  return [...(inline === undefined ? [] : records(inline)), ...separate].map(toRule);
}

const anywhere = (protocol: string, port: number): Rule => ({ protocol, ports: `${port}-${port}`, peer: '0.0.0.0/0' });
const group = (protocol: string, port: number, peer: string): Rule => ({
  protocol,
  ports: `${port}-${port}`,
  peer: ref(peer),
});

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

describe('stack.yml tasks', () => {
  const taskDefinitions = resourcesOfType(stack, 'AWS::ECS::TaskDefinition');
  const containersOf = (logicalId: string) =>
    records(properties(stack, logicalId, 'AWS::ECS::TaskDefinition').ContainerDefinitions);

  it('has the application and the migration task definitions', () => {
    expect(taskDefinitions.map(([name]) => name).sort()).toEqual([
      'ApplicationTaskDefinition',
      'MigrateTaskDefinition',
    ]);
  });

  it.each(taskDefinitions)(
    '%s uses task networking, for the chosen launch type, with task-level CPU and memory',
    (_name, found) => {
      expect(found.Properties).toMatchObject({
        NetworkMode: 'awsvpc',
        RequiresCompatibilities: [ref('LaunchType')],
        Cpu: expect.any(String),
        Memory: expect.any(String),
        ExecutionRoleArn: getAtt('TaskExecutionRole', 'Arn'),
      });
    },
  );

  it.each(taskDefinitions)('%s gives every container a memory limit and logs to a log group with retention', (name) => {
    for (const container of containersOf(name)) {
      expect(container.Memory).toEqual(expect.any(Number));
      const logging = record(container.LogConfiguration);
      expect(logging.LogDriver).toBe('awslogs');
      const options = record(logging.Options);
      expect(options['awslogs-group']).toEqual(ref('TaskLogGroup'));
      expect(options['awslogs-region']).toEqual(ref('AWS::Region'));
    }
    expect(properties(stack, 'TaskLogGroup', 'AWS::Logs::LogGroup').RetentionInDays).toEqual(ref('LogRetentionInDays'));
  });

  it.each(taskDefinitions)(
    '%s tells the containers where the database is, and reads its password from the secret',
    (name) => {
      for (const container of containersOf(name)) {
        expect(records(container.Environment)).toContainEqual({
          Name: 'MYSQL_HOST',
          Value: getAtt('Database', 'Endpoint.Address'),
        });
        expect(records(container.Secrets)).toContainEqual({
          Name: 'MYSQL_PASSWORD',
          ValueFrom: { 'Fn::Sub': '${DatabaseSecret}:password::' },
        });
        expect(JSON.stringify(container.Environment)).not.toMatch(/Secret|PASSWORD|SECRET_KEY/);
      }
    },
  );

  it('starts the application with a command, since the image has none, and stops it on SIGTERM', () => {
    const [app] = containersOf('ApplicationTaskDefinition');
    const command = app?.Command as string[];
    expect(command.slice(0, 3)).toEqual(['uwsgi', '--http=0.0.0.0:8000', '--module=todobackend.wsgi']);
    expect(command).toContain('--die-on-term');
    expect(records(app?.PortMappings)).toContainEqual(expect.objectContaining({ ContainerPort: 8000 }));
  });

  it("gives the application Django's SECRET_KEY from a generated secret, never a default", () => {
    const [app] = containersOf('ApplicationTaskDefinition');
    expect(records(app?.Secrets)).toContainEqual({ Name: 'SECRET_KEY', ValueFrom: ref('ApplicationSecretKey') });
    const secret = properties(stack, 'ApplicationSecretKey', 'AWS::SecretsManager::Secret');
    expect(secret).toMatchObject({ GenerateSecretString: { PasswordLength: expect.any(Number) } });
    expect(secret).not.toHaveProperty('SecretString');
  });

  it('lets the task execution role read exactly the two secrets', () => {
    const role = properties(stack, 'TaskExecutionRole', 'AWS::IAM::Role');
    expect(role.Policies).toEqual([
      {
        PolicyName: expect.any(String),
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: 'secretsmanager:GetSecretValue',
              Resource: [ref('DatabaseSecret'), ref('ApplicationSecretKey')],
            },
          ],
        },
      },
    ]);
  });

  it('runs an image tag that must be given, and refuses latest', () => {
    expect(parameter(stack, 'ApplicationImageTag')).not.toHaveProperty('Default');
    expect(stack.Rules?.ImmutableImageTag?.Assertions?.map((assertion) => assertion.Assert)).toEqual([
      { 'Fn::Not': [{ 'Fn::Equals': [ref('ApplicationImageTag'), 'latest'] }] },
    ]);
  });

  it('maps no host port other than the container port (awsvpc forbids it)', () => {
    for (const [name] of taskDefinitions) {
      for (const container of containersOf(name)) {
        for (const mapping of container.PortMappings === undefined ? [] : records(container.PortMappings)) {
          expect(mapping.HostPort ?? mapping.ContainerPort).toEqual(mapping.ContainerPort);
        }
      }
    }
  });

  describe('the service', () => {
    const service = resource(stack, 'ApplicationService', 'AWS::ECS::Service');
    const props = service.Properties ?? {};

    it('has no Role: awsvpc services use the ECS service-linked role', () => {
      expect(props).not.toHaveProperty('Role');
    });

    it('runs the application task definition in the private subnets, with no public IP', () => {
      expect(props).toMatchObject({
        Cluster: ref('Cluster'),
        TaskDefinition: ref('ApplicationTaskDefinition'),
        NetworkConfiguration: TASK_NETWORK,
      });
    });

    it('runs on Fargate, or on EC2 through the capacity provider', () => {
      expect(under(FARGATE, props)).toMatchObject({ LaunchType: 'FARGATE' });
      expect(under(FARGATE, props)).not.toHaveProperty('CapacityProviderStrategy');
      expect(under(EC2, props)).toMatchObject({
        CapacityProviderStrategy: [{ CapacityProvider: ref('CapacityProvider'), Weight: 1 }],
      });
      expect(under(EC2, props)).not.toHaveProperty('LaunchType');
    });

    it('registers a container of its task definition, by port 8000, with the target group', () => {
      const [target] = records(props.LoadBalancers);
      expect(target).toEqual({
        ContainerName: 'todobackend',
        ContainerPort: 8000,
        TargetGroupArn: ref('ApplicationTargetGroup'),
      });
      const container = containersOf('ApplicationTaskDefinition').find(
        (candidate) => candidate.Name === target?.ContainerName,
      );
      expect(records(container?.PortMappings)).toContainEqual(expect.objectContaining({ ContainerPort: 8000 }));
    });

    it('rolls out only after the migration succeeded, and once its listener and (on EC2) its capacity exist', () => {
      expect(dependsOn(service)).toEqual(
        expect.arrayContaining(['MigrateTask', 'TargetGroupListener', 'ContainerCapacity']),
      );
    });
  });
});

describe('stack.yml MigrateTask', () => {
  const migrate = resource(stack, 'MigrateTask', 'Custom::ECSTaskRunner');
  const props = migrate.Properties ?? {};

  it('runs the migrate task definition through the nested runner, networked and placed like the service', () => {
    expect(props).toMatchObject({
      ServiceToken: getAtt('TaskRunner', 'Outputs.ServiceToken'),
      Cluster: ref('Cluster'),
      TaskDefinition: ref('MigrateTaskDefinition'),
      NetworkConfiguration: TASK_NETWORK,
    });
    const service = properties(stack, 'ApplicationService', 'AWS::ECS::Service');
    for (const key of ['LaunchType', 'CapacityProviderStrategy']) expect(props[key]).toEqual(service[key]);
  });

  it('overrides the command of a container the migrate task definition has', () => {
    expect(props.Overrides).toEqual({
      ContainerOverrides: [{ Name: 'migrate', Command: ['python3', 'manage.py', 'migrate', '--no-input'] }],
    });
    const names = records(
      properties(stack, 'MigrateTaskDefinition', 'AWS::ECS::TaskDefinition').ContainerDefinitions,
    ).map((c) => c.Name);
    expect(names).toContain('migrate');
  });

  it('runs again for a new image tag', () => {
    expect(props.Triggers).toEqual([ref('ApplicationImageTag')]);
  });

  it('gives the runner time to answer before CloudFormation gives up on it', () => {
    for (const conditions of [FARGATE, EC2])
      expect(Number(under(conditions, props.ServiceTimeout))).toBeGreaterThan(Number(under(conditions, props.Timeout)));
  });

  it('starts only once its task can reach the internet, the database and (on EC2) the capacity provider', () => {
    expect(dependsOn(migrate)).toEqual(
      expect.arrayContaining([
        'PrivateDefaultRouteA',
        'PrivateDefaultRouteB',
        'PrivateSubnetARouteTable',
        'PrivateSubnetBRouteTable',
        'ApplicationToDatabase',
        'ContainerCapacity',
      ]),
    );
    const handle = resource(stack, 'ContainerCapacity', 'AWS::CloudFormation::WaitConditionHandle');
    expect(under(EC2, handle.Metadata)).toEqual({
      ContainerInstances: ref('ContainerInstances'),
      CapacityProviders: ref('ClusterCapacityProviders'),
    });
    expect(under(FARGATE, handle.Metadata)).toEqual({ ContainerInstances: '', CapacityProviders: '' });
  });

  it('passes only properties the runner accepts, in the form it accepts them', async () => {
    const { parseRunnerProperties } = await import('../../src/properties/runner-properties');
    for (const conditions of [FARGATE, EC2]) {
      const delivered = asCloudFormationDelivers(
        props,
        {
          'TaskRunner.Outputs.ServiceToken':
            'arn:aws:lambda:us-east-1:123456789012:function:task-runner-0d3c6a40-1f2e-11ef-9a3b-0a1b2c3d4e5f',
          Cluster: 'todobackend-Cluster-AbCdEf',
          MigrateTaskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/todobackend-migrate:1',
          CapacityProvider: 'todobackend-CapacityProvider-AbCdEf',
          PrivateSubnetA: 'subnet-0123456789abcdef0',
          PrivateSubnetB: 'subnet-0123456789abcdef1',
          ApplicationSecurityGroup: 'sg-0123456789abcdef0',
          ApplicationImageTag: '1.2.3',
        },
        conditions,
      );
      expect(parseRunnerProperties(delivered)).toMatchObject({ kind: 'valid' });
    }
  });

  it('is read only through attributes the runner returns', async () => {
    const { DATA_KEYS } = await import('../../src/answers/task-attributes');
    const attributes = attributesRead(stack, 'MigrateTask');
    expect(attributes).toContain('TaskArn');
    expect(attributes.filter((attribute) => !(DATA_KEYS as readonly string[]).includes(attribute))).toEqual([]);
  });
});

/** Every attribute that `template` reads from `logicalId` with Fn::GetAtt. */
function attributesRead(template: Template, logicalId: string): string[] {
  const found: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    if (!isRecord(value)) return;
    const getAtt = value['Fn::GetAtt'];
    if (Array.isArray(getAtt) && getAtt[0] === logicalId) found.push(String(getAtt[1]));
    Object.values(value).forEach(visit);
  };
  visit(template);
  return found;
}

/** Evaluates the properties with `values` and `conditions`, and turns every scalar into a string, as CloudFormation does. */
function asCloudFormationDelivers(
  value: unknown,
  values: Record<string, string>,
  conditions: Record<string, boolean>,
): Record<string, unknown> {
  const stringify = (item: unknown): unknown => {
    if (Array.isArray(item)) return item.map(stringify);
    if (isRecord(item)) return Object.fromEntries(Object.entries(item).map(([key, inner]) => [key, stringify(inner)]));
    return String(item);
  };
  return record(stringify(evaluate(value, { values, conditions })));
}

describe('stack.yml database', () => {
  const database = properties(stack, 'Database', 'AWS::RDS::DBInstance');

  it('keeps a snapshot when it is deleted or replaced, and a week of backups', () => {
    expect(resource(stack, 'Database', 'AWS::RDS::DBInstance')).toMatchObject({
      DeletionPolicy: 'Snapshot',
      UpdateReplacePolicy: 'Snapshot',
    });
    expect(database.BackupRetentionPeriod).toBe(7);
  });

  it('runs MySQL 8.4 and no other major version', () => {
    expect(database.EngineVersion).toEqual(ref('DatabaseEngineVersion'));
    const version = parameter(stack, 'DatabaseEngineVersion');
    const pattern = new RegExp(String(version.AllowedPattern));
    expect(version.Default).toBe('8.4');
    expect(['8.4', '8.4.7'].map((candidate) => pattern.test(candidate))).toEqual([true, true]);
    expect(['8.0', '8.0.42', '9.7', '8.40'].map((candidate) => pattern.test(candidate))).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it('is MySQL in the private subnets, reachable through its own security group only', () => {
    expect(properties(stack, 'Database', 'AWS::RDS::DBInstance')).toMatchObject({
      Engine: 'mysql',
      DBSubnetGroupName: ref('DatabaseSubnetGroup'),
      VPCSecurityGroups: [ref('DatabaseSecurityGroup')],
      PubliclyAccessible: false,
    });
    expect(properties(stack, 'DatabaseSubnetGroup', 'AWS::RDS::DBSubnetGroup').SubnetIds).toEqual(PRIVATE_SUBNETS);
  });

  it('takes its master credentials from a generated secret that no parameter can change, as the tasks do', () => {
    expect(Object.values(stack.Parameters ?? {}).filter((candidate) => candidate.NoEcho === true)).toEqual([]);
    const secret = properties(stack, 'DatabaseSecret', 'AWS::SecretsManager::Secret');
    expect(secret).not.toHaveProperty('SecretString');
    expect(secret.GenerateSecretString).toMatchObject({
      SecretStringTemplate: '{"username": "todo"}',
      GenerateStringKey: 'password',
    });
    const excluded = String(record(secret.GenerateSecretString).ExcludeCharacters);
    for (const character of ['/', '@', '"', ' ']) expect(excluded).toContain(character);
    expect(database.MasterUsername).toEqual({
      'Fn::Sub': '{{resolve:secretsmanager:${DatabaseSecret}:SecretString:username}}',
    });
    expect(database.MasterUserPassword).toEqual({
      'Fn::Sub': '{{resolve:secretsmanager:${DatabaseSecret}:SecretString:password}}',
    });
    expect(database).not.toHaveProperty('ManageMasterUserPassword');
    expect(properties(stack, 'DatabaseSecretAttachment', 'AWS::SecretsManager::SecretTargetAttachment')).toEqual({
      SecretId: ref('DatabaseSecret'),
      TargetId: ref('Database'),
      TargetType: 'AWS::RDS::DBInstance',
    });
  });
});

describe('stack.yml data and logs', () => {
  it.each([
    ['AWS::RDS::DBInstance', 'Snapshot'],
    ['AWS::SecretsManager::Secret', 'Delete'],
    ['AWS::Logs::LogGroup', 'Delete'],
  ])('every %s says what happens to it on delete and on replacement (%s)', (type, policy) => {
    const found = [stack, runner].flatMap((template) => resourcesOfType(template, type));
    expect(found.length).toBeGreaterThan(0);
    for (const [name, candidate] of found)
      expect([name, candidate.DeletionPolicy, candidate.UpdateReplacePolicy]).toEqual([name, policy, policy]);
  });
});

describe('stack.yml container instances (LaunchType EC2)', () => {
  const ec2Only = [
    ['ContainerInstanceSecurityGroup', 'AWS::EC2::SecurityGroup'],
    ['ContainerInstanceRole', 'AWS::IAM::Role'],
    ['ContainerInstanceProfile', 'AWS::IAM::InstanceProfile'],
    ['ContainerInstanceLaunchTemplate', 'AWS::EC2::LaunchTemplate'],
    ['ContainerInstances', 'AWS::AutoScaling::AutoScalingGroup'],
  ] as const;

  it('exist only when LaunchType is EC2', () => {
    expect(stack.Conditions?.UseEc2).toEqual({ 'Fn::Equals': [ref('LaunchType'), 'EC2'] });
    for (const [name, type] of ec2Only) expect([name, resource(stack, name, type).Condition]).toEqual([name, 'UseEc2']);
  });

  it('run the ECS-optimized Amazon Linux 2023 AMI with the ECS instance role', () => {
    expect(parameter(stack, 'EcsAmiId')).toMatchObject({
      Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>',
      Default: '/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id',
    });
    const data = record(
      properties(stack, 'ContainerInstanceLaunchTemplate', 'AWS::EC2::LaunchTemplate').LaunchTemplateData,
    );
    expect(data.ImageId).toEqual(ref('EcsAmiId'));
    expect(data.InstanceType).toEqual(ref('InstanceType'));
    expect(properties(stack, 'ContainerInstanceRole', 'AWS::IAM::Role').ManagedPolicyArns).toEqual([
      { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role' },
    ]);
  });

  it("join the cluster, with the instance metadata service out of the tasks' reach", () => {
    const script = userDataScript();
    expect(script).toMatch(/^#!\/bin\/bash\n/);
    expect(script).toContain('ECS_CLUSTER=${Cluster}');
    expect(script).toContain('ECS_AWSVPC_BLOCK_IMDS=true');
  });

  it('sit in the private subnets, once these route to the NAT gateway(s)', () => {
    const group = resource(stack, 'ContainerInstances', 'AWS::AutoScaling::AutoScalingGroup');
    expect(group.Properties?.VPCZoneIdentifier).toEqual(PRIVATE_SUBNETS);
    expect(dependsOn(group)).toEqual(
      expect.arrayContaining([
        'PrivateDefaultRouteA',
        'PrivateDefaultRouteB',
        'PrivateSubnetARouteTable',
        'PrivateSubnetBRouteTable',
      ]),
    );
  });

  it('are scaled and drained by an ECS capacity provider of the cluster, without scale-in protection', () => {
    expect(properties(stack, 'CapacityProvider', 'AWS::ECS::CapacityProvider').AutoScalingGroupProvider).toEqual({
      AutoScalingGroupArn: ref('ContainerInstances'),
      ManagedScaling: { Status: 'ENABLED', TargetCapacity: 100 },
      // Protected instances would stop CloudFormation's rolling update of a new AMI; draining guards the tasks.
      ManagedTerminationProtection: 'DISABLED',
      ManagedDraining: 'ENABLED',
    });
    expect(properties(stack, 'ClusterCapacityProviders', 'AWS::ECS::ClusterCapacityProviderAssociations')).toEqual({
      Cluster: ref('Cluster'),
      CapacityProviders: [ref('CapacityProvider')],
      DefaultCapacityProviderStrategy: [{ CapacityProvider: ref('CapacityProvider'), Weight: 1 }],
    });
    for (const name of ['CapacityProvider', 'ClusterCapacityProviders'])
      expect(stack.Resources[name]?.Condition).toBe('UseEc2');
  });

  it('explain the ENI limit of awsvpc tasks in the InstanceType parameter', () => {
    const description = String(parameter(stack, 'InstanceType').Description);
    expect(description).toMatch(/ENI/);
    expect(description).toMatch(/t2\.micro \(2 ENIs\) fits one task/);
    expect(description).toMatch(/awsvpcTrunking/);
  });
});

describe('stack.yml nested task runner', () => {
  const nested = properties(stack, 'TaskRunner', 'AWS::CloudFormation::Stack');
  const passed = record(nested.Parameters);

  it('is task-runner.yml beside it, which `aws cloudformation package` uploads', () => {
    expect(nested.TemplateURL).toBe('task-runner.yml');
    expect(existsSync(path.join(INFRA_DIR, String(nested.TemplateURL)))).toBe(true);
    expect(runner.Outputs?.ServiceToken).toBeDefined();
  });

  it('may touch exactly the cluster, the roles and the log group of the tasks it runs', () => {
    expect(passed.ClusterArns).toEqual(getAtt('Cluster', 'Arn'));
    const roles = new Set<string>();
    for (const [, definition] of resourcesOfType(stack, 'AWS::ECS::TaskDefinition')) {
      for (const key of ['TaskRoleArn', 'ExecutionRoleArn']) {
        const role = definition.Properties?.[key];
        if (role !== undefined) roles.add(JSON.stringify(role));
      }
    }
    expect([JSON.stringify(passed.PassRoleArns)]).toEqual([...roles]);
    expect(passed.TaskLogGroupArns).toEqual(getAtt('TaskLogGroup', 'Arn'));
  });

  it('may run the migrate task definition family only, and describe this stack only', () => {
    const family = properties(stack, 'MigrateTaskDefinition', 'AWS::ECS::TaskDefinition').Family as {
      'Fn::Sub': string;
    };
    expect(passed.TaskDefinitionArns).toEqual({
      'Fn::Sub': `arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:task-definition/${family['Fn::Sub']}:*`,
    });
    expect(passed.StackArns).toEqual(ref('AWS::StackId'));
  });

  it('names the runner function after the stack ID, valid (48 characters) whatever the stack is called', () => {
    const stackId = `arn:aws:cloudformation:us-east-1:123456789012:stack/${'a'.repeat(128)}/0d3c6a40-1f2e-11ef-9a3b-0a1b2c3d4e5f`;
    const name = String(evaluate(passed.FunctionName, { values: { 'AWS::StackId': stackId } }));
    expect(name).toBe('task-runner-0d3c6a40-1f2e-11ef-9a3b-0a1b2c3d4e5f');
    expect(name).toMatch(new RegExp(String(parameter(runner, 'FunctionName').AllowedPattern)));
  });

  it('exports nothing, so that no importer can block deleting this stack', () => {
    expect(passed).not.toHaveProperty('ExportServiceToken');
    expect(parameter(runner, 'ExportServiceToken').Default).toBe('false');
  });

  it('is deleted and replaced with all it holds', () => {
    expect(resource(stack, 'TaskRunner', 'AWS::CloudFormation::Stack')).toMatchObject({
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
    });
  });
});

describe('task-runner.yml function', () => {
  const fn = properties(runner, 'Function', 'AWS::Lambda::Function');

  it('runs the bundle that `npm run build` writes, on Node.js 22', () => {
    expect(fn).toMatchObject({
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Timeout: 900,
      Role: getAtt('Role', 'Arn'),
    });
    expect(path.relative(path.resolve(INFRA_DIR, '..'), path.resolve(INFRA_DIR, String(fn.Code)))).toBe(
      'dist/ecs-task-runner.zip',
    );
    const build = readFileSync(path.resolve(INFRA_DIR, '../build.mjs'), 'utf8');
    expect(build).toContain("'dist/ecs-task-runner.zip'");
    // Handler index.handler: the bundle's entry point `index` is the module that exports `handler`.
    expect(build).toMatch(/entryPoints:\s*\{\s*index:\s*'handlers\/ecs-task-runner\.ts'/);
    const entry = readFileSync(path.resolve(INFRA_DIR, '../handlers/ecs-task-runner.ts'), 'utf8');
    expect(entry).toMatch(/export (async )?function handler\b|export const handler\b/);
  });

  it('logs to /aws/lambda/<its name>, kept for the given number of days (30 unless told)', () => {
    expect(fn.LoggingConfig).toEqual({ LogGroup: ref('LogGroup') });
    const logGroup = properties(runner, 'LogGroup', 'AWS::Logs::LogGroup');
    expect(logGroup.LogGroupName).toEqual({ 'Fn::Sub': ['/aws/lambda/${Name}', { Name: fn.FunctionName }] });
    expect(logGroup.RetentionInDays).toEqual(ref('LogRetentionInDays'));
    expect(parameter(runner, 'LogRetentionInDays').Default).toBe(30);
  });

  it('is named after its stack unless told otherwise', () => {
    expect(fn.FunctionName).toEqual({
      'Fn::If': ['NamedAfterStack', { 'Fn::Sub': '${AWS::StackName}-ecs-task-runner' }, ref('FunctionName')],
    });
  });

  it('gives its ARN as the ServiceToken, and exports it only when asked', () => {
    expect(runner.Outputs?.ServiceToken).toEqual({ Description: expect.any(String), Value: getAtt('Function', 'Arn') });
    expect(runner.Outputs?.ExportedServiceToken).toEqual({
      Condition: 'ExportsServiceToken',
      Description: expect.any(String),
      Value: getAtt('Function', 'Arn'),
      Export: { Name: { 'Fn::Sub': '${AWS::StackName}-ServiceToken' } },
    });
    expect(runner.Conditions?.ExportsServiceToken).toEqual({ 'Fn::Equals': [ref('ExportServiceToken'), 'true'] });
    expect(parameter(runner, 'ExportServiceToken')).toMatchObject({
      Default: 'false',
      AllowedValues: ['true', 'false'],
    });
  });

  it("turns Lambda's recursive loop detection off, so that a watch may hand off more than 16 times", () => {
    expect(fn.RecursiveLoop).toBe('Allow');
  });

  it('drops an asynchronous event older than CloudFormation can wait (an hour), and retries a failed one twice', () => {
    expect(properties(runner, 'EventInvokeConfig', 'AWS::Lambda::EventInvokeConfig')).toEqual({
      FunctionName: ref('Function'),
      Qualifier: '$LATEST',
      MaximumEventAgeInSeconds: 3600,
      MaximumRetryAttempts: 2,
    });
  });
});

describe('cfn-lint suppressions', () => {
  it('are limited to W3002 (a local path that `aws cloudformation package` uploads)', () => {
    for (const template of [stack, runner]) {
      for (const [name, found] of Object.entries(template.Resources)) {
        const ignored = JSON.stringify(found.Metadata?.['cfn-lint'] ?? null);
        if (ignored !== 'null')
          expect([name, ignored]).toEqual([name, JSON.stringify({ config: { ignore_checks: ['W3002'] } })]);
      }
    }
  });
});
