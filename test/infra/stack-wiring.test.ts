import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  dependsOn,
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
  AwsvpcConfiguration: { Subnets: PRIVATE_SUBNETS, SecurityGroups: [ref('ApplicationSecurityGroup')], AssignPublicIp: 'DISABLED' },
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

// --- Security group rules, inline or separate, in one comparable shape -------------------------------------------

type Direction = 'ingress' | 'egress';
interface Rule {
  protocol: string;
  ports: string;
  peer: unknown;
}

const PEER_KEYS = ['CidrIp', 'CidrIpv6', 'SourceSecurityGroupId', 'DestinationSecurityGroupId', 'SourcePrefixListId', 'DestinationPrefixListId'];

function toRule(raw: Record<string, unknown>): Rule {
  const peers = PEER_KEYS.filter((key) => raw[key] !== undefined);
  if (peers.length !== 1) throw new Error(`a rule needs exactly one peer: ${JSON.stringify(raw)}`);
  const protocol = String(raw.IpProtocol);
  const ports = raw.FromPort === undefined ? 'all' : `${String(raw.FromPort)}-${String(raw.ToPort)}`;
  return { protocol, ports, peer: raw[peers[0] as string] };
}

function rulesOf(group: string, direction: Direction): Rule[] {
  const inlineKey = direction === 'ingress' ? 'SecurityGroupIngress' : 'SecurityGroupEgress';
  const separateType = direction === 'ingress' ? 'AWS::EC2::SecurityGroupIngress' : 'AWS::EC2::SecurityGroupEgress';
  const inline = properties(stack, group, 'AWS::EC2::SecurityGroup')[inlineKey];
  const separate = resourcesOfType(stack, separateType)
    .map(([, rule]) => rule.Properties ?? {})
    .filter((rule) => JSON.stringify(rule.GroupId) === JSON.stringify(ref(group)));
  return [...(inline === undefined ? [] : records(inline)), ...separate].map(toRule);
}

const anywhere = (protocol: string, port: number): Rule => ({ protocol, ports: `${port}-${port}`, peer: '0.0.0.0/0' });
const group = (protocol: string, port: number, peer: string): Rule => ({ protocol, ports: `${port}-${port}`, peer: ref(peer) });

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

  it('every group lists its egress inline, which removes the allow-all egress rule a new group gets', () => {
    for (const [name, found] of resourcesOfType(stack, 'AWS::EC2::SecurityGroup')) {
      expect([name, Array.isArray(found.Properties?.SecurityGroupEgress)]).toEqual([name, true]);
    }
  });
});

