import {
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  ModifyVpcAttributeCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  RegisterTaskDefinitionCommand,
  type ContainerDefinition,
  type NetworkMode,
  type Compatibility,
} from '@aws-sdk/client-ecs';
import type { TemplateValue } from '../../../../scripts/local/cloudformation';
import type { LocalEnvironment } from '../../../../scripts/local/local-environment';
import {
  type Reference,
  referencesIn,
  resolveIntrinsics,
  scalarText,
  type SynthesizedTemplate,
} from './template-values';

/** What a deployed resource answers to `Ref` and to `Fn::GetAtt`. */
interface Deployed {
  ref: string;
  attributes: Record<string, string>;
}

/**
 * Creates in moto the resources of a synthesized template that a value refers to (VPCs, subnets, security groups,
 * clusters, task definitions, and what they refer to in turn), as CloudFormation would have, and resolves the value
 * against them. Parameters take their defaults. A reference to anything else is an error.
 */
export class MotoDeployment {
  private readonly deployed = new Map<string, Promise<Deployed>>();
  private readonly resolved = new Map<string, Deployed>();
  private subnets = 0;

  constructor(
    private readonly template: SynthesizedTemplate,
    private readonly environment: LocalEnvironment,
  ) {}

  /** The value with every reference replaced by what moto created for it. */
  async resolve(value: unknown): Promise<TemplateValue> {
    for (const reference of referencesIn(value)) await this.deploy(reference.logicalId);
    return resolveIntrinsics(value, (reference) => this.lookUp(reference));
  }

  private lookUp({ logicalId, attribute }: Reference): string {
    const pseudo: Record<string, string> = { 'AWS::Region': this.environment.moto.region, 'AWS::Partition': 'aws' };
    if (pseudo[logicalId]) return pseudo[logicalId];
    const parameter = this.template.Parameters?.[logicalId];
    if (parameter) return String(parameter.Default);
    const deployed = this.resolved.get(logicalId);
    const value = attribute === undefined ? deployed?.ref : deployed?.attributes[attribute];
    if (value === undefined)
      throw new Error(`moto has nothing for ${attribute ? `${logicalId}.${attribute}` : `Ref ${logicalId}`}`);
    return value;
  }

  private deploy(logicalId: string): Promise<Deployed | undefined> {
    if (logicalId.startsWith('AWS::') || this.template.Parameters?.[logicalId]) return Promise.resolve(undefined);
    let deployment = this.deployed.get(logicalId);
    if (!deployment) {
      deployment = this.create(logicalId).then((deployed) => {
        this.resolved.set(logicalId, deployed);
        return deployed;
      });
      this.deployed.set(logicalId, deployment);
    }
    return deployment;
  }

  private async create(logicalId: string): Promise<Deployed> {
    const resource = this.template.Resources[logicalId];
    if (!resource) throw new Error(`${logicalId} is not in the template`);
    const properties = resource.Properties ?? {};
    const { ec2, ecs } = this.environment.clients;
    const region = this.environment.moto.region;
    switch (resource.Type) {
      case 'AWS::EC2::VPC': {
        const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: String(properties.CidrBlock) }));
        const vpcId = required(Vpc?.VpcId, logicalId);
        if (properties.EnableDnsHostnames === true)
          await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: true } }));
        return { ref: vpcId, attributes: {} };
      }
      case 'AWS::EC2::Subnet': {
        const { Subnet } = await ec2.send(
          new CreateSubnetCommand({
            VpcId: scalarText(await this.resolve(properties.VpcId)),
            CidrBlock: String(properties.CidrBlock),
            // Fn::Select [i, Fn::GetAZs ''] in the template: one availability zone after the other here.
            AvailabilityZone: `${region}${'abcdef'[this.subnets++ % 6]}`,
          }),
        );
        return { ref: required(Subnet?.SubnetId, logicalId), attributes: {} };
      }
      case 'AWS::EC2::SecurityGroup': {
        const group = await ec2.send(
          new CreateSecurityGroupCommand({
            GroupName: logicalId,
            Description: String(properties.GroupDescription),
            VpcId: scalarText(await this.resolve(properties.VpcId)),
          }),
        );
        const groupId = required(group.GroupId, logicalId);
        return { ref: groupId, attributes: { GroupId: groupId } };
      }
      case 'AWS::ECS::Cluster': {
        const { cluster } = await ecs.send(new CreateClusterCommand({ clusterName: logicalId }));
        return { ref: logicalId, attributes: { Arn: required(cluster?.clusterArn, logicalId) } };
      }
      case 'AWS::ECS::TaskDefinition': {
        // moto runs no container: names, images and which are essential are what the runner reads.
        const containers = await Promise.all(
          (properties.ContainerDefinitions as Record<string, unknown>[]).map(
            async (container): Promise<ContainerDefinition> => ({
              name: String(container.Name),
              image: scalarText(await this.resolve(container.Image)),
              essential: container.Essential !== false,
              memory: 512,
            }),
          ),
        );
        const { taskDefinition } = await ecs.send(
          new RegisterTaskDefinitionCommand({
            family: String(properties.Family),
            networkMode: properties.NetworkMode as NetworkMode,
            requiresCompatibilities: properties.RequiresCompatibilities as Compatibility[],
            cpu: String(properties.Cpu),
            memory: String(properties.Memory),
            containerDefinitions: containers,
          }),
        );
        return { ref: required(taskDefinition?.taskDefinitionArn, logicalId), attributes: {} };
      }
      default:
        throw new Error(`The moto deployment does not create ${resource.Type} (${logicalId})`);
    }
  }
}

function required(value: string | undefined, logicalId: string): string {
  if (!value) throw new Error(`moto returned no ID for ${logicalId}`);
  return value;
}
