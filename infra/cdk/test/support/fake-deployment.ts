import { createHash } from 'node:crypto';
import { asCloudFormationSends, type CloudFormationValue } from '../../../../scripts/local/cloudformation';
import { type Reference, resolveIntrinsics, type SynthesizedTemplate } from './template-values';

export const FAKE_REGION = 'eu-west-1';
export const FAKE_ACCOUNT = '123456789012';

/**
 * A property value as CloudFormation would deliver it to the runner, had it deployed the template: references
 * replaced by IDs and ARNs of the right shape for their resource type, every scalar a string.
 */
export function asDeployed(template: SynthesizedTemplate, value: unknown): CloudFormationValue {
  return asCloudFormationSends(resolveIntrinsics(value, (reference) => fakeValue(template, reference)));
}

function fakeValue(template: SynthesizedTemplate, { logicalId, attribute }: Reference): string {
  const pseudo: Record<string, string> = {
    'AWS::Region': FAKE_REGION,
    'AWS::AccountId': FAKE_ACCOUNT,
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
  };
  if (pseudo[logicalId]) return pseudo[logicalId];
  const parameter = template.Parameters?.[logicalId];
  if (parameter) return String(parameter.Default);
  const resource = template.Resources[logicalId];
  const id = createHash('sha256').update(logicalId).digest('hex').slice(0, 17);
  const arn = (service: string, rest: string): string => `arn:aws:${service}:${FAKE_REGION}:${FAKE_ACCOUNT}:${rest}`;
  switch (`${resource?.Type} ${attribute ?? 'Ref'}`) {
    case 'AWS::EC2::Subnet Ref':
      return `subnet-${id}`;
    case 'AWS::EC2::SecurityGroup GroupId':
      return `sg-${id}`;
    case 'AWS::IAM::Role Arn':
      return `arn:aws:iam::${FAKE_ACCOUNT}:role/${logicalId}`;
    case 'AWS::ECS::Cluster Ref':
      return logicalId;
    case 'AWS::ECS::Cluster Arn':
      return arn('ecs', `cluster/${logicalId}`);
    case 'AWS::ECS::TaskDefinition Ref':
      return arn('ecs', `task-definition/${String(resource?.Properties?.Family)}:1`);
    case 'AWS::Lambda::Function Arn':
      return arn('lambda', `function:${logicalId}`);
    default:
      throw new Error(
        `No fake value for ${attribute ? `Fn::GetAtt ${logicalId}.${attribute}` : `Ref ${logicalId}`} (${resource?.Type ?? 'not in the template'})`,
      );
  }
}
