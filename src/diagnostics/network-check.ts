import type { AwsVpcConfiguration } from '@aws-sdk/client-ecs';
import type { NetworkDescription } from './network-description';

/**
 * Checks against EC2's description that every subnet and security group exists and that all of them sit in one
 * VPC, so that a typo fails before RunTask with the IDs named rather than as a task stuck in PROVISIONING.
 * Returns the problems found (empty: the network configuration can work).
 */
export function checkNetwork(network: AwsVpcConfiguration, description: NetworkDescription): string[] {
  const subnetIds = network.subnets ?? [];
  const groupIds = network.securityGroups ?? [];
  const vpcOf = new Map<string, string>();
  for (const subnet of description.subnets)
    if (subnet.SubnetId && subnet.VpcId) vpcOf.set(subnet.SubnetId, subnet.VpcId);
  for (const group of description.securityGroups)
    if (group.GroupId && group.VpcId) vpcOf.set(group.GroupId, group.VpcId);

  const problems: string[] = [];
  const missingSubnets = subnetIds.filter((id) => !vpcOf.has(id));
  const missingGroups = groupIds.filter((id) => !vpcOf.has(id));
  if (missingSubnets.length > 0) {
    problems.push(
      `Subnets: ${missingSubnets.join(', ')} ${missingSubnets.length === 1 ? 'does' : 'do'} not exist in this account and region`,
    );
  }
  if (missingGroups.length > 0) {
    problems.push(
      `SecurityGroups: ${missingGroups.join(', ')} ${missingGroups.length === 1 ? 'does' : 'do'} not exist in this account and region`,
    );
  }
  const byVpc = new Map<string, string[]>();
  for (const [id, vpc] of vpcOf) byVpc.set(vpc, [...(byVpc.get(vpc) ?? []), id]);
  if (byVpc.size > 1) {
    const spread = [...byVpc].map(([vpc, ids]) => `${vpc} (${ids.join(', ')})`).join(' and ');
    problems.push(`Subnets and SecurityGroups must all be in one VPC, but they are spread over ${spread}`);
  }
  return problems;
}
