import type { RouteTable } from '@aws-sdk/client-ec2';
import type { Ec2Api } from '../aws/ports';
import type { NetworkDescription } from './network-description';

export interface NetworkPathInput {
  subnets: string[];
  securityGroups: string[];
  /** The task gets a public IP (Fargate with AssignPublicIp ENABLED): an internet gateway route then works. */
  publicIp: boolean;
  usesSecrets: boolean;
}

export interface NetworkPath {
  /** Every subnet can reach ECR, S3 and CloudWatch Logs: by a route out, or by VPC endpoints. */
  wayOut: boolean;
  /** What was found, in words a person can act on. */
  findings: string;
}

/**
 * Can a task in these subnets reach the services it needs to start (ECR api and dkr, S3 for image layers,
 * CloudWatch Logs, Secrets Manager or SSM for secrets)? Reads the subnets' route tables (explicit association, else
 * the VPC's main table), the VPC's endpoints and the security groups' egress rules (from `description`).
 */
export async function inspectNetworkPath(
  ec2: Ec2Api,
  input: NetworkPathInput,
  description: NetworkDescription,
): Promise<NetworkPath> {
  const vpcId = description.subnets[0]?.VpcId;
  if (!vpcId) return { wayOut: false, findings: `subnets ${input.subnets.join(', ')} were not found` };
  const [tables, endpoints] = await Promise.all([
    ec2.describeRouteTables({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }),
    ec2.describeVpcEndpoints({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }),
  ]);

  const routeTables = tables.RouteTables ?? [];
  const main = routeTables.find((table) => table.Associations?.some((association) => association.Main));
  const blocked: string[] = [];
  const exits = new Set<string>();
  for (const subnet of input.subnets) {
    const table =
      routeTables.find((candidate) => candidate.Associations?.some((association) => association.SubnetId === subnet)) ??
      main;
    const exit = defaultRoute(table);
    const where = `${subnet} (route table ${table?.RouteTableId ?? 'none'})`;
    if (exit === undefined) blocked.push(`${where} has no 0.0.0.0/0 route to a NAT gateway`);
    else if (exit.startsWith('igw-') && !input.publicIp)
      blocked.push(
        `${where} routes 0.0.0.0/0 to internet gateway ${exit}, which a task without a public IP cannot use`,
      );
    else exits.add(exit);
  }

  const present = new Set(
    (endpoints.VpcEndpoints ?? []).map((endpoint) => endpoint.ServiceName?.split('.').slice(3).join('.')),
  );
  const needed = ['ecr.api', 'ecr.dkr', 's3', 'logs', ...(input.usesSecrets ? ['secretsmanager'] : [])];
  const missing = needed.filter((service) => !present.has(service));

  const allows443 = description.securityGroups.some((group) =>
    (group.IpPermissionsEgress ?? []).some(
      (rule) =>
        rule.IpProtocol === '-1' ||
        (rule.IpProtocol === 'tcp' && (rule.FromPort ?? 0) <= 443 && 443 <= (rule.ToPort ?? 65535)),
    ),
  );
  const egressFinding =
    input.securityGroups.length > 0 && !allows443
      ? ` Security groups ${input.securityGroups.join(', ')} allow no outbound TCP 443, which pulling images needs.`
      : '';

  if (blocked.length === 0 || missing.length === 0) {
    const via =
      blocked.length === 0
        ? `the subnets route 0.0.0.0/0 via ${[...exits].join(', ')}`
        : `the VPC has endpoints for ${needed.join(', ')}`;
    return {
      wayOut: egressFinding === '',
      findings:
        `Network: ${via}.` +
        (egressFinding ||
          ' Check the network ACLs and that the security groups allow outbound TCP 443 and DNS (UDP 53).'),
    };
  }
  return {
    wayOut: false,
    findings:
      `Network: ${blocked.join('; ')}, and VPC ${vpcId} has no endpoint for ${missing.join(', ')}` +
      ' — add a 0.0.0.0/0 route to a NAT gateway to those route tables, or the missing VPC endpoints' +
      `${input.publicIp ? '' : ' (or, on Fargate in a public subnet, AssignPublicIp ENABLED)'}.${egressFinding}`,
  };
}

/** Where a route table sends 0.0.0.0/0 (NAT gateway, instance, transit gateway, internet gateway), if anywhere. */
function defaultRoute(table: RouteTable | undefined): string | undefined {
  const route = table?.Routes?.find(
    (candidate) => candidate.DestinationCidrBlock === '0.0.0.0/0' && candidate.State !== 'blackhole',
  );
  if (!route) return undefined;
  return (
    route.NatGatewayId ??
    route.InstanceId ??
    route.NetworkInterfaceId ??
    route.TransitGatewayId ??
    route.GatewayId ??
    route.VpcPeeringConnectionId
  );
}
