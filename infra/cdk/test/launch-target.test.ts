import { Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { EcsRunTask, RESOURCE_TYPE } from '../lib';
import { bridgeJobDefinition, onlyOf, smallStack } from './support/small-stack';

/** A task definition that runs on EC2 and on Fargate alike: nothing in it says where a task of it runs. */
function eitherDefinition(stack: ReturnType<typeof smallStack>['stack']): ecs.TaskDefinition {
  const definition = new ecs.TaskDefinition(stack, 'EitherDefinition', {
    compatibility: ecs.Compatibility.EC2_AND_FARGATE,
    networkMode: ecs.NetworkMode.AWS_VPC,
    cpu: '256',
    memoryMiB: '512',
  });
  definition.addContainer('migrate', { image: ecs.ContainerImage.fromRegistry('app:1'), memoryLimitMiB: 256 });
  return definition;
}

const launchOf = (template: Template) => {
  const { properties } = onlyOf(template.toJSON() as { Resources: Record<string, { Type: string }> }, RESOURCE_TYPE);
  return { LaunchType: properties.LaunchType, CapacityProviderStrategy: properties.CapacityProviderStrategy };
};

describe('where EcsRunTask runs the task without a service', () => {
  it('runs a Fargate task definition on FARGATE, not on the cluster’s default (EC2 without a strategy)', () => {
    const { stack, cluster, taskDefinition } = smallStack('FargateOnly');
    new EcsRunTask(stack, 'Migrate', { cluster, taskDefinition });
    const template = Template.fromStack(stack);
    expect(launchOf(template)).toEqual({ LaunchType: 'FARGATE', CapacityProviderStrategy: undefined });
    // Granted as a Fargate task: no reads of container instances' ENI capacity.
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain('ec2:DescribeInstances');
  });

  it('runs an EC2 task definition on EC2', () => {
    const { stack, cluster } = smallStack('Ec2Only');
    new EcsRunTask(stack, 'Job', { cluster, taskDefinition: bridgeJobDefinition(stack) });
    expect(launchOf(Template.fromStack(stack))).toEqual({ LaunchType: 'EC2', CapacityProviderStrategy: undefined });
  });

  it('leaves a task definition for both to the cluster’s default capacity provider strategy, when the app gave one', () => {
    const { stack, vpc } = smallStack('ClusterDefault');
    const cluster = new ecs.Cluster(stack, 'SpotCluster', { vpc, enableFargateCapacityProviders: true });
    cluster.addDefaultCapacityProviderStrategy([{ capacityProvider: 'FARGATE_SPOT' }]);
    new EcsRunTask(stack, 'Migrate', { cluster, taskDefinition: eitherDefinition(stack) });
    expect(launchOf(Template.fromStack(stack))).toEqual({ LaunchType: undefined, CapacityProviderStrategy: undefined });
  });

  it('refuses a task definition for both on a cluster with no default strategy, asking for a launch target', () => {
    const { stack, cluster } = smallStack('NoWayToChoose');
    expect(() => new EcsRunTask(stack, 'Migrate', { cluster, taskDefinition: eitherDefinition(stack) })).toThrow(
      /NoWayToChoose\/Migrate: nothing says where the task runs: NoWayToChoose\/EitherDefinition is compatible with FARGATE and EC2, .*give `launchType` \(e\.g\. ecs\.LaunchType\.FARGATE\) or `capacityProviderStrategies`/,
    );
  });

  it('takes the launch type given for a task definition for both', () => {
    const { stack, cluster } = smallStack('Chosen');
    new EcsRunTask(stack, 'Migrate', {
      cluster,
      taskDefinition: eitherDefinition(stack),
      launchType: ecs.LaunchType.EC2,
    });
    expect(launchOf(Template.fromStack(stack))).toEqual({ LaunchType: 'EC2', CapacityProviderStrategy: undefined });
  });
});

describe('a launch target the task definition cannot run on fails synthesis', () => {
  it('refuses EC2 for a Fargate-only task definition, naming the fix', () => {
    const { stack, cluster, taskDefinition } = smallStack('Ec2OnFargate');
    expect(() => new EcsRunTask(stack, 'Migrate', { cluster, taskDefinition, launchType: ecs.LaunchType.EC2 })).toThrow(
      /Ec2OnFargate\/Migrate: launch type EC2 cannot run the task: Ec2OnFargate\/MigrateDefinition is compatible with FARGATE only; give `launchType` FARGATE/,
    );
  });

  it('refuses Fargate capacity providers for an EC2 task definition', () => {
    const { stack, cluster } = smallStack('FargateOnEc2');
    expect(
      () =>
        new EcsRunTask(stack, 'Job', {
          cluster,
          taskDefinition: bridgeJobDefinition(stack),
          capacityProviderStrategies: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }],
        }),
    ).toThrow(
      /the capacity provider strategy \(FARGATE_SPOT\) places the task on Fargate: FargateOnEc2\/Definition is compatible with EC2 only/,
    );
  });

  it('refuses a cluster default of instances for a Fargate-only task definition', () => {
    const { stack, vpc, taskDefinition } = smallStack('InstancesDefault');
    const cluster = new ecs.Cluster(stack, 'InstanceCluster', { vpc });
    const autoScalingGroup = new autoscaling.AutoScalingGroup(stack, 'Instances', {
      vpc,
      instanceType: new ec2.InstanceType('t3.small'),
      machineImage: ecs.EcsOptimizedImage.amazonLinux2023(),
    });
    const provider = new ecs.AsgCapacityProvider(stack, 'Provider', { autoScalingGroup });
    cluster.addAsgCapacityProvider(provider);
    cluster.addDefaultCapacityProviderStrategy([{ capacityProvider: provider.capacityProviderName }]);
    expect(() => new EcsRunTask(stack, 'Migrate', { cluster, taskDefinition })).toThrow(
      /the cluster's default capacity provider strategy \(.+\) places the task on instances: InstancesDefault\/MigrateDefinition is compatible with FARGATE only; give `launchType` FARGATE/,
    );
  });
});

