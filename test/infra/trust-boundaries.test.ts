import {
  ALLOWED_ACCOUNTS_VARIABLE,
  ORGANIZATION_VARIABLE,
  STACK_STATUS_ROLE_NAME_VARIABLE,
} from '../../src/requests/accounts-served';
import { EXTRA_ENDPOINTS_VARIABLE, extraResponseEndpoints } from '../../src/response/response-url';
import { evaluate, isRecord, loadTemplate, properties, ref } from './cfn-yaml';

const runner = loadTemplate('task-runner.yml');
const statusRole = loadTemplate('stack-status-role.yml');

/** Evaluates a rule function as CloudFormation does, for the functions the templates' Rules use. */
function ruleHolds(rule: unknown, values: Record<string, string | string[]>): boolean {
  if (!isRecord(rule)) throw new Error(`not a rule function: ${JSON.stringify(rule)}`);
  const [[name, argument]] = Object.entries(rule) as [[string, unknown]];
  if (name === 'Fn::Not') return !ruleHolds((argument as unknown[])[0], values);
  if (name === 'Fn::EachMemberEquals') {
    const [list, value] = argument as [unknown, string];
    const members = evaluate(list, { values }) as string[];
    return members.every((member) => member === value);
  }
  if (name === 'Fn::Equals') {
    const [left, right] = (argument as unknown[]).map((side) => evaluate(side, { values }));
    return left === right;
  }
  throw new Error(`rule function ${name} is not evaluated here`);
}

