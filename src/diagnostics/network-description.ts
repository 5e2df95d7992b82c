import type { SecurityGroup, Subnet } from '@aws-sdk/client-ec2';
import type { AwsVpcConfiguration } from '@aws-sdk/client-ecs';
import type { Ec2Api } from '../aws/ports';

/** What EC2 knows of the subnets and security groups a network configuration names. */
export interface NetworkDescription {
  subnets: Subnet[];
  securityGroups: SecurityGroup[];
}

/** Read once per request: the pre-flight check and the network path inspection both work from it. */
export async function describeNetwork(ec2: Ec2Api, network: AwsVpcConfiguration): Promise<NetworkDescription> {
  const subnetIds = network.subnets ?? [];
  const groupIds = network.securityGroups ?? [];
  // Filters rather than IDs: EC2 answers an unknown ID with an error naming only the first one.
  const [subnets, groups] = await Promise.all([
    ec2.describeSubnets({ Filters: [{ Name: 'subnet-id', Values: subnetIds }] }),
    groupIds.length === 0
      ? undefined
      : ec2.describeSecurityGroups({ Filters: [{ Name: 'group-id', Values: groupIds }] }),
  ]);
  return { subnets: subnets.Subnets ?? [], securityGroups: groups?.SecurityGroups ?? [] };
}
