import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { EcsRunTask, RESOURCE_TYPE } from '../lib';
import { onlyOf, smallStack } from './support/small-stack';

/** A database, a service and a migration between them: after the database, before the service. */
function orderedStack(order: 'props' | 'methods') {
  const { stack, vpc, cluster, taskDefinition } = smallStack(`Ordered${order}`);
  const database = new rds.DatabaseInstance(stack, 'Database', {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
  });
  const service = new ecs.FargateService(stack, 'Service', { cluster, taskDefinition });
  const ingress = new ec2.CfnSecurityGroupIngress(stack, 'Ingress', {
    groupId: 'sg-0123456789abcdef0',
    ipProtocol: 'tcp',
    fromPort: 5432,
    toPort: 5432,
    cidrIp: '10.0.0.0/16',
  });
  const migrate = new EcsRunTask(stack, 'Migrate', {
    service,
    ...(order === 'props' ? { executeAfter: [database, ingress], executeBefore: [service] } : {}),
  });
  if (order === 'methods') {
    migrate.executeAfter(database, ingress);
    migrate.executeBefore(service);
  }
  database.connections.allowDefaultPortFrom(migrate);
  const template = Template.fromStack(stack).toJSON() as {
    Resources: Record<string, { Type: string; DependsOn?: string[] }>;
  };
  return { stack, template, migrate, database, service };
}

describe.each(['props', 'methods'] as const)('executeAfter and executeBefore (as %s)', (order) => {
  const { stack, template, database } = orderedStack(order);
  const migrate = onlyOf(template, RESOURCE_TYPE);
  const logicalIdOf = (type: string) => onlyOf(template, type).logicalId;

  it('run the task after the database (with its own resources) and after the ingress rule', () => {
    expect(migrate.dependsOn).toEqual(
      expect.arrayContaining([
        logicalIdOf('AWS::RDS::DBInstance'),
        stack.getLogicalId(database.node.findChild('SubnetGroup').node.defaultChild as never),
        'Ingress',
      ]),
    );
  });

  it('make only the service’s own resource wait, not the security group it created, in which the task runs', () => {
    expect(onlyOf(template, 'AWS::ECS::Service').dependsOn).toContain(migrate.logicalId);
    const serviceGroup = Object.entries(template.Resources).find(
      ([id, resource]) => resource.Type === 'AWS::EC2::SecurityGroup' && id.startsWith('ServiceSecurityGroup'),
    );
    expect(serviceGroup?.[1].DependsOn ?? []).not.toContain(migrate.logicalId);
  });
});
