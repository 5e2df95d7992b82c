import type { AwsVpcConfiguration } from '@aws-sdk/client-ecs';
import type { PropertyReader } from './property-reader';

const SUBNET_ID = /^subnet-[0-9a-z]+$/;
const SECURITY_GROUP_ID = /^sg-[0-9a-z]+$/;
const ASSIGN_PUBLIC_IP = ['ENABLED', 'DISABLED'] as const;

/** `AWS::ECS::Service`'s shape, so that a service's network configuration can be copied over as it is. */
const NESTED_KEYS = ['AwsvpcConfiguration'] as const;
const AWSVPC_KEYS = ['Subnets', 'SecurityGroups', 'AssignPublicIp'] as const;

/**
 * The task networking (`awsvpc`) configuration, from either `NetworkConfiguration.AwsvpcConfiguration` or the
 * top-level shorthand `Subnets` / `SecurityGroups` / `AssignPublicIp` — never both.
 */
export function readNetworkConfiguration(
  reader: PropertyReader,
  properties: Record<string, unknown>,
): AwsVpcConfiguration | undefined {
  const nested = reader.object('NetworkConfiguration', properties.NetworkConfiguration);
  const shorthandKeys = AWSVPC_KEYS.filter((key) => properties[key] !== undefined);
  if (nested && shorthandKeys.length > 0) {
    reader.problem(
      'NetworkConfiguration',
      `given together with ${shorthandKeys.join(', ')}; use either NetworkConfiguration.AwsvpcConfiguration or the top-level shorthand, not both`,
    );
    return undefined;
  }
  if (nested) {
    const nestedReader = reader.nested('NetworkConfiguration.');
    nestedReader.rejectUnknown(nested, NESTED_KEYS);
    const awsvpc = nestedReader.object('AwsvpcConfiguration', nested.AwsvpcConfiguration);
    if (!awsvpc) {
      if (nested.AwsvpcConfiguration === undefined)
        nestedReader.missing('AwsvpcConfiguration', 'is required inside NetworkConfiguration');
      return undefined;
    }
    const awsvpcReader = reader.nested('NetworkConfiguration.AwsvpcConfiguration.');
    awsvpcReader.rejectUnknown(awsvpc, AWSVPC_KEYS);
    return readAwsvpc(awsvpcReader, awsvpc);
  }
  if (shorthandKeys.length === 0) return undefined;
  return readAwsvpc(reader, properties);
}

function readAwsvpc(reader: PropertyReader, source: Record<string, unknown>): AwsVpcConfiguration | undefined {
  const subnets = reader.stringList('Subnets', source.Subnets, {
    min: 1,
    max: 16,
    pattern: SUBNET_ID,
    patternHint: 'is not a subnet ID (subnet-…)',
  });
  if (source.Subnets === undefined)
    reader.missing('Subnets', 'is required for task networking: list 1 to 16 subnet IDs of one VPC');
  const securityGroups = reader.stringList('SecurityGroups', source.SecurityGroups, {
    max: 5,
    pattern: SECURITY_GROUP_ID,
    patternHint: 'is not a security group ID (sg-…)',
  });
  const assignPublicIp = reader.oneOf('AssignPublicIp', source.AssignPublicIp, ASSIGN_PUBLIC_IP);
  if (!subnets) return undefined;
  return {
    subnets,
    ...(securityGroups && securityGroups.length > 0 ? { securityGroups } : {}),
    ...(assignPublicIp ? { assignPublicIp } : {}),
  };
}
