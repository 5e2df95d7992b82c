import { dependsOn, evaluate, isRecord, loadTemplate, properties, ref, resource } from './cfn-yaml';

/**
 * What a first real deployment of infra/stack.yml meets: a first create that must be able to roll back, capacity
 * the capacity provider owns from the start, TLS to the database, and parameters that only a new stack can change.
 */
const stack = loadTemplate('stack.yml');

const FARGATE = { UseEc2: false, UseHttps: false, NatGatewayInEachAz: false, WriteAccessLogs: false };
const EC2 = { ...FARGATE, UseEc2: true };
const LOGGED = { ...FARGATE, WriteAccessLogs: true };

/** A value as CloudFormation sees it under these conditions, references left as they are. */
function under(conditions: Record<string, boolean>, value: unknown): unknown {
  const keepReferences = new Proxy({}, { has: () => true, get: (_target, name) => ({ Ref: String(name) }) });
  return evaluate(value, { values: keepReferences, conditions });
}

function parameter(name: string): Record<string, unknown> {
  const found = stack.Parameters?.[name];
  if (!found) throw new Error(`no parameter ${name}`);
  return found;
}

function list(value: unknown): Record<string, unknown>[] {
  if (!Array.isArray(value) || !value.every(isRecord)) throw new Error(`expected a list of maps: ${String(value)}`);
  return value;
}

describe('stack.yml first deployment', () => {
  it('lets a failed first create delete the database it made, and still keeps a final snapshot', () => {
    // RDS refuses to delete a protected database: the rollback of a failed create would end in ROLLBACK_FAILED.
    expect(parameter('DatabaseDeletionProtection')).toMatchObject({
      Default: 'false',
      AllowedValues: ['true', 'false'],
    });
    expect(String(parameter('DatabaseDeletionProtection').Description)).toMatch(/first deployment.*then turn it on/s);
    expect(properties(stack, 'Database', 'AWS::RDS::DBInstance').DeletionProtection).toEqual(
      ref('DatabaseDeletionProtection'),
    );
    expect(resource(stack, 'Database', 'AWS::RDS::DBInstance').DeletionPolicy).toBe('Snapshot');
  });

  it('runs on Fargate unless told otherwise', () => {
    expect(parameter('LaunchType')).toMatchObject({ Default: 'FARGATE', AllowedValues: ['FARGATE', 'EC2'] });
  });
});

describe('stack.yml container capacity (LaunchType EC2)', () => {
  const group = resource(stack, 'ContainerInstances', 'AWS::AutoScaling::AutoScalingGroup');
  const provider = properties(stack, 'CapacityProvider', 'AWS::ECS::CapacityProvider');

  it('starts with an empty group, so that no instance registers before the capacity provider manages the group', () => {
    expect(group.Properties).toMatchObject({ MinSize: '0', MaxSize: ref('ClusterMaxSize') });
    expect(group.Properties).not.toHaveProperty('DesiredCapacity');
    expect(stack.Parameters).not.toHaveProperty('ClusterSize');
    expect(parameter('ClusterMaxSize').MinValue).toBeGreaterThanOrEqual(1);
  });

  it('waits for no instance signal, on create or on a rolling update', () => {
    expect(group).not.toHaveProperty('CreationPolicy');
    expect(group.UpdatePolicy).toEqual({
      AutoScalingRollingUpdate: {
        MinInstancesInService: 1,
        MaxBatchSize: 1,
        WaitOnResourceSignals: false,
        PauseTime: 'PT5M',
      },
    });
    const data = properties(stack, 'ContainerInstanceLaunchTemplate', 'AWS::EC2::LaunchTemplate').LaunchTemplateData;
    expect(JSON.stringify(data)).not.toMatch(/cfn-signal|aws-cfn-bootstrap/);
  });

  it('tags every instance AmazonECSManaged from its launch, as ECS tags the group', () => {
    expect(list(group.Properties?.Tags)).toContainEqual({
      Key: 'AmazonECSManaged',
      Value: '',
      PropagateAtLaunch: true,
    });
  });

  it('lets managed scaling launch what the tasks need, without scale-in protection it would have to lift', () => {
    expect(provider.AutoScalingGroupProvider).toMatchObject({
      AutoScalingGroupArn: ref('ContainerInstances'),
      ManagedScaling: { Status: 'ENABLED', TargetCapacity: 100 },
      ManagedTerminationProtection: 'DISABLED',
    });
    // Managed termination protection would need NewInstancesProtectedFromScaleIn; both stay off together.
    expect(group.Properties).not.toHaveProperty('NewInstancesProtectedFromScaleIn');
  });

  it('starts the migration and the service only once the cluster uses the capacity provider', () => {
    const handle = resource(stack, 'ContainerCapacity', 'AWS::CloudFormation::WaitConditionHandle');
    expect(under(EC2, handle.Metadata)).toMatchObject({ CapacityProviders: ref('ClusterCapacityProviders') });
    for (const [name, type] of [
      ['MigrateTask', 'Custom::ECSTaskRunner'],
      ['ApplicationService', 'AWS::ECS::Service'],
    ] as const)
      expect(dependsOn(resource(stack, name, type))).toContain('ContainerCapacity');
  });

  it('gives the migration time for a scale-out from zero on EC2, and starts it again if it fails to start', () => {
    const migrate = properties(stack, 'MigrateTask', 'Custom::ECSTaskRunner');
    expect(under(EC2, migrate.Timeout)).toBe(1500);
    expect(under(FARGATE, migrate.Timeout)).toBe(600);
    expect(under(EC2, migrate.ServiceTimeout)).toBe(1800);
    expect(migrate.StartRetries).toBe(2);
  });

  it('names the capacity provider after the stack ID, so that a stack created again under its name never collides', () => {
    const nameFor = (uuid: string) =>
      String(
        evaluate(provider.Name, {
          values: { 'AWS::StackId': `arn:aws:cloudformation:eu-west-1:123456789012:stack/ecs-demo/${uuid}` },
        }),
      );
    const first = nameFor('0d3c6a40-1f2e-11ef-9a3b-0a1b2c3d4e5f');
    expect(first).toBe('cp-0d3c6a40-1f2e-11ef-9a3b-0a1b2c3d4e5f');
    expect(nameFor('7e6d5c4b-3a29-48f7-a6b5-c4d3e2f1a0b9')).not.toBe(first);
    // ECS refuses a capacity provider name that begins with aws, ecs or fargate.
    expect(first).not.toMatch(/^(aws|ecs|fargate)/i);
  });
});

