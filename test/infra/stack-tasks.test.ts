import { dependsOn, getAtt, properties, ref, resource, resourcesOfType } from './cfn-yaml';
import {
  stack,
  TASK_NETWORK,
  records,
  record,
  parameter,
  FARGATE,
  EC2,
  under,
  attributesRead,
  asCloudFormationDelivers,
} from './stack-templates';

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
