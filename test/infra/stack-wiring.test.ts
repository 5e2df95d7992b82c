import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { dependsOn, evaluate, getAtt, INFRA_DIR, properties, ref, resource, resourcesOfType } from './cfn-yaml';
import { stack, runner, PRIVATE_SUBNETS, record, parameter, userDataScript } from './stack-templates';

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
      // What it drops is kept (failed-events.test.ts).
      DestinationConfig: { OnFailure: { Destination: getAtt('FailedEvents', 'Arn') } },
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
