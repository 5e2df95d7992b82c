import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { EcsRunTask, EcsTaskRunnerFindings, EcsTaskRunnerFunction, type EcsTaskRunnerFunctionProps } from '../lib';
import { migrateDefinition } from './support/small-stack';

/**
 * Runs on Fargate and on EC2 (container instances), one on every revision (`runOnRollback`), checked by cdk-nag's
 * AwsSolutions pack: every wildcard the runner's permissions hold, and its runtime, raise a finding.
 */
function checkedApp(
  acknowledge: 'never' | 'before the runs' | 'after the runs',
  runner?: EcsTaskRunnerFunctionProps,
): () => void {
  const outdir = mkdtempSync(path.join(tmpdir(), 'cdk-findings-'));
  const app = new App({ outdir });
  const stack = new Stack(app, 'Checked');
  if (acknowledge === 'before the runs') EcsTaskRunnerFindings.acknowledge(stack);
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['eu-west-1a'],
    privateSubnetIds: ['subnet-0123456789abcdef0'],
  });
  const cluster = ecs.Cluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'app', vpc });
  const group = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Group', 'sg-0123456789abcdef0');
  new EcsRunTask(stack, 'Migrate', {
    ...(runner ? { runner: new EcsTaskRunnerFunction(stack, 'Runner', runner) } : {}),
    cluster,
    taskDefinition: migrateDefinition(stack, 'MigrateDefinition'),
    securityGroups: [group],
    launchType: ecs.LaunchType.FARGATE,
    runOnRollback: true,
  });
  const bridge = new ecs.Ec2TaskDefinition(stack, 'Bridge', { networkMode: ecs.NetworkMode.BRIDGE });
  bridge.addContainer('job', {
    image: ecs.ContainerImage.fromRegistry('app:1'),
    memoryLimitMiB: 256,
    logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'job' }),
  });
  new EcsRunTask(stack, 'Job', { cluster, taskDefinition: bridge, launchType: ecs.LaunchType.EC2 });
  if (acknowledge === 'after the runs') EcsTaskRunnerFindings.acknowledge(stack);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return () => {
    try {
      app.synth();
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  };
}

describe('EcsTaskRunnerFindings', () => {
  it('leaves cdk-nag findings the runner raises when not used (the check is real)', () => {
    expect(checkedApp('never')).toThrow(
      /AwsSolutions-IAM5[\s\S]*AwsSolutions-L1|AwsSolutions-L1[\s\S]*AwsSolutions-IAM5/,
    );
  });

  it('acknowledges every finding the runner raises, each with its reason, through aws-cdk-lib’s Validations', () => {
    expect(checkedApp('after the runs')).not.toThrow();
  });

  it('acknowledges the role name of an Organization, whose accounts are not known in advance', () => {
    const organization = { organizationId: 'o-a1b2c3d4e5', stackStatusRoleName: 'ecs-task-runner-stack-status' };
    expect(checkedApp('never', organization)).toThrow(/AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:iam::\*:role/);
    expect(checkedApp('after the runs', organization)).not.toThrow();
  });

  it('acknowledges them when called before the runs exist, as well (at synthesis)', () => {
    expect(checkedApp('before the runs')).not.toThrow();
  });
});
