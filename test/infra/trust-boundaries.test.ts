import { ALLOWED_ACCOUNTS_VARIABLE } from '../../src/requests/accounts-served';
import { EXTRA_ENDPOINTS_VARIABLE, extraResponseEndpoints } from '../../src/response/response-url';
import { evaluate, isRecord, loadTemplate, properties, ref } from './cfn-yaml';

const runner = loadTemplate('task-runner.yml');
const statusRole = loadTemplate('stack-status-role.yml');

/** Evaluates a rule function as CloudFormation does, for the functions the templates' Rules use. */
function ruleHolds(rule: unknown, values: Record<string, string[]>): boolean {
  if (!isRecord(rule)) throw new Error(`not a rule function: ${JSON.stringify(rule)}`);
  const [[name, argument]] = Object.entries(rule) as [[string, unknown]];
  if (name === 'Fn::Not') return !ruleHolds((argument as unknown[])[0], values);
  if (name === 'Fn::EachMemberEquals') {
    const [list, value] = argument as [unknown, string];
    const members = evaluate(list, { values }) as string[];
    return members.every((member) => member === value);
  }
  throw new Error(`rule function ${name} is not evaluated here`);
}

/** The AssertDescriptions CloudFormation would refuse the stack with, for these parameter values. */
function refusals(values: Record<string, string[]>): string[] {
  return Object.values(runner.Rules ?? {}).flatMap((rule) =>
    rule.RuleCondition === undefined || ruleHolds(rule.RuleCondition, values)
      ? (rule.Assertions ?? [])
          .filter((assertion) => !ruleHolds(assertion.Assert, values))
          .map((assertion) => assertion.AssertDescription ?? '')
      : [],
  );
}

describe('task-runner.yml serving other accounts', () => {
  const NARROW = {
    TaskDefinitionArns: ['arn:aws:ecs:eu-west-1:123456789012:task-definition/app-migrate:*'],
    TaskLogGroupArns: ['arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/app:*'],
  };
  const EMPTY = [''];

  it('requires TaskDefinitionArns and TaskLogGroupArns whenever TopicAccountIds is set', () => {
    const withTopic = { TopicAccountIds: ['210987654321'] };
    expect(refusals({ ...withTopic, ...NARROW })).toEqual([]);
    expect(refusals({ ...withTopic, TaskDefinitionArns: EMPTY, TaskLogGroupArns: NARROW.TaskLogGroupArns })).toEqual([
      expect.stringContaining('give TaskDefinitionArns'),
    ]);
    expect(refusals({ ...withTopic, TaskDefinitionArns: NARROW.TaskDefinitionArns, TaskLogGroupArns: EMPTY })).toEqual([
      expect.stringContaining('give TaskLogGroupArns'),
    ]);
  });

  it('requires neither without a topic', () => {
    expect(refusals({ TopicAccountIds: EMPTY, TaskDefinitionArns: EMPTY, TaskLogGroupArns: EMPTY })).toEqual([]);
  });

  it('tells the function which accounts it serves, from TopicAccountIds', () => {
    const variables = (properties(runner, 'Function', 'AWS::Lambda::Function').Environment as Record<string, unknown>)
      .Variables as Record<string, unknown>;
    expect(Object.keys(variables)).toContain(ALLOWED_ACCOUNTS_VARIABLE);
    const value = (accounts: string[]) =>
      evaluate(variables[ALLOWED_ACCOUNTS_VARIABLE], { values: { TopicAccountIds: accounts } });
    expect(value(['210987654321', '111111111111'])).toBe('210987654321,111111111111');
    expect(value([''])).toBe('');
  });

  it('may assume only the roles of StackStatusRoleArns, and none when it is empty', () => {
    const statements = (
      (properties(runner, 'Role', 'AWS::IAM::Role').Policies as { PolicyDocument: { Statement: unknown[] } }[])[0]
        ?.PolicyDocument.Statement ?? []
    ).filter((statement) => JSON.stringify(statement).includes('sts:AssumeRole'));
    expect(statements).toEqual([
      {
        'Fn::If': [
          'AssumesStackStatusRoles',
          {
            Sid: 'ReadStackStatusInOtherAccounts',
            Effect: 'Allow',
            Action: 'sts:AssumeRole',
            Resource: ref('StackStatusRoleArns'),
          },
          ref('AWS::NoValue'),
        ],
      },
    ]);
    expect(runner.Conditions?.AssumesStackStatusRoles).toEqual({
      'Fn::Not': [{ 'Fn::Equals': [{ 'Fn::Join': ['', ref('StackStatusRoleArns')] }, ''] }],
    });
  });
});