describe('stack.yml security', () => {
  it('makes the database refuse connections without TLS, in the parameter group family of its engine version', () => {
    const group = properties(stack, 'DatabaseParameterGroup', 'AWS::RDS::DBParameterGroup');
    expect(group.Parameters).toEqual({ require_secure_transport: '1' });
    expect(properties(stack, 'Database', 'AWS::RDS::DBInstance').DBParameterGroupName).toEqual(
      ref('DatabaseParameterGroup'),
    );
    const major = String(group.Family).replace(/^mysql/, '');
    const version = parameter('DatabaseEngineVersion');
    expect(String(version.Default).startsWith(major)).toBe(true);
    expect(String(version.AllowedPattern)).toBe(`^${major.replace('.', '\\.')}(\\.\\d+)?$`);
  });

  it('drops invalid header fields at the load balancer', () => {
    const attributes = list(
      properties(stack, 'LoadBalancer', 'AWS::ElasticLoadBalancingV2::LoadBalancer').LoadBalancerAttributes,
    );
    expect(under(FARGATE, attributes)).toContainEqual({
      Key: 'routing.http.drop_invalid_header_fields.enabled',
      Value: 'true',
    });
  });

  it('writes access logs only when given a bucket, and grants nothing on the bucket itself', () => {
    const attributes = properties(
      stack,
      'LoadBalancer',
      'AWS::ElasticLoadBalancingV2::LoadBalancer',
    ).LoadBalancerAttributes;
    expect(parameter('AccessLogsBucket').Default).toBe('');
    expect(stack.Conditions?.WriteAccessLogs).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [ref('AccessLogsBucket'), ''] }] });
    const off = list(under(FARGATE, attributes));
    expect(off).toContainEqual({ Key: 'access_logs.s3.enabled', Value: 'false' });
    expect(off.map((attribute) => attribute.Key)).not.toContain('access_logs.s3.bucket');
    expect(list(under(LOGGED, attributes))).toEqual(
      expect.arrayContaining([
        { Key: 'access_logs.s3.enabled', Value: 'true' },
        { Key: 'access_logs.s3.bucket', Value: ref('AccessLogsBucket') },
        { Key: 'access_logs.s3.prefix', Value: ref('AWS::StackName') },
      ]),
    );
    const bucketPolicies = Object.values(stack.Resources).filter((found) => found.Type === 'AWS::S3::BucketPolicy');
    expect(bucketPolicies).toEqual([]);
    const pattern = new RegExp(String(parameter('AccessLogsBucket').AllowedPattern));
    expect(['', 'todobackend-logs-eu-west-1'].every((name) => pattern.test(name))).toBe(true);
    expect(['Todo', 's3://todobackend-logs', 'todobackend/logs'].some((name) => pattern.test(name))).toBe(false);
  });
});

describe('stack.yml parameters fixed at creation', () => {
  it.each(['VpcId', 'AvailabilityZones', 'PrivateSubnetACidr', 'PrivateSubnetBCidr', 'LaunchType'])(
    '%s says so in its description',
    (name) => {
      expect(String(parameter(name).Description)).toMatch(/Fixed at creation/);
    },
  );

  it('refuses two private subnets with the same block, which the rules can check before anything is created', () => {
    expect(stack.Rules?.DistinctPrivateSubnets).toEqual({
      Assertions: [
        {
          Assert: { 'Fn::Not': [{ 'Fn::Equals': [ref('PrivateSubnetACidr'), ref('PrivateSubnetBCidr')] }] },
          AssertDescription: expect.stringMatching(/PrivateSubnetACidr and PrivateSubnetBCidr/),
        },
      ],
    });
  });
});
