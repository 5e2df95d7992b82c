import { parseRunnerProperties } from '../../src/properties/runner-properties';
import { DEFAULT_POLL_INTERVAL_SECONDS } from '../../src/properties/defaults';
import { fixtures } from '../support/fixtures';
import { parsed, problems } from '../support/properties';

const base = {
  ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:runner',
  Cluster: 'app',
  TaskDefinition: 'migrate',
};

describe('parseRunnerProperties', () => {
  it('reads the fixture CloudFormation sends, coercing its strings', () => {
    const properties = parsed(fixtures.create().ResourceProperties);
    expect(properties).toMatchObject({
      cluster: 'todobackend-cluster',
      taskDefinition: 'todobackend-migrate',
      launchType: 'FARGATE',
      timeoutSeconds: 600,
      network: {
        subnets: ['subnet-0a1b2c3d4e5f60718', 'subnet-0f1e2d3c4b5a69788'],
        securityGroups: ['sg-0123456789abcdef0'],
        assignPublicIp: 'DISABLED',
      },
    });
  });

  it('applies the documented defaults', () => {
    expect(parsed(base)).toEqual({
      cluster: 'app',
      taskDefinition: 'migrate',
      count: 1,
      pollIntervalSeconds: DEFAULT_POLL_INTERVAL_SECONDS,
      logLines: 10,
      runOnUpdate: true,
      rerunOn: 'AnyChange',
      runOnRollback: false,
      stopOnDelete: true,
      startRetries: 0,
      ifRunning: 'Wait',
    });
  });

  it('coerces numbers and booleans given as strings (and accepts them typed)', () => {
    const properties = parsed({
      ...base,
      Count: '3',
      PollInterval: '1.5',
      LogLines: '0',
      ServiceTimeout: '900',
      RunOnUpdate: 'false',
      RerunOn: 'taskchange',
      RunOnRollback: 'TRUE',
      StopOnDelete: false,
      EnableExecuteCommand: 'true',
      EnableECSManagedTags: 'false',
    });
    expect(properties).toMatchObject({
      count: 3,
      pollIntervalSeconds: 1.5,
      logLines: 0,
      serviceTimeoutSeconds: 900,
      runOnUpdate: false,
      rerunOn: 'TaskChange',
      runOnRollback: true,
      stopOnDelete: false,
      enableExecuteCommand: true,
      enableEcsManagedTags: false,
    });
  });

  it('suggests the property meant by a typo', () => {
    expect(
      problems(parseRunnerProperties({ ...base, SecurityGroup: ['sg-1'], cluster: 'x', TaskDefinitions: 'y' })),
    ).toEqual([
      'SecurityGroup: unknown property — did you mean SecurityGroups?',
      'cluster: unknown property — did you mean Cluster?',
      'TaskDefinitions: unknown property — did you mean TaskDefinition?',
    ]);
  });

  it('reports every problem at once, each naming the property', () => {
    const found = problems(
      parseRunnerProperties({
        ServiceToken: 'x',
        Count: '0',
        Timeout: '4000',
        PollInterval: 'fast',
        RunOnUpdate: 'yes',
        StartedBy: 'my runner!',
        LaunchType: 'LAMBDA',
        PropagateTags: 'SERVICE',
      }),
    );
    expect(found).toEqual([
      'Cluster: is required',
      'TaskDefinition: is required',
      'LaunchType: "LAMBDA" is not one of EC2, FARGATE, EXTERNAL',
      'Count: "0" is not a whole number from 1 to 10 (RunTask starts at most 10 tasks at once)',
      'Timeout: "4000" is not a whole number from 1 to 3600 seconds',
      'PollInterval: "fast" is not a number from 1 to 300 seconds',
      'RunOnUpdate: "yes" is not true or false',
      'StartedBy: "my runner!" must be 1 to 128 letters, digits, hyphens, slashes or underscores',
      'PropagateTags: "SERVICE" is not one of TASK_DEFINITION, NONE',
    ]);
  });

  describe('network configuration', () => {
    it('takes the shorthand form', () => {
      expect(
        parsed({ ...base, Subnets: ['subnet-0a'], SecurityGroups: ['sg-0b'], AssignPublicIp: 'ENABLED' }).network,
      ).toEqual({
        subnets: ['subnet-0a'],
        securityGroups: ['sg-0b'],
        assignPublicIp: 'ENABLED',
      });
    });

    it('refuses both forms together', () => {
      expect(
        problems(
          parseRunnerProperties({
            ...base,
            Subnets: ['subnet-0a'],
            NetworkConfiguration: { AwsvpcConfiguration: { Subnets: ['subnet-0a'] } },
          }),
        ),
      ).toEqual([
        'NetworkConfiguration: given together with Subnets; use either NetworkConfiguration.AwsvpcConfiguration or the top-level shorthand, not both',
      ]);
    });

    it('checks IDs, counts and nested names', () => {
      expect(
        problems(
          parseRunnerProperties({
            ...base,
            NetworkConfiguration: {
              AwsvpcConfiguration: {
                Subnets: ['10.0.1.0/24'],
                SecurityGroups: ['sg-1', 'sg-2', 'sg-3', 'sg-4', 'sg-5', 'sg-6'],
                AssignPublicIP: 'ENABLED',
              },
            },
          }),
        ),
      ).toEqual([
        'NetworkConfiguration.AwsvpcConfiguration.AssignPublicIP: unknown property — did you mean AssignPublicIp?',
        'NetworkConfiguration.AwsvpcConfiguration.Subnets[0]: "10.0.1.0/24" is not a subnet ID (subnet-…)',
        'NetworkConfiguration.AwsvpcConfiguration.SecurityGroups: has 6 entries; 0 to 5 are allowed',
      ]);
      expect(problems(parseRunnerProperties({ ...base, Subnets: [] }))).toEqual([
        'Subnets: has 0 entries; 1 to 16 are allowed',
      ]);
      expect(problems(parseRunnerProperties({ ...base, SecurityGroups: ['sg-1'] }))).toEqual([
        'Subnets: is required for task networking: list 1 to 16 subnet IDs of one VPC',
      ]);
    });

    it('allows a public IP and a platform version only on Fargate', () => {
      expect(
        problems(
          parseRunnerProperties({
            ...base,
            LaunchType: 'EC2',
            Subnets: ['subnet-1'],
            AssignPublicIp: 'ENABLED',
            PlatformVersion: 'LATEST',
          }),
        ),
      ).toEqual([
        'AssignPublicIp: ENABLED works only with Fargate: awsvpc tasks on EC2 never get a public IP — use DISABLED and a NAT gateway, or LaunchType FARGATE',
        'PlatformVersion: applies only to Fargate; remove it or use LaunchType FARGATE',
      ]);
      expect(
        parseRunnerProperties({
          ...base,
          CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE_SPOT', Weight: '1' }],
          Subnets: ['subnet-1'],
          AssignPublicIp: 'ENABLED',
        }).kind,
      ).toBe('valid');
    });
  });

  it('refuses LaunchType together with CapacityProviderStrategy and reads the strategy', () => {
    expect(
      problems(
        parseRunnerProperties({
          ...base,
          LaunchType: 'EC2',
          CapacityProviderStrategy: [{ CapacityProvider: 'cp', Weight: '1' }],
        }),
      ),
    ).toEqual([
      'LaunchType: given together with CapacityProviderStrategy; RunTask takes one or the other (neither uses the cluster default)',
    ]);
    expect(
      parsed({ ...base, CapacityProviderStrategy: [{ CapacityProvider: 'cp', Weight: '2', Base: '1' }] })
        .capacityProviderStrategy,
    ).toEqual([{ capacityProvider: 'cp', weight: 2, base: 1 }]);
  });

  describe('Overrides', () => {
    it('maps PascalCase to the ECS API and coerces numbers', () => {
      expect(
        parsed({
          ...base,
          Overrides: {
            Cpu: '512',
            Memory: '1024',
            TaskRoleArn: 'arn:aws:iam::123456789012:role/migrate',
            ContainerOverrides: [
              {
                Name: 'migrate',
                Command: ['migrate'],
                Memory: '512',
                MemoryReservation: '256',
                Cpu: '128',
                Environment: [{ Name: 'A', Value: '' }],
              },
            ],
          },
        }).overrides,
      ).toEqual({
        cpu: '512',
        memory: '1024',
        taskRoleArn: 'arn:aws:iam::123456789012:role/migrate',
        containerOverrides: [
          {
            name: 'migrate',
            command: ['migrate'],
            memory: 512,
            memoryReservation: 256,
            cpu: 128,
            environment: [{ name: 'A', value: '' }],
          },
        ],
      });
    });

    it('accepts the camelCase keys older task-runner templates used', () => {
      expect(
        parsed({
          ...base,
          Overrides: {
            containerOverrides: [{ name: 'migrate', command: ['migrate'], environment: [{ name: 'A', value: 'b' }] }],
          },
        }).overrides,
      ).toEqual({
        containerOverrides: [{ name: 'migrate', command: ['migrate'], environment: [{ name: 'A', value: 'b' }] }],
      });
    });

    it('names unknown keys, keys given twice, and a container named twice', () => {
      expect(
        problems(
          parseRunnerProperties({
            ...base,
            Overrides: {
              ContainerOverrides: [
                { Name: 'a', name: 'a', Commands: ['x'] },
                { Name: 'a', Memory: 'lots' },
              ],
            },
          }),
        ),
      ).toEqual([
        'Overrides.ContainerOverrides[0].Name: is given twice (as Name and name); keep one',
        'Overrides.ContainerOverrides[0].Commands: unknown property — did you mean Command?',
        'Overrides.ContainerOverrides[1].Memory: "lots" is not a whole number from 6 to 1048576 MiB',
        'Overrides.ContainerOverrides: overrides container a more than once',
      ]);
    });

    it('refuses overrides longer than RunTask accepts', () => {
      const result = parseRunnerProperties({
        ...base,
        Overrides: { ContainerOverrides: [{ Name: 'migrate', Command: ['x'.repeat(9000)] }] },
      });
      expect(problems(result)).toEqual([
        expect.stringMatching(/^Overrides: is 90\d\d characters as sent to RunTask; ECS accepts at most 8192/),
      ]);
    });
  });

  it('validates tags', () => {
    expect(parsed({ ...base, Tags: [{ Key: 'team', Value: 'data' }] }).tags).toEqual([{ key: 'team', value: 'data' }]);
    expect(problems(parseRunnerProperties({ ...base, Tags: [{ Key: 'aws:x', Value: '1' }, { Value: '2' }] }))).toEqual([
      'Tags[0].Key: "aws:x" uses the reserved prefix aws:',
      'Tags[1].Key: is required',
    ]);
  });

  it('ignores Triggers, whatever their shape', () => {
    expect(parseRunnerProperties({ ...base, Triggers: { Image: 'repo:1.2.3', Nested: ['a'] } }).kind).toBe('valid');
  });
});

describe('values a user meets in practice', () => {
  it('accepts a container command that repeats an argument', () => {
    const result = parseRunnerProperties({
      ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:runner',
      Cluster: 'app',
      TaskDefinition: 'app-migrate',
      Overrides: { ContainerOverrides: [{ Name: 'migrate', Command: ['migrate', '--from', '1', '--to', '1'] }] },
    });
    expect(result).toMatchObject({
      kind: 'valid',
      properties: {
        overrides: { containerOverrides: [{ name: 'migrate', command: ['migrate', '--from', '1', '--to', '1'] }] },
      },
    });
  });

  it('refuses a memberOf placement constraint whose Expression is empty', () => {
    const result = parseRunnerProperties({
      ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:runner',
      Cluster: 'app',
      TaskDefinition: 'app-migrate',
      LaunchType: 'EC2',
      PlacementConstraints: [{ Type: 'memberOf', Expression: '' }],
    });
    expect(result.kind).toBe('invalid');
    expect(result.kind === 'valid' ? [] : result.problems).toEqual([
      expect.stringMatching(/^PlacementConstraints\[0\]\.Expression: is required for memberOf/),
    ]);
  });
});