describe('task-runner.yml answering in a partition the runner does not know', () => {
  const parameter = runner.Parameters?.ExtraResponseEndpoints as { AllowedPattern: string; Default: string };
  const allowed = (value: string) => new RegExp(parameter.AllowedPattern).test(value);

  it('passes ExtraResponseEndpoints to the function as RESPONSE_URL_EXTRA_ENDPOINTS, empty by default', () => {
    const variables = (properties(runner, 'Function', 'AWS::Lambda::Function').Environment as Record<string, unknown>)
      .Variables as Record<string, unknown>;
    expect(variables[EXTRA_ENDPOINTS_VARIABLE]).toEqual(ref('ExtraResponseEndpoints'));
    expect(parameter.Default).toBe('');
    expect(allowed('')).toBe(true);
  });

  it('takes only what the runner reads as <host>/<bucket> pairs: never a host alone', () => {
    const pairs = [
      's3.fu-north-1.example.cloud/cloudformation-custom-resource-response-funorth1',
      's3.fu-north-1.example.cloud/cloudformation-custom-resource-response-funorth1,s3-fips.fu-north-1.example.cloud/cloudformation-custom-resource-response-funorth1',
    ];
    for (const value of pairs) {
      expect(allowed(value)).toBe(true);
      expect(extraResponseEndpoints(value).ignored).toEqual([]);
    }
    for (const value of [
      's3.fu-north-1.example.cloud',
      's3.example.cloud/ab',
      'S3.Example.Cloud/bucket',
      'a.b/ccc, d.e/fff',
    ])
      expect(allowed(value)).toBe(false);
  });
});

describe('stack-status-role.yml', () => {
  const role = properties(statusRole, 'Role', 'AWS::IAM::Role');

  it("can be assumed by the runner's role only", () => {
    expect(role.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: ref('RunnerRoleArn') }, Action: 'sts:AssumeRole' }],
    });
    expect(role.ManagedPolicyArns).toBeUndefined();
  });

  it('allows DescribeStacks only, on the given stacks or those of its account and region', () => {
    const [policy] = role.Policies as { PolicyDocument: { Statement: Record<string, unknown>[] } }[];
    const statements = policy?.PolicyDocument.Statement ?? [];
    expect(statements.map((statement) => statement.Action)).toEqual(['cloudformation:DescribeStacks']);
    const resourceFor = (stackArns: string[]) =>
      evaluate(statements[0]?.Resource, {
        values: {
          StackArns: stackArns,
          'AWS::Partition': 'aws',
          'AWS::Region': 'eu-west-1',
          'AWS::AccountId': '210987654321',
        },
        conditions: { AnyStack: stackArns.join('') === '' },
      });
    expect(resourceFor([''])).toBe('arn:aws:cloudformation:eu-west-1:210987654321:stack/*');
    expect(resourceFor(['arn:aws:cloudformation:eu-west-1:210987654321:stack/app/*'])).toEqual([
      'arn:aws:cloudformation:eu-west-1:210987654321:stack/app/*',
    ]);
  });

  it('gives the ARN the resources name as StackStatusRoleArn', () => {
    expect(statusRole.Outputs?.StackStatusRoleArn).toMatchObject({ Value: { 'Fn::GetAtt': ['Role', 'Arn'] } });
  });
});
