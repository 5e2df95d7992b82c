import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { EcsRunTask, RESOURCE_TYPE } from '../lib';
import { onlyOf, smallStack } from './support/small-stack';

/** A Fargate service in the public subnets with a public IP and its own security group, and a migration beside it. */
function withService(props: Partial<ConstructorParameters<typeof EcsRunTask>[2]>) {
  const { stack, vpc, cluster, taskDefinition } = smallStack('WithService');
  const serviceGroup = new ec2.SecurityGroup(stack, 'ServiceGroup', { vpc });
  const service = new ecs.FargateService(stack, 'Service', {
    cluster,
    taskDefinition,
    securityGroups: [serviceGroup],
    vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
    assignPublicIp: true,
  });
  new EcsRunTask(stack, 'Migrate', { service, ...props });
  const template = Template.fromStack(stack).toJSON() as { Resources: Record<string, { Type: string }> };
  const network = onlyOf(template, RESOURCE_TYPE).properties.NetworkConfiguration as {
    AwsvpcConfiguration: Record<string, unknown>;
  };
  return { stack, vpc, template, awsvpc: network.AwsvpcConfiguration };
}

const groupId = (prefix: string) => ({ 'Fn::GetAtt': [expect.stringMatching(new RegExp(`^${prefix}`)), 'GroupId'] });
const subnets = (name: 'Public' | 'Private') => [
  { Ref: expect.stringMatching(new RegExp(`^Vpc${name}Subnet1`)) },
  { Ref: expect.stringMatching(new RegExp(`^Vpc${name}Subnet2`)) },
];

describe('EcsRunTask’s network, field by field', () => {
  it('takes the service’s subnets, security groups and public IP when none is given', () => {
    expect(withService({}).awsvpc).toEqual({
      Subnets: subnets('Public'),
      SecurityGroups: [groupId('ServiceGroup')],
      AssignPublicIp: 'ENABLED',
    });
  });

  it('keeps the service’s security groups and public IP when only subnets are given', () => {
    expect(withService({ vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }).awsvpc).toEqual({
      Subnets: subnets('Private'),
      SecurityGroups: [groupId('ServiceGroup')],
      AssignPublicIp: 'ENABLED',
    });
  });

  it('keeps the service’s subnets and public IP when only security groups are given', () => {
    const { awsvpc } = withService({
      securityGroups: [],
      assignPublicIp: false,
    });
    expect(awsvpc).toEqual({ Subnets: subnets('Public'), SecurityGroups: [], AssignPublicIp: 'DISABLED' });
  });

  it('creates a security group allowing all outbound traffic when neither props nor a service give one', () => {
    const { stack, cluster, taskDefinition } = smallStack('NoGroup');
    const migrate = new EcsRunTask(stack, 'Migrate', { cluster, taskDefinition });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'Tasks of NoGroup/Migrate',
      SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', IpProtocol: '-1' }],
    });
    const properties = onlyOf(template.toJSON() as never, RESOURCE_TYPE).properties;
    expect(properties.NetworkConfiguration).toEqual({
      AwsvpcConfiguration: { Subnets: subnets('Private'), SecurityGroups: [groupId('MigrateSecurityGroup')] },
    });
    expect(migrate.connections.securityGroups).toHaveLength(1);
  });

  it('is IConnectable: a database admits the task’s security group on its port', () => {
    const { stack, vpc, cluster, taskDefinition } = smallStack('Connectable');
    const migrate = new EcsRunTask(stack, 'Migrate', { cluster, taskDefinition });
    const database = new rds.DatabaseInstance(stack, 'Database', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    });
    database.connections.allowDefaultPortFrom(migrate);
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MigrateSecurityGroup'), 'GroupId'] },
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DatabaseSecurityGroup'), 'GroupId'] },
    });
  });

  it('creates no security group and writes no network for a bridge task definition', () => {
    const { stack, cluster } = smallStack('Bridge');
    const definition = new ecs.Ec2TaskDefinition(stack, 'Bridge', { networkMode: ecs.NetworkMode.BRIDGE });
    definition.addContainer('job', { image: ecs.ContainerImage.fromRegistry('app:1'), memoryLimitMiB: 256 });
    const task = new EcsRunTask(stack, 'Job', { cluster, taskDefinition: definition });
    const template = Template.fromStack(stack);
    expect(onlyOf(template.toJSON() as never, RESOURCE_TYPE).properties.NetworkConfiguration).toBeUndefined();
    expect(task.connections.securityGroups).toEqual([]);
    template.resourcePropertiesCountIs('AWS::EC2::SecurityGroup', { GroupDescription: 'Tasks of Bridge/Job' }, 0);
  });
});