describe('EcsRunTask with an imported service', () => {
  it('runs in the security groups and subnets given, on the task definition’s launch type', () => {
    const { stack, cluster, taskDefinition } = smallStack('Imported');
    const service = ecs.FargateService.fromFargateServiceAttributes(stack, 'Web', { cluster, serviceName: 'web' });
    const group = ec2.SecurityGroup.fromSecurityGroupId(stack, 'WebGroup', 'sg-0123456789abcdef0');
    const migrate = new EcsRunTask(stack, 'Migrate', {
      service,
      taskDefinition,
      securityGroups: [group],
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
    });
    migrate.executeBefore(service);
    const { properties } = onlyOf(Template.fromStack(stack).toJSON() as never, RESOURCE_TYPE);
    expect(properties).toMatchObject({
      Cluster: { 'Fn::GetAtt': [expect.stringMatching(/^Cluster/), 'Arn'] },
      LaunchType: 'FARGATE',
      NetworkConfiguration: {
        AwsvpcConfiguration: {
          SecurityGroups: ['sg-0123456789abcdef0'],
          Subnets: [
            { Ref: expect.stringMatching(/^VpcPublicSubnet1/) },
            { Ref: expect.stringMatching(/^VpcPublicSubnet2/) },
          ],
        },
      },
    });
    expect(migrate.connections.securityGroups).toEqual([group]);
  });

  it('asks for the task definition, which an imported service does not know', () => {
    const { stack, cluster } = smallStack('ImportedNoDefinition');
    const service = ecs.FargateService.fromFargateServiceAttributes(stack, 'Web', { cluster, serviceName: 'web' });
    expect(() => new EcsRunTask(stack, 'Migrate', { service })).toThrow(
      /ImportedNoDefinition\/Migrate: ImportedNoDefinition\/Web is an imported service, whose task definition is not known; give `taskDefinition`/,
    );
  });

  it('asks for the security groups rather than run the task in a group of its own', () => {
    const { stack, cluster, taskDefinition } = smallStack('ImportedNoGroups');
    const service = ecs.FargateService.fromFargateServiceAttributes(stack, 'Web', { cluster, serviceName: 'web' });
    expect(() => new EcsRunTask(stack, 'Migrate', { service, taskDefinition })).toThrow(
      /ImportedNoGroups\/Web is an imported service, whose security groups are not known; give `securityGroups`/,
    );
  });
});
