/** The two templates and the readers the stack-wiring tests (stack-network, stack-tasks, stack-wiring) share. */
import { evaluate, isRecord, loadTemplate, properties, ref, resourcesOfType, type Template } from './cfn-yaml';

export const stack = loadTemplate('stack.yml');
export const runner = loadTemplate('task-runner.yml');

export const PRIVATE_SUBNETS = [ref('PrivateSubnetA'), ref('PrivateSubnetB')];
export const TASK_NETWORK = {
  AwsvpcConfiguration: {
    Subnets: PRIVATE_SUBNETS,
    SecurityGroups: [ref('ApplicationSecurityGroup')],
    AssignPublicIp: 'DISABLED',
  },
};

export function records(value: unknown): Record<string, unknown>[] {
  if (!Array.isArray(value)) throw new Error(`expected a list, got ${JSON.stringify(value)}`);
  return value.map((item: unknown) => {
    if (!isRecord(item)) throw new Error(`expected a map, got ${JSON.stringify(item)}`);
    return item;
  });
}

export function record(value: unknown): Record<string, unknown> {
  if (!isRecord(value)) throw new Error(`expected a map, got ${JSON.stringify(value)}`);
  return value;
}

export function parameter(template: Template, name: string): Record<string, unknown> {
  const found = template.Parameters?.[name];
  if (!found) throw new Error(`no parameter ${name}`);
  return found;
}

/** The template's conditions for each launch type, with and without the optional parts. */
export const FARGATE = { UseEc2: false, UseHttps: false, NatGatewayInEachAz: false };
export const EC2 = { UseEc2: true, UseHttps: false, NatGatewayInEachAz: false };
export const HTTPS = { ...FARGATE, UseHttps: true };

/** A property as CloudFormation sees it under these conditions, references left as they are. */
export function under(conditions: Record<string, boolean>, value: unknown): unknown {
  const keepReferences = new Proxy({}, { has: () => true, get: (_target, name) => ({ Ref: String(name) }) });
  return evaluate(value, { values: keepReferences, conditions });
}

/** The user data script of the container instances, before CloudFormation substitutes ${...}. */
export function userDataScript(): string {
  const data = record(
    properties(stack, 'ContainerInstanceLaunchTemplate', 'AWS::EC2::LaunchTemplate').LaunchTemplateData,
  );
  return String(record(record(data.UserData)['Fn::Base64'])['Fn::Sub']);
}

// --- Security group rules, inline or separate, in one comparable shape -------------------------------------------

export type Direction = 'ingress' | 'egress';
export interface Rule {
  protocol: string;
  ports: string;
  peer: unknown;
}

const PEER_KEYS = [
  'CidrIp',
  'CidrIpv6',
  'SourceSecurityGroupId',
  'DestinationSecurityGroupId',
  'SourcePrefixListId',
  'DestinationPrefixListId',
];

function toRule(raw: Record<string, unknown>): Rule {
  const peers = PEER_KEYS.filter((key) => raw[key] !== undefined);
  if (peers.length !== 1) throw new Error(`a rule needs exactly one peer: ${JSON.stringify(raw)}`);
  const protocol = String(raw.IpProtocol);
  const ports = raw.FromPort === undefined ? 'all' : `${raw.FromPort as number}-${raw.ToPort as number}`;
  return { protocol, ports, peer: raw[peers[0] as string] };
}

export function rulesOf(group: string, direction: Direction, conditions: Record<string, boolean> = FARGATE): Rule[] {
  const inlineKey = direction === 'ingress' ? 'SecurityGroupIngress' : 'SecurityGroupEgress';
  const separateType = direction === 'ingress' ? 'AWS::EC2::SecurityGroupIngress' : 'AWS::EC2::SecurityGroupEgress';
  const inline = under(conditions, properties(stack, group, 'AWS::EC2::SecurityGroup')[inlineKey]);
  const separate = resourcesOfType(stack, separateType)
    .map(([, rule]) => rule.Properties ?? {})
    .filter((rule) => JSON.stringify(rule.GroupId) === JSON.stringify(ref(group)));
  return [...(inline === undefined ? [] : records(inline)), ...separate].map(toRule);
}

export const anywhere = (protocol: string, port: number): Rule => ({
  protocol,
  ports: `${port}-${port}`,
  peer: '0.0.0.0/0',
});
export const group = (protocol: string, port: number, peer: string): Rule => ({
  protocol,
  ports: `${port}-${port}`,
  peer: ref(peer),
});

/** Every attribute that `template` reads from `logicalId` with Fn::GetAtt. */
export function attributesRead(template: Template, logicalId: string): string[] {
  const found: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    if (!isRecord(value)) return;
    const getAtt = value['Fn::GetAtt'];
    if (Array.isArray(getAtt) && getAtt[0] === logicalId) found.push(String(getAtt[1]));
    Object.values(value).forEach(visit);
  };
  visit(template);
  return found;
}

/** Evaluates the properties with `values` and `conditions`, and turns every scalar into a string, as CloudFormation does. */
export function asCloudFormationDelivers(
  value: unknown,
  values: Record<string, string>,
  conditions: Record<string, boolean>,
): Record<string, unknown> {
  const stringify = (item: unknown): unknown => {
    if (Array.isArray(item)) return item.map(stringify);
    if (isRecord(item)) return Object.fromEntries(Object.entries(item).map(([key, inner]) => [key, stringify(inner)]));
    return String(item);
  };
  return record(stringify(evaluate(value, { values, conditions })));
}
