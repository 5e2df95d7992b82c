import { type IResolvable, type IResolveContext, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type { Construct } from 'constructs';
import type { EcsRunTaskProps } from './run-task-props';

/** Where an `awsvpc` task's ENI goes, and the groups it is in (what `EcsRunTask.connections` controls). */
export interface TaskNetwork {
  /** `NetworkConfiguration`, a token resolving to `{ AwsvpcConfiguration: ... }`; undefined for other network modes. */
  configuration?: IResolvable;
  connections: ec2.Connections;
}

/**
 * Each field on its own: the prop, else the service's (one the app defines; an imported service's groups must be
 * given), else a default — subnets: the VPC's private ones; security
 * groups: one the construct creates (all outbound), since RunTask would otherwise use the VPC's default group, which
 * new CDK apps strip of every rule (`@aws-cdk/aws-ec2:restrictDefaultSecurityGroup`); public IP: RunTask's (none).
 */
export function taskNetwork(
  scope: Construct,
  props: EcsRunTaskProps,
  service: ecs.BaseService | undefined,
  cluster: ecs.ICluster,
  taskDefinition: ecs.TaskDefinition,
): TaskNetwork {
  // Network props on another network mode are reported by the synth-time validation, not used.
  if (taskDefinition.networkMode !== ecs.NetworkMode.AWS_VPC) return { connections: new ec2.Connections() };
  if (props.service && !service && !props.securityGroups) {
    // A group of our own would let the task run where the service does not, and fail on what the service may reach.
    throw new Error(
      `${scope.node.path}: ${props.service.node.path} is an imported service, whose security groups are not known; give \`securityGroups\` (the service's, e.g. ec2.SecurityGroup.fromSecurityGroupId) and, unless the VPC's private subnets are where it runs, \`vpcSubnets\``,
    );
  }
  const serviceGroups = service?.connections.securityGroups ?? [];
  const securityGroups =
    props.securityGroups ?? (serviceGroups.length > 0 ? serviceGroups : [createdGroup(scope, cluster)]);
  const selectedSubnets = props.vpcSubnets && vpcOf(scope, cluster).selectSubnets(props.vpcSubnets).subnetIds;
  return {
    configuration: new AwsvpcConfiguration({
      subnets: selectedSubnets,
      defaultSubnets: () => vpcOf(scope, cluster).selectSubnets().subnetIds,
      securityGroupIds: securityGroups.map((group) => group.securityGroupId),
      assignPublicIp: props.assignPublicIp === undefined ? undefined : props.assignPublicIp ? 'ENABLED' : 'DISABLED',
      service: service?.node.defaultChild as ecs.CfnService | undefined,
    }),
    connections: new ec2.Connections({ securityGroups }),
  };
}

function createdGroup(scope: Construct, cluster: ecs.ICluster): ec2.SecurityGroup {
  return new ec2.SecurityGroup(scope, 'SecurityGroup', {
    vpc: vpcOf(scope, cluster),
    description: `Tasks of ${scope.node.path}`,
    allowAllOutbound: true,
  });
}

function vpcOf(scope: Construct, cluster: ecs.ICluster): ec2.IVpc {
  // ICluster types vpc as always there, but a JavaScript or jsii caller can import a cluster with `vpc: undefined`.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
  if (!cluster.vpc) {
    throw new Error(
      `${scope.node.path}: the cluster has no VPC to select subnets or create a security group in; give \`service\`, \`securityGroups\` and \`vpcSubnets\`, or a cluster with its \`vpc\``,
    );
  }
  return cluster.vpc;
}

interface AwsvpcFields {
  subnets?: string[];
  defaultSubnets: () => string[];
  securityGroupIds: string[];
  assignPublicIp?: string;
  service?: ecs.CfnService;
}

/**
 * Rendered at synthesis, when the service's own network configuration (a lazy value of the L1, in its camelCase) is
 * complete; written in the PascalCase the runner and `AWS::ECS::Service` share.
 */
class AwsvpcConfiguration implements IResolvable {
  readonly creationStack: string[] = [];

  constructor(private readonly fields: AwsvpcFields) {}

  resolve(context: IResolveContext): unknown {
    const inherited = this.fields.service
      ? (
          context.resolve(this.fields.service.networkConfiguration) as
            { awsvpcConfiguration?: { subnets?: unknown; assignPublicIp?: unknown } } | undefined
        )?.awsvpcConfiguration
      : undefined;
    const subnets = this.fields.subnets ?? inherited?.subnets ?? this.fields.defaultSubnets();
    const assignPublicIp = this.fields.assignPublicIp ?? inherited?.assignPublicIp;
    return {
      AwsvpcConfiguration: {
        Subnets: subnets,
        SecurityGroups: this.fields.securityGroupIds,
        ...(assignPublicIp !== undefined ? { AssignPublicIp: assignPublicIp } : {}),
      },
    };
  }

  toString(): string {
    return Token.asString(this);
  }
}