/** The AssertDescriptions CloudFormation would refuse the stack with, for these parameter values. */
function refusals(given: Record<string, string | string[]>): string[] {
  // The String parameters' defaults, unless given.
  const values = { OrganizationId: '', StackStatusRoleName: '', ...given };
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
    // Besides the role of StackStatusRoleName in an Organization's accounts (below).
    const statements = runnerStatements().filter(
      (statement) =>
        JSON.stringify(statement).includes('sts:AssumeRole') &&
        !JSON.stringify(statement).includes('ReadStacksInTheOrganization'),
    );
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

/** The runner role's statements, as the template writes them (a conditional one inside its Fn::If). */
function runnerStatements(): unknown[] {
  return (
    (properties(runner, 'Role', 'AWS::IAM::Role').Policies as { PolicyDocument: { Statement: unknown[] } }[])[0]
      ?.PolicyDocument.Statement ?? []
  );
}

describe('task-runner.yml serving an Organization', () => {
  const NARROW = {
    TaskDefinitionArns: ['arn:aws:ecs:eu-west-1:123456789012:task-definition/app-migrate:*'],
    TaskLogGroupArns: ['arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/app:*'],
  };
  const EMPTY = [''];
  const variables = (properties(runner, 'Function', 'AWS::Lambda::Function').Environment as Record<string, unknown>)
    .Variables as Record<string, unknown>;

  it('takes OrganizationId and StackStatusRoleName, empty by default, each as its pattern allows', () => {
    const parameter = (name: string) =>
      runner.Parameters?.[name] as { Type: string; Default: string; AllowedPattern: string };
    const allowed = (name: string, value: string) => new RegExp(parameter(name).AllowedPattern).test(value);
    for (const name of ['OrganizationId', 'StackStatusRoleName'])
      expect(parameter(name)).toMatchObject({ Type: 'String', Default: '' });
    expect(['', 'o-a1b2c3d4e5'].filter((value) => allowed('OrganizationId', value))).toHaveLength(2);
    expect(['o-abc', 'O-A1B2C3D4E5', 'r-a1b2', '210987654321'].some((value) => allowed('OrganizationId', value))).toBe(
      false,
    );
    expect(allowed('StackStatusRoleName', 'ecs-task-runner-stack-status')).toBe(true);
    expect(allowed('StackStatusRoleName', 'role/ecs-task-runner')).toBe(false);
    expect(allowed('StackStatusRoleName', 'r'.repeat(65))).toBe(false);
  });

  it('passes both to the function as ORGANIZATION_ID and STACK_STATUS_ROLE_NAME', () => {
    expect(variables[ORGANIZATION_VARIABLE]).toEqual(ref('OrganizationId'));
    expect(variables[STACK_STATUS_ROLE_NAME_VARIABLE]).toEqual(ref('StackStatusRoleName'));
  });

  it('requires TaskDefinitionArns and TaskLogGroupArns with OrganizationId, and OrganizationId with StackStatusRoleName', () => {
    const organization = { OrganizationId: 'o-a1b2c3d4e5', TopicAccountIds: EMPTY };
    expect(refusals({ ...organization, ...NARROW, StackStatusRoleName: 'ecs-task-runner-stack-status' })).toEqual([]);
    expect(refusals({ ...organization, TaskDefinitionArns: EMPTY, TaskLogGroupArns: EMPTY })).toEqual([
      expect.stringContaining('With OrganizationId, give TaskDefinitionArns'),
      expect.stringContaining('With OrganizationId, give TaskLogGroupArns'),
    ]);
    expect(
      refusals({ TopicAccountIds: EMPTY, ...NARROW, StackStatusRoleName: 'ecs-task-runner-stack-status' }),
    ).toEqual([expect.stringContaining('StackStatusRoleName needs OrganizationId')]);
  });

  it('offers the topic to the Organization: any of its principals may publish (aws:PrincipalOrgID), SNS alone invokes', () => {
    const conditions = (accounts: string[], organizationId: string) => {
      const listsTopicAccounts = accounts.join('') !== '';
      const servesOrganization = organizationId !== '';
      return { ListsTopicAccounts: listsTopicAccounts, ServesOrganization: servesOrganization };
    };
    expect(runner.Conditions?.ServesOrganization).toEqual({
      'Fn::Not': [{ 'Fn::Equals': [ref('OrganizationId'), ''] }],
    });
    const policy = properties(runner, 'TopicPolicy', 'AWS::SNS::TopicPolicy').PolicyDocument as { Statement: unknown };
    const statementsFor = (accounts: string[], organizationId: string) =>
      evaluate(policy.Statement, {
        values: {
          TopicAccountIds: accounts,
          OrganizationId: organizationId,
          Topic: 'arn:aws:sns:eu-west-1:123456789012:t',
        },
        conditions: conditions(accounts, organizationId),
      });
    expect(statementsFor([''], 'o-a1b2c3d4e5')).toEqual([
      {
        Sid: 'OrganizationPublishesRequests',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: 'sns:Publish',
        Resource: 'arn:aws:sns:eu-west-1:123456789012:t',
        Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
      },
    ]);
    expect(statementsFor(['210987654321'], '')).toEqual([
      expect.objectContaining({ Sid: 'AllowedAccountsPublishRequests', Principal: { AWS: ['210987654321'] } }),
    ]);
    expect(properties(runner, 'TopicInvokesFunction', 'AWS::Lambda::Permission')).toMatchObject({
      Principal: 'sns.amazonaws.com',
      SourceArn: ref('Topic'),
    });
  });

  it('may assume the role of StackStatusRoleName in accounts of the Organization only, in one statement', () => {
    expect(runnerStatements()).toContainEqual({
      'Fn::If': [
        'AssumesNamedStackStatusRole',
        {
          Sid: 'ReadStacksInTheOrganization',
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/${StackStatusRoleName}' },
          Condition: { StringEquals: { 'aws:ResourceOrgID': ref('OrganizationId') } },
        },
        ref('AWS::NoValue'),
      ],
    });
  });

  it('confirms requests with DescribeStackResource on the stacks it may describe', () => {
    expect(runnerStatements()).toContainEqual({
      Sid: 'ConfirmRequestsThroughTheTopic',
      Effect: 'Allow',
      Action: 'cloudformation:DescribeStackResource',
      Resource: {
        'Fn::If': [
          'AnyStack',
          { 'Fn::Sub': 'arn:${AWS::Partition}:cloudformation:${AWS::Region}:${AWS::AccountId}:stack/*' },
          ref('StackArns'),
        ],
      },
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

  it('allows DescribeStacks and DescribeStackResource only, on the given stacks or those of its account and region', () => {
    const [policy] = role.Policies as { PolicyDocument: { Statement: Record<string, unknown>[] } }[];
    const statements = policy?.PolicyDocument.Statement ?? [];
    expect(statements.map((statement) => statement.Action)).toEqual([
      ['cloudformation:DescribeStacks', 'cloudformation:DescribeStackResource'],
    ]);
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
