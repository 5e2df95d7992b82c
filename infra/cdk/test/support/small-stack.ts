import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { testApp } from './test-app';

/**
 * A stack with a VPC (public and private subnets; no NAT gateway, which synthesis does not need), a cluster and a
 * Fargate task definition with one logged container.
 */
export function smallStack(name: string) {
  const stack = new Stack(testApp(), name);
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
  const taskDefinition = migrateDefinition(stack, 'MigrateDefinition');
  return { stack, vpc, cluster, taskDefinition };
}

/** A VPC of one Availability Zone with public subnets only: enough to synthesize, and quick. */
export function publicOnlyVpc(stack: Stack): ec2.Vpc {
  return new ec2.Vpc(stack, 'Vpc', {
    natGateways: 0,
    maxAzs: 1,
    subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }],
  });
}

/** An EC2 task definition in bridge mode with one container `job` (no network configuration to give). */
export function bridgeJobDefinition(stack: Stack): ecs.Ec2TaskDefinition {
  const definition = new ecs.Ec2TaskDefinition(stack, 'Definition', { networkMode: ecs.NetworkMode.BRIDGE });
  definition.addContainer('job', {
    containerName: 'job',
    image: ecs.ContainerImage.fromRegistry('job:1'),
    memoryLimitMiB: 256,
  });
  return definition;
}

/** A Fargate task definition with a container `migrate` that logs to a log group of its own. */
export function migrateDefinition(stack: Stack, id: string): ecs.FargateTaskDefinition {
  const definition = new ecs.FargateTaskDefinition(stack, id);
  definition.addContainer('migrate', {
    containerName: 'migrate',
    image: ecs.ContainerImage.fromRegistry('app:1'),
    logging: ecs.LogDrivers.awsLogs({ logGroup: new logs.LogGroup(stack, `${id}Logs`), streamPrefix: 'migrate' }),
  });
  return definition;
}

/** The properties of the one resource of `type` in the template. */
export function onlyOf(template: { Resources: Record<string, { Type: string }> }, type: string) {
  const found = Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
  if (found.length !== 1) throw new Error(`Expected one ${type}, found ${found.length}`);
  const [logicalId, resource] = found[0] as [string, { Properties?: Record<string, unknown>; DependsOn?: string[] }];
  return { logicalId, properties: resource.Properties ?? {}, dependsOn: resource.DependsOn ?? [] };
}
