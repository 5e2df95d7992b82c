import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { EcsRunTask } from '../lib';
import { migrateDefinition, smallStack } from './support/small-stack';

function synthesize(
  props: Partial<ConstructorParameters<typeof EcsRunTask>[2]>,
  definitionKind: 'fargate' | 'bridge' | 'awsvpcEc2AndFargate' = 'fargate',
): () => void {
  const { stack, cluster, vpc, taskDefinition } = smallStack('Validated');
  const definition =
    definitionKind === 'bridge'
      ? new ecs.Ec2TaskDefinition(stack, 'BridgeDefinition', { networkMode: ecs.NetworkMode.BRIDGE })
      : definitionKind === 'awsvpcEc2AndFargate'
        ? new ecs.TaskDefinition(stack, 'EitherDefinition', {
            compatibility: ecs.Compatibility.EC2_AND_FARGATE,
            networkMode: ecs.NetworkMode.AWS_VPC,
            cpu: '256',
            memoryMiB: '512',
          })
        : taskDefinition;
  if (definitionKind !== 'fargate')
    definition.addContainer('migrate', { image: ecs.ContainerImage.fromRegistry('app:1'), memoryLimitMiB: 256 });
  const group = new ec2.SecurityGroup(stack, 'Group', { vpc });
  const resolved = { ...props, securityGroups: props.securityGroups && [group] };
  if (props.securityGroups === undefined) delete resolved.securityGroups;
  new EcsRunTask(stack, 'Migrate', { cluster, taskDefinition: definition, ...resolved });
  return () => Template.fromStack(stack);
}

describe('synth-time validation', () => {
  it('passes a resource the runner would accept, whatever only the deployment knows', () => {
    expect(synthesize({ logLines: 20, timeout: Duration.minutes(5), startedBy: 'deploy/migrate' })).not.toThrow();
  });

  it('reports values out of the runner’s range with the runner’s own words, all at once', () => {
    const synth = synthesize({ logLines: 99, count: 11, pollInterval: Duration.minutes(10) });
    expect(synth).toThrow(/\[Validated\/Migrate\] LogLines: "99" is not a whole number from 0 to 50/);
    expect(synth).toThrow(/\[Validated\/Migrate\] Count: "11" is not a whole number from 1 to 10/);
    expect(synth).toThrow(/\[Validated\/Migrate\] PollInterval: "600" is not a number from 1 to 300/);
  });

  it('reports a container override naming no container of the task definition, listing those it has', () => {
    expect(synthesize({ overrides: { containerOverrides: [{ containerName: 'migarte', command: ['x'] }] } })).toThrow(
      /overrides.containerOverrides\[0\].containerName: "migarte" is not a container of Validated\/MigrateDefinition \(it has migrate\)/,
    );
  });

  it('checks the teardown’s container overrides against the teardown’s task definition', () => {
    const { stack, cluster, taskDefinition } = smallStack('Teardown');
    new EcsRunTask(stack, 'Migrate', {
      cluster,
      taskDefinition,
      onDelete: {
        taskDefinition: migrateDefinition(stack, 'TeardownDefinition'),
        overrides: { containerOverrides: [{ containerName: 'teardown' }] },
      },
    });
    expect(() => Template.fromStack(stack)).toThrow(
      /onDelete.overrides.containerOverrides\[0\].containerName: "teardown" is not a container of Teardown\/TeardownDefinition/,
    );
  });

  it('reports network props on a task definition that is not awsvpc', () => {
    expect(
      synthesize(
        { vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC }, assignPublicIp: true, securityGroups: [] },
        'bridge',
      ),
    ).toThrow(
      /vpcSubnets, securityGroups, assignPublicIp: Validated\/BridgeDefinition uses network mode bridge, and only awsvpc tasks take subnets/,
    );
  });

  it('reports what the runner refuses in combination: a public IP on EC2', () => {
    // A task definition for EC2 and Fargate: EC2 on a Fargate-only one fails before the runner's check.
    expect(synthesize({ assignPublicIp: true, launchType: ecs.LaunchType.EC2 }, 'awsvpcEc2AndFargate')).toThrow(
      /AssignPublicIp: ENABLED works only with Fargate/,
    );
  });
});
