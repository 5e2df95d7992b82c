import { DescribeTaskDefinitionCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import { mockedAws, stubHappyPath, TASK_DEFINITION_ARN } from '../support/aws-mocks';
import { fixtures } from '../support/fixtures';
import { invokeWith } from '../support/invoke';

const aws = mockedAws();
const invoke = invokeWith(aws.ports);
const ROLE = 'arn:aws:iam::123456789012:role/ecsInfrastructureRole';
const ENV_FILE = 'arn:aws:s3:::todobackend-config/migrate/production.env';

beforeEach(() => stubHappyPath(aws));

/** A Create as CloudFormation sends it (every scalar a string), with these properties instead of the fixture's launch settings. */
function createWith(properties: Record<string, unknown>) {
  const event = fixtures.create();
  const { ServiceToken, Cluster, TaskDefinition } = event.ResourceProperties;
  event.ResourceProperties = { ServiceToken, Cluster, TaskDefinition, ...properties };
  return event;
}

function taskDefinition(extra: Record<string, unknown>) {
  aws.ecs.on(DescribeTaskDefinitionCommand).resolves({
    taskDefinition: {
      taskDefinitionArn: TASK_DEFINITION_ARN,
      containerDefinitions: [{ name: 'migrate', essential: true }],
      ...extra,
    },
  });
}

function runTaskInput() {
  return aws.ecs.commandCalls(RunTaskCommand)[0]?.args[0].input;
}

describe('RunTask receives the launch settings as the ECS API expects', () => {
  it('EC2 placement, GPUs and environment files', async () => {
    taskDefinition({ networkMode: 'bridge' });
    const { response, log } = await invoke(
      createWith({
        LaunchType: 'EC2',
        PlacementConstraints: [
          { Type: 'memberOf', Expression: 'attribute:ecs.instance-type =~ g5.*' },
          { Type: 'distinctInstance' },
        ],
        PlacementStrategy: [
          { Type: 'spread', Field: 'attribute:ecs.availability-zone' },
          { Type: 'binpack', Field: 'memory' },
        ],
        Overrides: {
          ContainerOverrides: [
            {
              Name: 'migrate',
              Environment: [{ Name: 'DB_PASSWORD', Value: 's3cr3t' }],
              ResourceRequirements: [{ Type: 'GPU', Value: '1' }],
              EnvironmentFiles: [{ Type: 's3', Value: ENV_FILE }],
            },
          ],
        },
      }),
    );

    expect(response?.Status).toBe('SUCCESS');
    const input = runTaskInput();
    expect(input?.launchType).toBe('EC2');
    expect(input?.placementConstraints).toEqual([
      { type: 'memberOf', expression: 'attribute:ecs.instance-type =~ g5.*' },
      { type: 'distinctInstance' },
    ]);
    expect(input?.placementStrategy).toEqual([
      { type: 'spread', field: 'attribute:ecs.availability-zone' },
      { type: 'binpack', field: 'memory' },
    ]);
    expect(input?.overrides).toEqual({
      containerOverrides: [
        {
          name: 'migrate',
          environment: [{ name: 'DB_PASSWORD', value: 's3cr3t' }],
          resourceRequirements: [{ type: 'GPU', value: '1' }],
          environmentFiles: [{ type: 's3', value: ENV_FILE }],
        },
      ],
    });
    // The file's ARN may be logged (it is no secret); environment values are not, and the runner never reads the file.
    expect(log.text()).toContain(ENV_FILE);
    expect(log.text()).not.toContain('s3cr3t');
  });

  it('Fargate: an EBS volume configured at launch, and more ephemeral storage', async () => {
    taskDefinition({ networkMode: 'awsvpc', volumes: [{ name: 'scratch', configuredAtLaunch: true }] });
    const { response } = await invoke(
      createWith({
        LaunchType: 'FARGATE',
        Subnets: ['subnet-0a1b2c3d4e5f60718'],
        SecurityGroups: ['sg-0123456789abcdef0'],
        Overrides: { EphemeralStorage: { SizeInGiB: '40' } },
        VolumeConfigurations: [
          {
            Name: 'scratch',
            ManagedEBSVolume: {
              RoleArn: ROLE,
              VolumeType: 'io2',
              SizeInGiB: '200',
              Iops: '3000',
              Encrypted: 'true',
              FilesystemType: 'xfs',
              TagSpecifications: [
                { ResourceType: 'volume', Tags: [{ Key: 'purpose', Value: 'migration' }], PropagateTags: 'NONE' },
              ],
              TerminationPolicy: { DeleteOnTermination: 'true' },
            },
          },
        ],
      }),
    );

    expect(response?.Status).toBe('SUCCESS');
    expect(runTaskInput()?.overrides).toEqual({ ephemeralStorage: { sizeInGiB: 40 } });
    expect(runTaskInput()?.volumeConfigurations).toEqual([
      {
        name: 'scratch',
        managedEBSVolume: {
          roleArn: ROLE,
          volumeType: 'io2',
          sizeInGiB: 200,
          iops: 3000,
          encrypted: true,
          filesystemType: 'xfs',
          tagSpecifications: [
            { resourceType: 'volume', tags: [{ key: 'purpose', value: 'migration' }], propagateTags: 'NONE' },
          ],
          terminationPolicy: { deleteOnTermination: true },
        },
      },
    ]);
  });

  it('leaves every new setting out when it is not given', async () => {
    await invoke(fixtures.create());
    const input = runTaskInput();
    for (const key of ['placementConstraints', 'placementStrategy', 'volumeConfigurations'])
      expect(input).not.toHaveProperty(key);
    expect(input?.overrides).not.toHaveProperty('ephemeralStorage');
  });
});

describe('nothing starts when the launch settings cannot work', () => {
  it('a volume the task definition does not configure at launch is refused, naming the volumes it has', async () => {
    taskDefinition({
      networkMode: 'bridge',
      volumes: [{ name: 'scratch', configuredAtLaunch: true }, { name: 'cache' }],
    });
    const volume = (name: string) => ({ Name: name, ManagedEBSVolume: { RoleArn: ROLE, SizeInGiB: '10' } });

    const { response } = await invoke(
      createWith({ LaunchType: 'EC2', VolumeConfigurations: [volume('cache'), volume('data')] }),
    );

    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toContain(
      'VolumeConfigurations[0].Name: volume "cache" of task definition todobackend-migrate:7 is not ConfiguredAtLaunch (its volumes configured at launch are "scratch") — register the task definition with ConfiguredAtLaunch: true on that volume',
    );
    expect(response?.Reason).toContain(
      'VolumeConfigurations[1].Name: task definition todobackend-migrate:7 has no volume "data"; its volumes are "scratch", "cache", and its volumes configured at launch are "scratch"',
    );
  });

  it('placement constraints of the task definition count against the 10 a task takes', async () => {
    taskDefinition({
      networkMode: 'bridge',
      placementConstraints: Array.from({ length: 8 }, () => ({ type: 'memberOf', expression: 'attribute:x == y' })),
    });

    const { response } = await invoke(
      createWith({
        LaunchType: 'EC2',
        PlacementConstraints: [
          { Type: 'distinctInstance' },
          { Type: 'distinctInstance' },
          { Type: 'distinctInstance' },
        ],
      }),
    );

    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(response?.Reason).toContain(
      'PlacementConstraints: 3 here and 8 in task definition todobackend-migrate:7 make 11; a task takes at most 10',
    );
  });

  it('an invalid setting fails the resource before anything is asked of ECS, naming the property', async () => {
    const { response } = await invoke(
      createWith({ LaunchType: 'FARGATE', PlacementStrategy: [{ Type: 'binpack', Field: 'cpu' }] }),
    );

    expect(aws.ecs).not.toHaveReceivedCommand(DescribeTaskDefinitionCommand);
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toMatch(
      /^Invalid properties: PlacementStrategy: applies to tasks on EC2 and external instances only/,
    );
  });
});