describe('stack.yml network', () => {
  it('puts two private subnets in two availability zones, with the given CIDR blocks', () => {
    const a = properties(stack, 'PrivateSubnetA', 'AWS::EC2::Subnet');
    const b = properties(stack, 'PrivateSubnetB', 'AWS::EC2::Subnet');
    expect(a).toMatchObject({ VpcId: ref('VpcId'), CidrBlock: ref('PrivateSubnetACidr'), MapPublicIpOnLaunch: false });
    expect(b).toMatchObject({ VpcId: ref('VpcId'), CidrBlock: ref('PrivateSubnetBCidr'), MapPublicIpOnLaunch: false });
    expect(a.AvailabilityZone).toEqual({ 'Fn::Select': [0, { 'Fn::GetAZs': '' }] });
    expect(b.AvailabilityZone).toEqual({ 'Fn::Select': [1, { 'Fn::GetAZs': '' }] });
  });

  it('routes the private subnets to the internet through the NAT gateway, and only through it', () => {
    const routes = resourcesOfType(stack, 'AWS::EC2::Route').map(([, route]) => route.Properties);
    expect(routes).toEqual([{ RouteTableId: ref('PrivateRouteTable'), DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: ref('NatGateway') }]);
    const associations = resourcesOfType(stack, 'AWS::EC2::SubnetRouteTableAssociation').map(([, association]) => association.Properties);
    expect(associations).toEqual(PRIVATE_SUBNETS.map((subnet) => ({ SubnetId: subnet, RouteTableId: ref('PrivateRouteTable') })));
  });

  it('puts the NAT gateway, with an elastic IP address, in the first public subnet', () => {
    expect(properties(stack, 'NatGateway', 'AWS::EC2::NatGateway')).toEqual({
      AllocationId: getAtt('NatGatewayAddress', 'AllocationId'),
      SubnetId: { 'Fn::Select': [0, ref('PublicSubnets')] },
    });
    expect(properties(stack, 'NatGatewayAddress', 'AWS::EC2::EIP')).toEqual({ Domain: 'vpc' });
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

  it('sends port 80 to a target group of task IP addresses on port 8000', () => {
    expect(properties(stack, 'ApplicationTargetGroup', 'AWS::ElasticLoadBalancingV2::TargetGroup')).toMatchObject({
      TargetType: 'ip',
      Protocol: 'HTTP',
      Port: 8000,
      VpcId: ref('VpcId'),
      HealthCheckPath: expect.stringMatching(/^\//),
    });
    expect(properties(stack, 'HttpListener', 'AWS::ElasticLoadBalancingV2::Listener')).toMatchObject({
      LoadBalancerArn: ref('LoadBalancer'),
      Port: 80,
      DefaultActions: [{ Type: 'forward', TargetGroupArn: ref('ApplicationTargetGroup') }],
    });
  });
});

describe('stack.yml tasks', () => {
  const taskDefinitions = resourcesOfType(stack, 'AWS::ECS::TaskDefinition');
  const containersOf = (logicalId: string) => records(properties(stack, logicalId, 'AWS::ECS::TaskDefinition').ContainerDefinitions);

  it('has the application and the migration task definitions', () => {
    expect(taskDefinitions.map(([name]) => name).sort()).toEqual(['ApplicationTaskDefinition', 'MigrateTaskDefinition']);
  });

  it.each(taskDefinitions)('%s uses task networking, for the chosen launch type, with task-level CPU and memory', (_name, found) => {
    expect(found.Properties).toMatchObject({
      NetworkMode: 'awsvpc',
      RequiresCompatibilities: [ref('LaunchType')],
      Cpu: expect.any(String),
      Memory: expect.any(String),
      ExecutionRoleArn: getAtt('TaskExecutionRole', 'Arn'),
    });
  });

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

  it.each(taskDefinitions)('%s tells the containers where the database is, and reads its password from a secret', (name) => {
    for (const container of containersOf(name)) {
      expect(records(container.Environment)).toContainEqual({ Name: 'MYSQL_HOST', Value: getAtt('Database', 'Endpoint.Address') });
      expect(records(container.Secrets)).toContainEqual({ Name: 'MYSQL_PASSWORD', ValueFrom: ref('DatabasePasswordSecret') });
      expect(JSON.stringify(container.Environment)).not.toContain('DatabasePassword"');
    }
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

    it('runs the application task definition in the private subnets, with the chosen launch type and no public IP', () => {
      expect(props).toMatchObject({
        Cluster: ref('Cluster'),
        TaskDefinition: ref('ApplicationTaskDefinition'),
        LaunchType: ref('LaunchType'),
        NetworkConfiguration: TASK_NETWORK,
      });
    });

    it('registers a container of its task definition, by port 8000, with the target group', () => {
      const [target] = records(props.LoadBalancers);
      expect(target).toEqual({ ContainerName: 'todobackend', ContainerPort: 8000, TargetGroupArn: ref('ApplicationTargetGroup') });
      const container = containersOf('ApplicationTaskDefinition').find((candidate) => candidate.Name === target?.ContainerName);
      expect(records(container?.PortMappings)).toContainEqual(expect.objectContaining({ ContainerPort: 8000 }));
    });

    it('rolls out only after the migration succeeded and the listener exists', () => {
      expect(dependsOn(service)).toEqual(expect.arrayContaining(['MigrateTask', 'HttpListener']));
    });
  });
});

describe('stack.yml MigrateTask', () => {
  const migrate = resource(stack, 'MigrateTask', 'Custom::ECSTaskRunner');
  const props = migrate.Properties ?? {};

  it('runs the migrate task definition through the nested runner, networked like the service', () => {
    expect(props).toMatchObject({
      ServiceToken: getAtt('TaskRunner', 'Outputs.ServiceToken'),
      Cluster: ref('Cluster'),
      TaskDefinition: ref('MigrateTaskDefinition'),
      LaunchType: ref('LaunchType'),
      NetworkConfiguration: TASK_NETWORK,
      Timeout: 600,
    });
  });

  it('overrides the command of a container the migrate task definition has', () => {
    expect(props.Overrides).toEqual({ ContainerOverrides: [{ Name: 'migrate', Command: ['python3', 'manage.py', 'migrate', '--no-input'] }] });
    const names = records(properties(stack, 'MigrateTaskDefinition', 'AWS::ECS::TaskDefinition').ContainerDefinitions).map((c) => c.Name);
    expect(names).toContain('migrate');
  });

  it('runs again for a new image tag', () => {
    expect(props.Triggers).toEqual([ref('ApplicationImageTag')]);
  });

  it('gives the runner time to answer before CloudFormation gives up on it', () => {
    expect(Number(props.ServiceTimeout)).toBeGreaterThan(Number(props.Timeout));
  });

  it('starts only once its task can reach the internet, the database and (on EC2) a container instance', () => {
    expect(dependsOn(migrate)).toEqual(
      expect.arrayContaining(['PrivateDefaultRoute', 'PrivateSubnetARouteTable', 'PrivateSubnetBRouteTable', 'ApplicationToDatabase', 'ContainerCapacity']),
    );
    expect(resource(stack, 'ContainerCapacity', 'AWS::CloudFormation::WaitConditionHandle').Metadata).toEqual({
      ContainerInstances: { 'Fn::If': ['UseEc2', ref('ContainerInstances'), ''] },
    });
  });

  it('passes only properties the runner accepts, in the form it accepts them', async () => {
    const { parseRunnerProperties } = await import('../../src/properties/runner-properties');
    for (const launchType of ['FARGATE', 'EC2']) {
      const delivered = asCloudFormationDelivers(props, {
        'TaskRunner.Outputs.ServiceToken': 'arn:aws:lambda:us-east-1:123456789012:function:todobackend-task-runner',
        Cluster: 'todobackend-Cluster-AbCdEf',
        MigrateTaskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/todobackend-migrate:1',
        LaunchType: launchType,
        PrivateSubnetA: 'subnet-0123456789abcdef0',
        PrivateSubnetB: 'subnet-0123456789abcdef1',
        ApplicationSecurityGroup: 'sg-0123456789abcdef0',
        ApplicationImageTag: '1.2.3',
      });
      expect(parseRunnerProperties(delivered)).toMatchObject({ ok: true });
    }
  });

  it('is read only through attributes the runner returns', async () => {
    const { DATA_KEYS } = await import('../../src/lifecycle/task-attributes');
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

/** Resolves Ref and GetAtt from `values`, and turns every scalar into a string, as CloudFormation does. */
function asCloudFormationDelivers(value: unknown, values: Record<string, string>): Record<string, unknown> {
  const resolve = (item: unknown): unknown => {
    if (Array.isArray(item)) return item.map(resolve);
    if (isRecord(item)) {
      const name = typeof item.Ref === 'string' ? item.Ref : Array.isArray(item['Fn::GetAtt']) ? item['Fn::GetAtt'].join('.') : undefined;
      if (name !== undefined) {
        const resolved = values[name];
        if (resolved === undefined) throw new Error(`no value for ${name}`);
        return resolved;
      }
      return Object.fromEntries(Object.entries(item).map(([key, inner]) => [key, resolve(inner)]));
    }
    return String(item);
  };
  return record(resolve(value));
}

describe('stack.yml database', () => {
  it('keeps a snapshot when it is deleted or replaced', () => {
    expect(resource(stack, 'Database', 'AWS::RDS::DBInstance')).toMatchObject({ DeletionPolicy: 'Snapshot', UpdateReplacePolicy: 'Snapshot' });
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

  it('takes its password from a NoEcho parameter, through the secret the tasks read', () => {
    expect(parameter(stack, 'DatabasePassword').NoEcho).toBe(true);
    expect(properties(stack, 'DatabasePasswordSecret', 'AWS::SecretsManager::Secret').SecretString).toEqual(ref('DatabasePassword'));
    expect(properties(stack, 'Database', 'AWS::RDS::DBInstance').MasterUserPassword).toEqual({
      'Fn::Sub': '{{resolve:secretsmanager:${DatabasePasswordSecret}}}',
    });
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
    const data = record(properties(stack, 'ContainerInstanceLaunchTemplate', 'AWS::EC2::LaunchTemplate').LaunchTemplateData);
    expect(data.ImageId).toEqual(ref('EcsAmiId'));
    expect(data.InstanceType).toEqual(ref('InstanceType'));
    expect(properties(stack, 'ContainerInstanceRole', 'AWS::IAM::Role').ManagedPolicyArns).toEqual([
      { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role' },
    ]);
  });

  it('join the cluster and signal the auto scaling group once registered', () => {
    const data = record(properties(stack, 'ContainerInstanceLaunchTemplate', 'AWS::EC2::LaunchTemplate').LaunchTemplateData);
    const script = String(record(record(data.UserData)['Fn::Base64'])['Fn::Sub']);
    expect(script).toContain('ECS_CLUSTER=${Cluster}');
    expect(script).toContain('--resource ContainerInstances ');
    const group = resource(stack, 'ContainerInstances', 'AWS::AutoScaling::AutoScalingGroup');
    expect(group.CreationPolicy).toEqual({ ResourceSignal: { Count: ref('ClusterSize'), Timeout: expect.any(String) } });
  });

  it('sit in the private subnets, once these route to the NAT gateway', () => {
    const group = resource(stack, 'ContainerInstances', 'AWS::AutoScaling::AutoScalingGroup');
    expect(group.Properties?.VPCZoneIdentifier).toEqual(PRIVATE_SUBNETS);
    expect(dependsOn(group)).toEqual(expect.arrayContaining(['PrivateDefaultRoute', 'PrivateSubnetARouteTable', 'PrivateSubnetBRouteTable']));
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
});

describe('task-runner.yml function', () => {
  const fn = properties(runner, 'Function', 'AWS::Lambda::Function');

  it('runs the bundle that `npm run build` writes, on Node.js 22', () => {
    expect(fn).toMatchObject({ Runtime: 'nodejs22.x', Handler: 'index.handler', Timeout: 900, Role: getAtt('Role', 'Arn') });
    expect(path.relative(path.resolve(INFRA_DIR, '..'), path.resolve(INFRA_DIR, String(fn.Code)))).toBe('dist/ecs-task-runner.zip');
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
    expect(fn.FunctionName).toEqual({ 'Fn::If': ['NamedAfterStack', { 'Fn::Sub': '${AWS::StackName}-ecs-task-runner' }, ref('FunctionName')] });
  });

  it('exports its ARN as the ServiceToken', () => {
    expect(runner.Outputs?.ServiceToken).toEqual({
      Description: expect.any(String),
      Value: getAtt('Function', 'Arn'),
      Export: { Name: { 'Fn::Sub': '${AWS::StackName}-ServiceToken' } },
    });
  });
});

describe('cfn-lint suppressions', () => {
  it('are limited to W3002 (a local path that `aws cloudformation package` uploads)', () => {
    for (const template of [stack, runner]) {
      for (const [name, found] of Object.entries(template.Resources)) {
        const ignored = JSON.stringify(found.Metadata?.['cfn-lint'] ?? null);
        if (ignored !== 'null') expect([name, ignored]).toEqual([name, JSON.stringify({ config: { ignore_checks: ['W3002'] } })]);
      }
    }
  });
});
