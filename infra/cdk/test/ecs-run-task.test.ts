import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { parseRunnerProperties } from '../../../src/properties/runner-properties';
import { EcsRunTask, EcsTaskRunnerFunction, IfRunning, RESOURCE_TYPE } from '../lib';
import { bridgeJobDefinition, publicOnlyVpc } from './support/small-stack';
import { asDeployed } from './support/fake-deployment';
import {
  VOLUME_KEY_ARN,
  STACK_STATUS_ROLE_ARN,
  everyPropertyStack,
  serviceStack,
  runPolicyStack,
  logicalId,
  templateOf,
  resourceProperties,
  onlyCustomResource,
} from './ecs-run-task-stacks';
import { tempFolder } from './support/temp-folder';
import { testApp } from './support/test-app';

const every = everyPropertyStack();
const fromService = serviceStack();
const runPolicies = runPolicyStack();

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
    const directory = tempFolder('env-files-');
    const files = ['common.env', 'migrate.env'].map((name) => {
      writeFileSync(path.join(directory, name), `NAME=${name}\n`);
      return ecs.EnvironmentFile.fromAsset(path.join(directory, name));
    });
    const stack = new Stack(testApp(), 'AssetFiles');
    const cluster = new ecs.Cluster(stack, 'Cluster', {
      vpc: publicOnlyVpc(stack),
    });
    const taskDefinition = bridgeJobDefinition(stack);
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
    const stack = new Stack(testApp(), 'Nothing');
    expect(() => new EcsRunTask(stack, 'Nothing', {})).toThrow('give `service`, or `cluster` and `taskDefinition`');
  });

  it('fails synthesis when the task definition gets a container after it, which it would not have granted', () => {
    const stack = new Stack(testApp(), 'Late');
    const cluster = new ecs.Cluster(stack, 'Cluster', {
      vpc: publicOnlyVpc(stack),
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
    const stack = new Stack(testApp(), 'LateTeardown');
    const cluster = new ecs.Cluster(stack, 'Cluster', {
      vpc: publicOnlyVpc(stack),
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
