/** The stacks and template readers the EcsRunTask tests (ecs-run-task, ecs-run-task-permissions, ecs-task-runner-function) share. */
import { Duration, Size, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { EcsRunTask, EcsTaskRunnerFunction, IfRunning, RESOURCE_TYPE, ResourceRequirement } from '../lib';
import { bridgeJobDefinition, publicOnlyVpc } from './support/small-stack';
import { FAKE_ACCOUNT, FAKE_REGION } from './support/fake-deployment';
import type { SynthesizedTemplate } from './support/template-values';
import { testApp } from './support/test-app';

export interface Statement {
  Sid?: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

export const VOLUME_KEY_ARN = `arn:aws:kms:${FAKE_REGION}:${FAKE_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
export const STACK_STATUS_ROLE_ARN = `arn:aws:iam::${FAKE_ACCOUNT}:role/read-stack-status`;

// Synthesis is slow: each test file builds and synthesizes each stack it reads once, and its tests read the same template.

/**
 * Resources on one stack runner: one with every property set that Fargate takes (awsvpc, an EBS volume), one with
 * none (EC2, bridge), and one with what only EC2 takes (placement, GPUs).
 */
export function everyPropertyStack() {
  const stack = new Stack(testApp(), 'EveryProperty');
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
    enableECSManagedTags: true,
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
export function serviceStack() {
  const stack = new Stack(testApp(), 'FromService');
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
  migrate.executeBefore(service);
  return { stack, template: Template.fromStack(stack) };
}

/** Resources on runners deployed elsewhere, with and without their role. */
export function importedRunnerStack() {
  const stack = new Stack(testApp(), 'ImportedRunner');
  const cluster = ecs.Cluster.fromClusterAttributes(stack, 'Cluster', {
    clusterName: 'app',
    vpc: publicOnlyVpc(stack),
  });
  const taskDefinition = bridgeJobDefinition(stack);
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
export function runPolicyStack() {
  const stack = new Stack(testApp(), 'RunPolicies');
  const cluster = new ecs.Cluster(stack, 'Cluster', {
    vpc: publicOnlyVpc(stack),
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

export const logicalId = (stack: Stack, construct: { node: { defaultChild?: unknown } }): string =>
  stack.getLogicalId(construct.node.defaultChild as never);
export const templateOf = (template: Template): SynthesizedTemplate => template.toJSON() as SynthesizedTemplate;

export function resourceProperties(template: Template, id: string): Record<string, unknown> {
  const resource = templateOf(template).Resources[id];
  if (!resource) throw new Error(`No resource ${id}`);
  return resource.Properties ?? {};
}

export function policyStatements(template: Template, id: string): Statement[] {
  return (resourceProperties(template, id).PolicyDocument as { Statement: Statement[] }).Statement;
}

export const actionsOf = (statement: Statement): string[] =>
  typeof statement.Action === 'string' ? [statement.Action] : statement.Action;

export function onlyCustomResource(template: Template): Record<string, unknown> {
  const found = Object.values(templateOf(template).Resources).filter((resource) => resource.Type === RESOURCE_TYPE);
  expect(found).toHaveLength(1);
  return found[0]?.Properties ?? {};
}
