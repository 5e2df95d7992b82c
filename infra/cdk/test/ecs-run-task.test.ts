import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App, Duration, Size, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { parseRunnerProperties } from '../../../src/properties/runner-properties';
import { scanDirectory } from '../../../test/infra/sdk-calls';
import { EcsRunTask, EcsTaskRunnerFunction, IfRunning, RESOURCE_TYPE, ResourceRequirement } from '../lib';
import { asDeployed, FAKE_ACCOUNT, FAKE_REGION } from './support/fake-deployment';
import type { SynthesizedTemplate } from './support/template-values';

interface Statement {
  Sid?: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

const VOLUME_KEY_ARN = `arn:aws:kms:${FAKE_REGION}:${FAKE_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const STACK_STATUS_ROLE_ARN = `arn:aws:iam::${FAKE_ACCOUNT}:role/read-stack-status`;

// Synthesis is slow: each stack is built and synthesized once, and its tests read the same template.

/**
 * Resources on one stack runner: one with every property set that Fargate takes (awsvpc, an EBS volume), one with
 * none (EC2, bridge), and one with what only EC2 takes (placement, GPUs).
 */
function everyPropertyStack() {
  const stack = new Stack(new App(), 'EveryProperty');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
  const group = new ec2.SecurityGroup(stack, 'TaskGroup', { vpc });
  const logGroup = new logs.LogGroup(stack, 'TaskLogs');
  const migrateDefinition = new ecs.FargateTaskDefinition(stack, 'MigrateDefinition');
  migrateDefinition.addVolume({ name: 'scratch', configuredAtLaunch: true });
  migrateDefinition
    .addContainer('migrate', {
      containerName: 'migrate',
      image: ecs.ContainerImage.fromRegistry('app:1'),
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'migrate' }),
    })
    .addMountPoints({ sourceVolume: 'scratch', containerPath: '/scratch', readOnly: false });
  const overrideRole = new iam.Role(stack, 'OverrideTaskRole', {
    assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
  });
  const infrastructureRole = new iam.Role(stack, 'EcsInfrastructureRole', {
    assumedBy: new iam.ServicePrincipal('ecs.amazonaws.com'),
    managedPolicies: [
      iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonECSInfrastructureRolePolicyForVolumes'),
    ],
  });
  const configBucket = s3.Bucket.fromBucketName(stack, 'ConfigBucket', 'todobackend-config');
  const teardownDefinition = new ecs.FargateTaskDefinition(stack, 'TeardownDefinition');
  teardownDefinition.addContainer('teardown', {
    containerName: 'teardown',
    image: ecs.ContainerImage.fromRegistry('app:1'),
    logging: ecs.LogDrivers.awsLogs({ logGroup: new logs.LogGroup(stack, 'TeardownLogs'), streamPrefix: 'teardown' }),
  });
  const teardownOverrideRole = new iam.Role(stack, 'TeardownOverrideTaskRole', {
    assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
  });
  const migrate = new EcsRunTask(stack, 'Migrate', {
    cluster,
    taskDefinition: migrateDefinition,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    securityGroups: [group],
    assignPublicIp: false,
    launchType: ecs.LaunchType.FARGATE,
    platformVersion: ecs.FargatePlatformVersion.VERSION1_4,
    count: 2,
    overrides: {
      containerOverrides: [
        {
          containerName: 'migrate',
          command: ['python3', 'manage.py', 'migrate'],
          environment: { MODE: 'strict' },
          cpu: 128,
          memoryLimitMiB: 256,
          memoryReservationMiB: 128,
          environmentFiles: [ecs.EnvironmentFile.fromBucket(configBucket, 'migrate.env')],
        },
      ],
      cpu: '512',
      memory: '1024',
      taskRole: overrideRole,
      ephemeralStorageGiB: 100,
    },
    timeout: Duration.minutes(10),
    serviceTimeout: Duration.minutes(15),
    pollInterval: Duration.millis(1500),
    logLines: 20,
    runOnUpdate: false,
    runOnRollback: true,
    stackStatusRole: iam.Role.fromRoleArn(stack, 'StackStatusRole', STACK_STATUS_ROLE_ARN),
    stopOnDelete: false,
    triggers: { ImageTag: '1.2.3' },
    startedBy: 'deploy/migrate',
    group: 'migrations',
    tags: { team: 'db' },
    propagateTags: ecs.PropagatedTagSource.TASK_DEFINITION,
    enableExecuteCommand: true,
    enableEcsManagedTags: true,
    volumeConfigurations: [
      {
        name: 'scratch',
        managedEBSVolume: {
          role: infrastructureRole,
          size: Size.gibibytes(50),
          volumeType: ec2.EbsDeviceVolumeType.GP3,
          iops: 4000,
          throughput: 250,
          encrypted: true,
          kmsKey: kms.Key.fromKeyArn(stack, 'VolumeKey', VOLUME_KEY_ARN),
          fileSystemType: ecs.FileSystemType.XFS,
          tagSpecifications: [{ tags: { team: 'db' }, propagateTags: ecs.PropagatedTagSource.TASK_DEFINITION }],
          deleteOnTermination: true,
        },
      },
    ],
    startRetries: 3,
    ifRunning: IfRunning.STOP,
    onDelete: {
      taskDefinition: teardownDefinition,
      overrides: {
        containerOverrides: [
          {
            containerName: 'teardown',
            command: ['drop-tenant'],
            environmentFiles: [ecs.EnvironmentFile.fromBucket(configBucket, 'teardown.env')],
          },
        ],
        taskRole: teardownOverrideRole,
      },
    },
    outputs: ['SchemaVersion', 'TenantId'],
  });

  const seedDefinition = new ecs.Ec2TaskDefinition(stack, 'SeedDefinition', { networkMode: ecs.NetworkMode.BRIDGE });
  seedDefinition.addContainer('seed', {
    containerName: 'seed',
    image: ecs.ContainerImage.fromRegistry('app:1'),
    memoryLimitMiB: 256,
  });
  const seed = new EcsRunTask(stack, 'Seed', {
    cluster,
    taskDefinition: seedDefinition,
    launchType: ecs.LaunchType.EC2,
  });

  const trainDefinition = new ecs.Ec2TaskDefinition(stack, 'TrainDefinition', { networkMode: ecs.NetworkMode.BRIDGE });
  trainDefinition.addContainer('train', {
    containerName: 'train',
    image: ecs.ContainerImage.fromRegistry('train:1'),
    memoryLimitMiB: 1024,
  });
  const train = new EcsRunTask(stack, 'Train', {
    cluster,
    taskDefinition: trainDefinition,
    launchType: ecs.LaunchType.EC2,
    placementConstraints: [
      ecs.PlacementConstraint.distinctInstances(),
      ecs.PlacementConstraint.memberOf('attribute:ecs.instance-type =~ g5.*'),
    ],
    placementStrategies: [
      ecs.PlacementStrategy.spreadAcross(ecs.BuiltInAttributes.AVAILABILITY_ZONE),
      ecs.PlacementStrategy.packedByMemory(),
    ],
    overrides: {
      containerOverrides: [{ containerName: 'train', resourceRequirements: [ResourceRequirement.gpus(1)] }],
    },
  });
  return {
    stack,
    migrate,
    seed,
    train,
    migrateDefinition,
    seedDefinition,
    trainDefinition,
    teardownDefinition,
    overrideRole,
    teardownOverrideRole,
    infrastructureRole,
    template: Template.fromStack(stack),
  };
}

/** A resource that takes everything from a Fargate service on capacity providers. */
function serviceStack() {
  const stack = new Stack(new App(), 'FromService');
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }],
  });
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc, enableFargateCapacityProviders: true });
  const taskDefinition = new ecs.FargateTaskDefinition(stack, 'AppDefinition');
  taskDefinition.addContainer('app', { containerName: 'app', image: ecs.ContainerImage.fromRegistry('app:1') });
  const service = new ecs.FargateService(stack, 'Service', {
    cluster,
    taskDefinition,
    assignPublicIp: true,
    platformVersion: ecs.FargatePlatformVersion.VERSION1_4,
    capacityProviderStrategies: [
      { capacityProvider: 'FARGATE_SPOT', weight: 2 },
      { capacityProvider: 'FARGATE', base: 1 },
    ],
  });
  const migrate = new EcsRunTask(stack, 'Migrate', {
    service,
    overrides: { containerOverrides: [{ containerName: 'app', command: ['migrate'] }] },
  });
  migrate.runBefore(service);
  return { stack, template: Template.fromStack(stack) };
}

/** Resources on runners deployed elsewhere, with and without their role. */
function importedRunnerStack() {
  const stack = new Stack(new App(), 'ImportedRunner');
  const cluster = ecs.Cluster.fromClusterAttributes(stack, 'Cluster', {
    clusterName: 'app',
    vpc: new ec2.Vpc(stack, 'Vpc', {
      natGateways: 0,
      maxAzs: 1,
      subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }],
    }),
  });
  const taskDefinition = new ecs.Ec2TaskDefinition(stack, 'Definition', { networkMode: ecs.NetworkMode.BRIDGE });
  taskDefinition.addContainer('job', {
    containerName: 'job',
    image: ecs.ContainerImage.fromRegistry('job:1'),
    memoryLimitMiB: 256,
  });
  const sharedArn = `arn:aws:lambda:${FAKE_REGION}:${FAKE_ACCOUNT}:function:ecs-task-runner`;
  const withRole = EcsTaskRunnerFunction.fromFunctionArn(stack, 'SharedRunner', sharedArn, {
    role: iam.Role.fromRoleArn(stack, 'SharedRunnerRole', `arn:aws:iam::${FAKE_ACCOUNT}:role/shared-runner`),
  });
  const withoutRole = EcsTaskRunnerFunction.fromFunctionArn(stack, 'ManagedRunner', `${sharedArn}-managed`);
  new EcsRunTask(stack, 'WithRole', { runner: withRole, cluster, taskDefinition });
  new EcsRunTask(stack, 'WithoutRole', { runner: withoutRole, cluster, taskDefinition });
  return { stack, template: Template.fromStack(stack) };
}

/**
 * Resources on EC2 whose log reads depend on LogLines, Outputs and OnDelete: outputs without failure quotes, a teardown
 * of the resource's own task definition, and neither.
 */
function runPolicyStack() {
  const stack = new Stack(new App(), 'RunPolicies');
  const cluster = new ecs.Cluster(stack, 'Cluster', {
    vpc: new ec2.Vpc(stack, 'Vpc', {
      natGateways: 0,
      maxAzs: 1,
      subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }],
    }),
  });
  const loggedDefinition = (id: string) => {
    const definition = new ecs.Ec2TaskDefinition(stack, `${id}Definition`, { networkMode: ecs.NetworkMode.BRIDGE });
    definition.addContainer(id, {
      containerName: id,
      image: ecs.ContainerImage.fromRegistry('app:1'),
      memoryLimitMiB: 256,
      logging: ecs.LogDrivers.awsLogs({ logGroup: new logs.LogGroup(stack, `${id}Logs`), streamPrefix: id }),
    });
    return definition;
  };
  const migrateDefinition = loggedDefinition('Migrate');
  const teardownDefinition = loggedDefinition('Teardown');
  const teardownRole = new iam.Role(stack, 'TeardownRole', {
    assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
  });
  const withOutputs = new EcsRunTask(stack, 'WithOutputs', {
    cluster,
    taskDefinition: migrateDefinition,
    logLines: 0,
    outputs: ['SchemaVersion'],
    onDelete: { taskDefinition: teardownDefinition },
  });
  const ownTeardown = new EcsRunTask(stack, 'OwnTeardown', {
    cluster,
    taskDefinition: migrateDefinition,
    onDelete: {
      overrides: { containerOverrides: [{ containerName: 'Migrate', command: ['drop'] }], taskRole: teardownRole },
    },
  });
  const quiet = new EcsRunTask(stack, 'Quiet', { cluster, taskDefinition: migrateDefinition, logLines: 0 });
  return {
    stack,
    withOutputs,
    ownTeardown,
    quiet,
    migrateDefinition,
    teardownDefinition,
    teardownRole,
    template: Template.fromStack(stack),
  };
}

const every = everyPropertyStack();
const fromService = serviceStack();
const imported = importedRunnerStack();
const runPolicies = runPolicyStack();

const logicalId = (stack: Stack, construct: { node: { defaultChild?: unknown } }): string =>
  stack.getLogicalId(construct.node.defaultChild as never);
const templateOf = (template: Template): SynthesizedTemplate => template.toJSON() as SynthesizedTemplate;

function resourceProperties(template: Template, id: string): Record<string, unknown> {
  const resource = templateOf(template).Resources[id];
  if (!resource) throw new Error(`No resource ${id}`);
  return resource.Properties ?? {};
}

function policyStatements(template: Template, id: string): Statement[] {
  return (resourceProperties(template, id).PolicyDocument as { Statement: Statement[] }).Statement;
}

const actionsOf = (statement: Statement): string[] =>
  typeof statement.Action === 'string' ? [statement.Action] : statement.Action;

describe('EcsRunTask', () => {
  const migrateId = logicalId(every.stack, every.migrate.resource);
  const seedId = logicalId(every.stack, every.seed.resource);
  const trainId = logicalId(every.stack, every.train.resource);

  it('writes each prop as the runner property of the same name', () => {
    const properties = resourceProperties(every.template, migrateId);
    expect(templateOf(every.template).Resources[migrateId]?.Type).toBe(RESOURCE_TYPE);
    expect(properties).toEqual({
      ServiceToken: { 'Fn::GetAtt': [logicalId(every.stack, EcsTaskRunnerFunction.of(every.stack).function), 'Arn'] },
      ServiceTimeout: '900',
      Cluster: { 'Fn::GetAtt': [expect.stringMatching(/^Cluster/), 'Arn'] },
      TaskDefinition: { Ref: logicalId(every.stack, every.migrateDefinition) },
      NetworkConfiguration: {
        AwsvpcConfiguration: {
          Subnets: [
            { Ref: expect.stringMatching(/^VpcPrivateSubnet1/) },
            { Ref: expect.stringMatching(/^VpcPrivateSubnet2/) },
          ],
          SecurityGroups: [{ 'Fn::GetAtt': [expect.stringMatching(/^TaskGroup/), 'GroupId'] }],
          AssignPublicIp: 'DISABLED',
        },
      },
      LaunchType: 'FARGATE',
      PlatformVersion: '1.4.0',
      Count: 2,
      Overrides: {
        ContainerOverrides: [
          {
            Name: 'migrate',
            Command: ['python3', 'manage.py', 'migrate'],
            Environment: [{ Name: 'MODE', Value: 'strict' }],
            Cpu: 128,
            Memory: 256,
            MemoryReservation: 128,
            EnvironmentFiles: [
              {
                Type: 's3',
                Value: {
                  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::todobackend-config/migrate.env']],
                },
              },
            ],
          },
        ],
        Cpu: '512',
        Memory: '1024',
        TaskRoleArn: { 'Fn::GetAtt': [logicalId(every.stack, every.overrideRole), 'Arn'] },
        EphemeralStorage: { SizeInGiB: 100 },
      },
      Timeout: 600,
      PollInterval: 1.5,
      LogLines: 20,
      RunOnUpdate: false,
      RerunOn: 'TaskChange',
      RunOnRollback: true,
      StackStatusRoleArn: STACK_STATUS_ROLE_ARN,
      StopOnDelete: false,
      Triggers: { ImageTag: '1.2.3' },
      StartedBy: 'deploy/migrate',
      Group: 'migrations',
      Tags: [{ Key: 'team', Value: 'db' }],
      PropagateTags: 'TASK_DEFINITION',
      EnableExecuteCommand: true,
      EnableECSManagedTags: true,
      VolumeConfigurations: [
        {
          Name: 'scratch',
          ManagedEBSVolume: {
            RoleArn: { 'Fn::GetAtt': [logicalId(every.stack, every.infrastructureRole), 'Arn'] },
            SizeInGiB: 50,
            VolumeType: 'gp3',
            Iops: 4000,
            Throughput: 250,
            Encrypted: true,
            KmsKeyId: VOLUME_KEY_ARN,
            FilesystemType: 'xfs',
            TagSpecifications: [
              { ResourceType: 'volume', Tags: [{ Key: 'team', Value: 'db' }], PropagateTags: 'TASK_DEFINITION' },
            ],
            TerminationPolicy: { DeleteOnTermination: true },
          },
        },
      ],
      StartRetries: 3,
      IfRunning: 'Stop',
      OnDelete: {
        TaskDefinition: { Ref: logicalId(every.stack, every.teardownDefinition) },
        Overrides: {
          ContainerOverrides: [
            {
              Name: 'teardown',
              Command: ['drop-tenant'],
              EnvironmentFiles: [
                {
                  Type: 's3',
                  Value: {
                    'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::todobackend-config/teardown.env']],
                  },
                },
              ],
            },
          ],
          TaskRoleArn: { 'Fn::GetAtt': [logicalId(every.stack, every.teardownOverrideRole), 'Arn'] },
        },
      },
      Outputs: ['SchemaVersion', 'TenantId'],
    });
  });

  it('writes placement as the ecs placement helpers render it, one entry per expression or field, and GPUs as strings', () => {
    expect(resourceProperties(every.template, trainId)).toMatchObject({
      LaunchType: 'EC2',
      PlacementConstraints: [
        { Type: 'distinctInstance' },
        { Type: 'memberOf', Expression: 'attribute:ecs.instance-type =~ g5.*' },
      ],
      PlacementStrategy: [
        { Type: 'spread', Field: 'attribute:ecs.availability-zone' },
        // As for AWS::ECS::Service: the runner's parser turns it into the API's "memory" (next tests).
        { Type: 'binpack', Field: 'MEMORY' },
      ],
      Overrides: { ContainerOverrides: [{ Name: 'train', ResourceRequirements: [{ Type: 'GPU', Value: '1' }] }] },
    });
  });

  it('writes the S3 object ARN of each environment file, and keeps two asset files of one container apart', () => {
    const directory = mkdtempSync(path.join(os.tmpdir(), 'env-files-'));
    const files = ['common.env', 'migrate.env'].map((name) => {
      writeFileSync(path.join(directory, name), `NAME=${name}\n`);
      return ecs.EnvironmentFile.fromAsset(path.join(directory, name));
    });
    const stack = new Stack(new App(), 'AssetFiles');
    const cluster = new ecs.Cluster(stack, 'Cluster', {
      vpc: new ec2.Vpc(stack, 'Vpc', {
        natGateways: 0,
        maxAzs: 1,
        subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }],
      }),
    });
    const taskDefinition = new ecs.Ec2TaskDefinition(stack, 'Definition', { networkMode: ecs.NetworkMode.BRIDGE });
    taskDefinition.addContainer('job', {
      containerName: 'job',
      image: ecs.ContainerImage.fromRegistry('job:1'),
      memoryLimitMiB: 256,
    });
    new EcsRunTask(stack, 'Job', {
      cluster,
      taskDefinition,
      overrides: { containerOverrides: [{ containerName: 'job', environmentFiles: files }] },
    });

    const values = JSON.stringify(
      (
        onlyCustomResource(Template.fromStack(stack)).Overrides as {
          ContainerOverrides: { EnvironmentFiles: unknown[] }[];
        }
      ).ContainerOverrides[0]?.EnvironmentFiles,
    );
    const keys = [...values.matchAll(/\/([0-9a-f]{64}\.env)/g)].map((match) => match[1]);
    expect(keys).toHaveLength(2);
    expect(new Set(keys).size).toBe(2);
  });

  it('writes nothing for props left out, so that the runner applies its own defaults', () => {
    expect(Object.keys(resourceProperties(every.template, seedId)).sort()).toEqual([
      'Cluster',
      'LaunchType',
      // The construct's own default (runOn: RunOn.TASK_CHANGE), not the runner's.
      'RerunOn',
      'ServiceToken',
      'TaskDefinition',
    ]);
  });

  it.each([
    ['every property', () => resourceProperties(every.template, migrateId), () => templateOf(every.template)],
    ['no optional property', () => resourceProperties(every.template, seedId), () => templateOf(every.template)],
    ['placement and GPUs on EC2', () => resourceProperties(every.template, trainId), () => templateOf(every.template)],
    [
      'the settings of a service',
      () => onlyCustomResource(fromService.template),
      () => templateOf(fromService.template),
    ],
    [
      'outputs and a teardown without log lines',
      () => resourceProperties(runPolicies.template, logicalId(runPolicies.stack, runPolicies.withOutputs.resource)),
      () => templateOf(runPolicies.template),
    ],
    [
      'a teardown of its own task definition',
      () => resourceProperties(runPolicies.template, logicalId(runPolicies.stack, runPolicies.ownTeardown.resource)),
      () => templateOf(runPolicies.template),
    ],
  ])(
    'synthesizes properties the runner’s own parser accepts, as CloudFormation delivers them (%s)',
    (_name, properties, template) => {
      const parsed = parseRunnerProperties(asDeployed(template(), properties()) as Record<string, unknown>);
      expect(parsed).toMatchObject({ kind: 'valid' });
    },
  );

  it('passes the values through the runner’s parser unchanged', () => {
    const parsed = parseRunnerProperties(
      asDeployed(templateOf(every.template), resourceProperties(every.template, migrateId)) as Record<string, unknown>,
    );
    if (parsed.kind === 'invalid') throw new Error(parsed.problems.join('; '));
    expect(parsed.properties).toMatchObject({
      cluster: expect.stringMatching(/^arn:aws:ecs:eu-west-1:123456789012:cluster\//),
      taskDefinition: expect.stringMatching(/:task-definition\/EveryPropertyMigrateDefinition[0-9A-F]+:1$/),
      network: {
        subnets: [expect.stringMatching(/^subnet-/), expect.stringMatching(/^subnet-/)],
        securityGroups: [expect.stringMatching(/^sg-/)],
        assignPublicIp: 'DISABLED',
      },
      launchType: 'FARGATE',
      platformVersion: '1.4.0',
      count: 2,
      overrides: {
        containerOverrides: [
          {
            name: 'migrate',
            command: ['python3', 'manage.py', 'migrate'],
            environment: [{ name: 'MODE', value: 'strict' }],
            cpu: 128,
            memory: 256,
            memoryReservation: 128,
            environmentFiles: [{ type: 's3', value: 'arn:aws:s3:::todobackend-config/migrate.env' }],
          },
        ],
        cpu: '512',
        memory: '1024',
        taskRoleArn: expect.stringMatching(/^arn:aws:iam::123456789012:role\/OverrideTaskRole/),
        ephemeralStorage: { sizeInGiB: 100 },
      },
      timeoutSeconds: 600,
      serviceTimeoutSeconds: 900,
      pollIntervalSeconds: 1.5,
      logLines: 20,
      runOnUpdate: false,
      runOnRollback: true,
      stopOnDelete: false,
      startedBy: 'deploy/migrate',
      group: 'migrations',
      tags: [{ key: 'team', value: 'db' }],
      propagateTags: ecs.PropagatedTagSource.TASK_DEFINITION,
      enableExecuteCommand: true,
      enableEcsManagedTags: true,
      volumeConfigurations: [
        {
          name: 'scratch',
          managedEBSVolume: {
            roleArn: expect.stringMatching(/^arn:aws:iam::123456789012:role\/EcsInfrastructureRole/),
            sizeInGiB: 50,
            volumeType: 'gp3',
            iops: 4000,
            throughput: 250,
            encrypted: true,
            kmsKeyId: VOLUME_KEY_ARN,
            filesystemType: 'xfs',
            tagSpecifications: [
              { resourceType: 'volume', tags: [{ key: 'team', value: 'db' }], propagateTags: 'TASK_DEFINITION' },
            ],
            terminationPolicy: { deleteOnTermination: true },
          },
        },
      ],
      startRetries: 3,
      ifRunning: IfRunning.STOP,
      onDelete: {
        taskDefinition: expect.stringMatching(/:task-definition\/EveryPropertyTeardownDefinition[0-9A-F]+:1$/),
        overrides: {
          containerOverrides: [
            {
              name: 'teardown',
              command: ['drop-tenant'],
              environmentFiles: [{ type: 's3', value: 'arn:aws:s3:::todobackend-config/teardown.env' }],
            },
          ],
          taskRoleArn: expect.stringMatching(/^arn:aws:iam::123456789012:role\/TeardownOverrideTaskRole/),
        },
      },
      outputs: ['SchemaVersion', 'TenantId'],
    });
  });

  it('passes placement and GPUs through the runner’s parser as RunTask takes them', () => {
    const parsed = parseRunnerProperties(
      asDeployed(templateOf(every.template), resourceProperties(every.template, trainId)) as Record<string, unknown>,
    );
    if (parsed.kind === 'invalid') throw new Error(parsed.problems.join('; '));
    expect(parsed.properties).toMatchObject({
      placementConstraints: [
        { type: 'distinctInstance' },
        { type: 'memberOf', expression: 'attribute:ecs.instance-type =~ g5.*' },
      ],
      placementStrategy: [
        { type: 'spread', field: 'attribute:ecs.availability-zone' },
        { type: 'binpack', field: 'memory' },
      ],
      overrides: { containerOverrides: [{ name: 'train', resourceRequirements: [{ type: 'GPU', value: '1' }] }] },
    });
  });

  it('reads the attributes the runner answers with', () => {
    const { migrate, stack } = every;
    const attributes = {
      taskArn: 'TaskArn',
      taskArns: 'TaskArns',
      taskId: 'TaskId',
      exitCode: 'ExitCode',
      stopCode: 'StopCode',
      stoppedReason: 'StoppedReason',
      attempts: 'Attempts',
    } as const;
    for (const [getter, attribute] of Object.entries(attributes)) {
      expect(stack.resolve(migrate[getter as keyof typeof attributes])).toEqual({
        'Fn::GetAtt': [migrateId, attribute],
      });
    }
  });

  it('reads each declared output as the attribute of its name', () => {
    expect(every.stack.resolve(every.migrate.output('SchemaVersion'))).toEqual({
      'Fn::GetAtt': [migrateId, 'SchemaVersion'],
    });
    expect(every.stack.resolve(every.migrate.output('TenantId'))).toEqual({ 'Fn::GetAtt': [migrateId, 'TenantId'] });
  });

  it('refuses an output it does not declare, naming those it does, rather than leave the Fn::GetAtt to fail on deploy', () => {
    expect(() => every.migrate.output('schemaVersion')).toThrow(
      'EveryProperty/Migrate: no output named schemaVersion (it declares SchemaVersion, TenantId); add it to `outputs`',
    );
    expect(() => every.seed.output('SchemaVersion')).toThrow(
      'EveryProperty/Seed: no output named SchemaVersion (it declares none); add it to `outputs`',
    );
  });

  it('writes a teardown of its own task definition as OnDelete with only the teardown’s overrides', () => {
    const { stack, template, ownTeardown, teardownRole } = runPolicies;
    expect(resourceProperties(template, logicalId(stack, ownTeardown.resource)).OnDelete).toEqual({
      Overrides: {
        ContainerOverrides: [{ Name: 'Migrate', Command: ['drop'] }],
        TaskRoleArn: { 'Fn::GetAtt': [logicalId(stack, teardownRole), 'Arn'] },
      },
    });
  });

  it('waits for its permissions and for the runner’s own, so that the runner may run and stop its task', () => {
    const dependsOn = (templateOf(every.template).Resources[migrateId] as { DependsOn?: string[] }).DependsOn ?? [];
    const runner = EcsTaskRunnerFunction.of(every.stack);
    expect(dependsOn).toEqual(
      expect.arrayContaining([
        logicalId(every.stack, every.migrate.policy as iam.Policy),
        logicalId(every.stack, runner.node.findChild('InvokeItself') as iam.Policy),
        logicalId(every.stack, runner.node.findChild('AsyncInvokeConfig') as lambda.EventInvokeConfig),
      ]),
    );
  });

  it('refuses to be created without a cluster and a task definition', () => {
    const stack = new Stack();
    expect(() => new EcsRunTask(stack, 'Nothing', {})).toThrow('give `service`, or `cluster` and `taskDefinition`');
  });

  it('fails synthesis when the task definition gets a container after it, which it would not have granted', () => {
    const stack = new Stack(new App(), 'Late');
    const cluster = new ecs.Cluster(stack, 'Cluster', {
      vpc: new ec2.Vpc(stack, 'Vpc', {
        natGateways: 0,
        maxAzs: 1,
        subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }],
      }),
    });
    const taskDefinition = new ecs.FargateTaskDefinition(stack, 'Definition');
    taskDefinition.addContainer('early', { image: ecs.ContainerImage.fromRegistry('app:1') });
    new EcsRunTask(stack, 'Migrate', { cluster, taskDefinition });
    taskDefinition.addContainer('late', {
      image: ecs.ContainerImage.fromRegistry('app:1'),
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'late' }),
    });
    expect(() => Template.fromStack(stack)).toThrow(
      /create the EcsRunTask after adding the task definition's containers/,
    );
  });

  it('fails synthesis when the teardown’s task definition gets a container after it, naming that task definition', () => {
    const stack = new Stack(new App(), 'LateTeardown');
    const cluster = new ecs.Cluster(stack, 'Cluster', {
      vpc: new ec2.Vpc(stack, 'Vpc', {
        natGateways: 0,
        maxAzs: 1,
        subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }],
      }),
    });
    const taskDefinition = new ecs.FargateTaskDefinition(stack, 'Definition');
    taskDefinition.addContainer('migrate', { image: ecs.ContainerImage.fromRegistry('app:1') });
    const teardownDefinition = new ecs.FargateTaskDefinition(stack, 'TeardownDefinition');
    teardownDefinition.addContainer('early', { image: ecs.ContainerImage.fromRegistry('app:1') });
    new EcsRunTask(stack, 'Migrate', { cluster, taskDefinition, onDelete: { taskDefinition: teardownDefinition } });
    teardownDefinition.addContainer('late', {
      image: ecs.ContainerImage.fromRegistry('app:1'),
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'late' }),
    });
    expect(() => Template.fromStack(stack)).toThrow(
      /LateTeardown\/TeardownDefinition got another role or log group after LateTeardown\/Migrate was created/,
    );
  });
});

describe('the permissions EcsRunTask grants the runner', () => {
  // The three resources of the stack share the runner's one policy in it.
  const policyId = logicalId(every.stack, every.migrate.policy as iam.Policy);
  const statements = () => policyStatements(every.template, policyId);
  const clusterId = (): string =>
    Object.entries(templateOf(every.template).Resources).find(
      ([, resource]) => resource.Type === 'AWS::ECS::Cluster',
    )?.[0] ?? '';
  const arn = (service: string, ...rest: unknown[]) => ({
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        `:${service}:`,
        { Ref: 'AWS::Region' },
        ':',
        { Ref: 'AWS::AccountId' },
        ...rest,
      ],
    ],
  });
  const onCluster = () => ({ ArnEquals: { 'ecs:cluster': { 'Fn::GetAtt': [clusterId(), 'Arn'] } } });

  it('are one policy for every resource of the stack on the runner, attached to the runner’s role', () => {
    expect(every.seed.policy).toBe(every.migrate.policy);
    expect(every.train.policy).toBe(every.migrate.policy);
    const runner = EcsTaskRunnerFunction.of(every.stack);
    expect(resourceProperties(every.template, policyId).Roles).toEqual([
      { Ref: logicalId(every.stack, runner.role as iam.Role) },
    ]);
  });

  it('are exactly what the runs need: each run’s own task definition, roles and log groups on the statements of its cluster', () => {
    const taskRoles = [
      every.migrateDefinition.taskRole,
      every.migrateDefinition.executionRole as iam.IRole,
      every.overrideRole,
      every.teardownDefinition.taskRole,
      every.teardownDefinition.executionRole as iam.IRole,
      every.teardownOverrideRole,
      every.seedDefinition.taskRole,
      every.trainDefinition.taskRole,
    ];
    const logGroup = (prefix: RegExp) => ({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':logs:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          ':log-group:',
          { Ref: expect.stringMatching(prefix) },
          ':*',
        ],
      ],
    });
    expect(statements()).toEqual([
      { Sid: 'ReadTaskDefinitions', Effect: 'Allow', Action: 'ecs:DescribeTaskDefinition', Resource: '*' },
      {
        Sid: 'RecogniseUpdateRollbacks',
        Effect: 'Allow',
        Action: 'cloudformation:DescribeStacks',
        Resource: { Ref: 'AWS::StackId' },
      },
      {
        Sid: 'RunTheTaskDefinitionInTheCluster',
        Effect: 'Allow',
        Action: 'ecs:RunTask',
        Resource: [
          // Migrate runs on rollback: every revision of its families. Seed and Train: the revision the template names.
          arn('ecs', `:task-definition/${every.migrateDefinition.family}:*`),
          arn('ecs', `:task-definition/${every.teardownDefinition.family}:*`),
          { Ref: logicalId(every.stack, every.seedDefinition) },
          { Ref: logicalId(every.stack, every.trainDefinition) },
        ],
        Condition: onCluster(),
      },
      {
        Sid: 'TagTasksAsTheyStart',
        Effect: 'Allow',
        Action: 'ecs:TagResource',
        Resource: arn('ecs', ':task/', { Ref: clusterId() }, '/*'),
        Condition: { StringEquals: { 'ecs:CreateAction': 'RunTask' } },
      },
      {
        Sid: 'WatchAndStopTasksInTheCluster',
        Effect: 'Allow',
        Action: ['ecs:DescribeTasks', 'ecs:StopTask'],
        Resource: arn('ecs', ':task/', { Ref: clusterId() }, '/*'),
        Condition: onCluster(),
      },
      { Sid: 'ListTasksInTheCluster', Effect: 'Allow', Action: 'ecs:ListTasks', Resource: '*', Condition: onCluster() },
      {
        Sid: 'PassTheTaskRolesToEcsTasks',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: taskRoles.map((role) => ({ 'Fn::GetAtt': [logicalId(every.stack, role), 'Arn'] })),
        Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      },
      {
        Sid: 'PassTheInfrastructureRolesToEcs',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: { 'Fn::GetAtt': [logicalId(every.stack, every.infrastructureRole), 'Arn'] },
        Condition: { StringEquals: { 'iam:PassedToService': 'ecs.amazonaws.com' } },
      },
      {
        Sid: 'ReadTheStackStatusAsItsRole',
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Resource: STACK_STATUS_ROLE_ARN,
      },
      {
        Sid: 'CheckTheTaskNetwork',
        Effect: 'Allow',
        Action: [
          'ec2:DescribeSubnets',
          'ec2:DescribeSecurityGroups',
          'ec2:DescribeRouteTables',
          'ec2:DescribeVpcEndpoints',
        ],
        Resource: '*',
      },
      {
        Sid: 'ReadTheTaskLogs',
        Effect: 'Allow',
        Action: 'logs:GetLogEvents',
        Resource: [logGroup(/^TaskLogs/), logGroup(/^TeardownLogs/)],
      },
      {
        Sid: 'ListContainerInstancesOfTheCluster',
        Effect: 'Allow',
        Action: 'ecs:ListContainerInstances',
        Resource: { 'Fn::GetAtt': [clusterId(), 'Arn'] },
      },
      {
        Sid: 'DescribeContainerInstancesInTheCluster',
        Effect: 'Allow',
        Action: 'ecs:DescribeContainerInstances',
        Resource: arn('ecs', ':container-instance/', { Ref: clusterId() }, '/*'),
        Condition: onCluster(),
      },
      {
        Sid: 'ReadInstanceEniCapacity',
        Effect: 'Allow',
        Action: ['ec2:DescribeInstances', 'ec2:DescribeInstanceTypes'],
        Resource: '*',
      },
    ]);
  });

  describe('for run policies', () => {
    const { stack, template } = runPolicies;
    const statement = (sid: string) =>
      policyStatements(template, logicalId(stack, runPolicies.quiet.policy as iam.Policy)).find(
        (candidate) => candidate.Sid === sid,
      );
    const logGroupArn = (id: string) => ({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':logs:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          ':log-group:',
          { Ref: expect.stringMatching(new RegExp(`^${id}Logs`)) },
          ':*',
        ],
      ],
    });
    const roleArn = (role: iam.IRole) => ({ 'Fn::GetAtt': [logicalId(stack, role), 'Arn'] });

    it('read the task’s log for its outputs though logLines is 0 (and a failure’s lines with logLines), not a teardown’s without them', () => {
      expect(statement('ReadTheTaskLogs')).toEqual({
        Sid: 'ReadTheTaskLogs',
        Effect: 'Allow',
        Action: 'logs:GetLogEvents',
        Resource: logGroupArn('Migrate'),
      });
    });

    it('read no log with logLines 0 and no outputs, and check no network for bridge tasks', () => {
      const quietStack = new Stack(new App(), 'Quiet');
      const cluster = ecs.Cluster.fromClusterArn(
        quietStack,
        'Cluster',
        `arn:aws:ecs:${FAKE_REGION}:${FAKE_ACCOUNT}:cluster/app`,
      );
      const definition = new ecs.Ec2TaskDefinition(quietStack, 'Definition', { networkMode: ecs.NetworkMode.BRIDGE });
      definition.addContainer('job', {
        image: ecs.ContainerImage.fromRegistry('app:1'),
        memoryLimitMiB: 256,
        logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'job' }),
      });
      const quiet = new EcsRunTask(quietStack, 'Quiet', { cluster, taskDefinition: definition, logLines: 0 });
      const actions = policyStatements(
        Template.fromStack(quietStack),
        logicalId(quietStack, quiet.policy as iam.Policy),
      ).flatMap(actionsOf);
      expect(actions).not.toContain('logs:GetLogEvents');
      expect(actions).not.toContain('ec2:DescribeSubnets');
    });

    it('run the revisions of the resource’s and the teardown’s task definitions, and pass their roles and the overrides’ role', () => {
      const { migrateDefinition, teardownDefinition, teardownRole } = runPolicies;
      expect(statement('RunTheTaskDefinitionInTheCluster')?.Resource).toEqual([
        { Ref: logicalId(stack, migrateDefinition) },
        { Ref: logicalId(stack, teardownDefinition) },
      ]);
      expect(statement('PassTheTaskRolesToEcsTasks')?.Resource).toEqual(
        [
          migrateDefinition.taskRole,
          migrateDefinition.executionRole as iam.IRole,
          teardownDefinition.taskRole,
          teardownDefinition.executionRole as iam.IRole,
          teardownRole,
        ].map(roleArn),
      );
    });
  });

  it('name no wildcard action, and use "*" only where IAM accepts nothing narrower or a cluster condition limits it', () => {
    expect(
      statements()
        .flatMap(actionsOf)
        .filter((action) => action.includes('*')),
    ).toEqual([]);
    const onAnyResource = statements()
      .filter((statement) => statement.Resource === '*' && statement.Condition === undefined)
      .flatMap(actionsOf);
    expect(new Set(onAnyResource)).toEqual(
      new Set([
        'ecs:DescribeTaskDefinition',
        'ec2:DescribeSubnets',
        'ec2:DescribeSecurityGroups',
        'ec2:DescribeRouteTables',
        'ec2:DescribeVpcEndpoints',
        'ec2:DescribeInstances',
        'ec2:DescribeInstanceTypes',
      ]),
    );
  });

  it('together with the runner’s own, cover every AWS call the runner makes, and grant nothing a call or a reason does not explain', () => {
    const runner = EcsTaskRunnerFunction.of(every.stack);
    const ownPolicies = [
      logicalId(every.stack, runner.node.findChild('InvokeItself') as iam.Policy),
      logicalId(every.stack, (runner.role as iam.Role).node.findChild('DefaultPolicy') as iam.Policy),
    ];
    const granted = new Set(
      [policyId, ...ownPolicies].flatMap((id) => policyStatements(every.template, id)).flatMap(actionsOf),
    );
    const scan = scanDirectory(path.resolve(__dirname, '../../../src'));
    expect(scan.calls.length).toBeGreaterThan(0);
    expect(
      scan.calls.filter((call) => !granted.has(call.action)).map((call) => `${call.action} (${call.file})`),
    ).toEqual([]);

    const grantedWithoutACall: Record<string, string> = {
      'iam:PassRole':
        'RunTask passes the task definition’s task and execution roles to ECS, and with VolumeConfigurations the EBS volumes’ infrastructure role',
      'ecs:TagResource':
        'RunTask tags every task it creates with its request (IfRunning), and with Tags, PropagateTags or EnableECSManagedTags',
      'logs:CreateLogStream': 'Lambda writes the function’s own logs with the function’s role',
      'logs:PutLogEvents': 'Lambda writes the function’s own logs with the function’s role',
      'lambda:GetFunctionRecursionConfig':
        'the runner reads its own recursive loop setting before a long watch (issue 10)',
    };
    const called = new Set(scan.calls.map((call) => call.action));
    expect([...granted].filter((action) => !called.has(action) && grantedWithoutACall[action] === undefined)).toEqual(
      [],
    );
  });
});

describe('EcsTaskRunnerFunction', () => {
  const { stack, template } = every;
  const runner = EcsTaskRunnerFunction.of(stack);

  it('is one function per stack, shared by its resources', () => {
    template.resourceCountIs('AWS::Lambda::Function', 1);
    expect(every.migrate.runner).toBe(runner);
    expect(every.seed.runner).toBe(runner);
  });

  it('runs the built bundle on Node.js 22 for 15 minutes, with recursive loop detection off for its hand-offs', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Timeout: 900,
      RecursiveLoop: 'Allow',
      LoggingConfig: { LogGroup: { Ref: logicalId(stack, runner.logGroup) } },
      Code: { S3Key: Match.stringLikeRegexp('\\.zip$') },
    });
  });

  it('drops asynchronous events older than an hour, which CloudFormation no longer waits for', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumEventAgeInSeconds: 3600,
      Qualifier: '$LATEST',
    });
  });

  it('has a role with no managed policy, that writes its own log group and invokes and reads only itself', () => {
    const role = resourceProperties(template, logicalId(stack, runner.role as iam.Role));
    expect(role.ManagedPolicyArns).toBeUndefined();
    expect(role.Policies).toBeUndefined();
    expect(role.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });

    const functionArn = { 'Fn::GetAtt': [logicalId(stack, runner.function), 'Arn'] };
    expect(
      policyStatements(
        template,
        logicalId(stack, (runner.role as iam.Role).node.findChild('DefaultPolicy') as iam.Policy),
      ),
    ).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [logicalId(stack, runner.logGroup), 'Arn'] },
      },
    ]);
    expect(policyStatements(template, logicalId(stack, runner.node.findChild('InvokeItself') as iam.Policy))).toEqual([
      {
        Sid: 'HandOffToItself',
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: [functionArn, { 'Fn::Join': ['', [functionArn, ':*']] }],
      },
      {
        Sid: 'ReadOwnRecursionConfig',
        Effect: 'Allow',
        Action: 'lambda:GetFunctionRecursionConfig',
        Resource: functionArn,
      },
    ]);
  });
});

describe('EcsRunTask with a service', () => {
  const { template } = fromService;

  it('runs the service’s task definition in its cluster, network, capacity providers and platform version', () => {
    const properties = onlyCustomResource(template);
    const service =
      Object.values(templateOf(template).Resources).find((resource) => resource.Type === 'AWS::ECS::Service')
        ?.Properties ?? {};
    expect(properties).toMatchObject({
      Cluster: { 'Fn::GetAtt': [expect.stringMatching(/^Cluster/), 'Arn'] },
      TaskDefinition: service.TaskDefinition,
      NetworkConfiguration: service.NetworkConfiguration,
      CapacityProviderStrategy: [
        { CapacityProvider: 'FARGATE_SPOT', Weight: 2 },
        { CapacityProvider: 'FARGATE', Base: 1 },
      ],
      PlatformVersion: '1.4.0',
    });
    expect(service.NetworkConfiguration).toMatchObject({ AwsvpcConfiguration: { AssignPublicIp: 'ENABLED' } });
    expect(properties).not.toHaveProperty('LaunchType');
  });

  it('is waited for by the service (runBefore), though the service made the security group the task runs in', () => {
    const resources = templateOf(template).Resources;
    const migrateId = Object.entries(resources).find(([, resource]) => resource.Type === RESOURCE_TYPE)?.[0];
    const service = Object.values(resources).find((resource) => resource.Type === 'AWS::ECS::Service');
    expect(service?.DependsOn).toContain(migrateId);
  });

  it('grants no ENI capacity reads on Fargate capacity providers', () => {
    const statements = Object.values(templateOf(template).Resources)
      .filter((resource) => resource.Type === 'AWS::IAM::Policy')
      .flatMap((resource) => (resource.Properties?.PolicyDocument as { Statement: Statement[] }).Statement);
    expect(statements.flatMap(actionsOf)).toContain('ecs:RunTask');
    expect(statements.flatMap(actionsOf)).not.toContain('ec2:DescribeInstances');
  });
});

describe('EcsRunTask on an imported runner (fromFunctionArn)', () => {
  const { template } = imported;
  const resources = Object.entries(templateOf(template).Resources);

  it('uses the function’s ARN as ServiceToken and creates no function', () => {
    template.resourceCountIs('AWS::Lambda::Function', 0);
    const tokens = resources
      .filter(([, resource]) => resource.Type === RESOURCE_TYPE)
      .map(([, resource]) => resource.Properties?.ServiceToken);
    expect(tokens.sort()).toEqual([
      `arn:aws:lambda:${FAKE_REGION}:${FAKE_ACCOUNT}:function:ecs-task-runner`,
      `arn:aws:lambda:${FAKE_REGION}:${FAKE_ACCOUNT}:function:ecs-task-runner-managed`,
    ]);
  });

  it('attaches the task’s permissions to the imported role when it is given, and grants nothing without it', () => {
    const policies = resources.filter(([, resource]) => resource.Type === 'AWS::IAM::Policy');
    expect(policies).toHaveLength(1);
    expect(policies[0]?.[1].Properties?.Roles).toEqual(['shared-runner']);
    expect(policies[0]?.[0]).toMatch(/^SharedRunnerTaskPermissions/);
  });
});

function onlyCustomResource(template: Template): Record<string, unknown> {
  const found = Object.values(templateOf(template).Resources).filter((resource) => resource.Type === RESOURCE_TYPE);
  expect(found).toHaveLength(1);
  return found[0]?.Properties ?? {};
}
