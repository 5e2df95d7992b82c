import path from 'node:path';
import { evaluate, getAtt, isRecord, loadTemplate, properties, ref, resource, type Template } from './cfn-yaml';
import { scanDirectory, scanSource } from './sdk-calls';

const SRC_DIR = path.resolve(__dirname, '../../src');

interface Statement {
  Sid?: string;
  Effect: string;
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
  /** The template condition under which the statement is in the policy (`!If [Condition, statement, !Ref AWS::NoValue]`). */
  OnlyIf?: string;
}

/** Granted although src/ makes no such call: each with why the runner needs it. */
const GRANTED_WITHOUT_A_CALL: Record<string, string> = {
  'iam:PassRole':
    'RunTask passes the task definition’s task and execution roles (and those in Overrides) to ECS tasks, and the ECS infrastructure role of VolumeConfigurations to ECS, which creates the EBS volumes with it',
  'ecs:TagResource':
    'RunTask tags every task it creates with its request (IfRunning), and with Tags, PropagateTags or EnableECSManagedTags',
  'sqs:SendMessage':
    'Lambda sends the record of an asynchronous event it gave up on to the FailedEvents queue with the function’s role',
  'logs:CreateLogStream': 'Lambda writes the function’s own logs with the function’s role',
  'logs:PutLogEvents': 'Lambda writes the function’s own logs with the function’s role',
};

/** Actions that take no resource-level permissions: IAM evaluates them against Resource "*" only. */
const ONLY_ON_ANY_RESOURCE = new Set([
  'ecs:DescribeTaskDefinition',
  'ec2:DescribeSubnets',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeRouteTables',
  'ec2:DescribeVpcEndpoints',
  'ec2:DescribeInstances',
  'ec2:DescribeInstanceTypes',
]);

const runner = loadTemplate('task-runner.yml');
const statements = runnerStatements(runner);
const granted = new Set(statements.flatMap(actionsOf));

function runnerStatements(template: Template): Statement[] {
  const role = properties(template, 'Role', 'AWS::IAM::Role');
  const policies = role.Policies;
  if (!Array.isArray(policies)) throw new Error('the runner role has no inline Policies');
  return policies.flatMap((policy: unknown) => {
    if (!isRecord(policy) || !isRecord(policy.PolicyDocument) || !Array.isArray(policy.PolicyDocument.Statement)) {
      throw new Error('a runner policy has no PolicyDocument.Statement list');
    }
    return policy.PolicyDocument.Statement.map(conditionalStatement);
  });
}

/** A statement as it is, or the one an `Fn::If` puts in the policy when its condition holds, marked with it. */
function conditionalStatement(entry: unknown): Statement {
  if (!isRecord(entry) || !Array.isArray(entry['Fn::If'])) return entry as Statement;
  const [condition, statement, otherwise] = entry['Fn::If'] as unknown[];
  expect(otherwise).toEqual(ref('AWS::NoValue'));
  return { ...(statement as Statement), OnlyIf: String(condition) };
}

function actionsOf(statement: Statement): string[] {
  const action = statement.Action;
  if (action === undefined) return [];
  return typeof action === 'string' ? [action] : action;
}

function statementsGranting(action: string): Statement[] {
  return statements.filter((statement) => actionsOf(statement).includes(action));
}

/** The only statement that grants `action`. */
function statementGranting(action: string): Statement {
  const found = statementsGranting(action);
  expect(found).toHaveLength(1);
  return found[0] as Statement;
}

describe('the calls the runner makes', () => {
  const scan = scanDirectory(SRC_DIR);

  it('are found in src/ (so that the coverage check cannot pass on nothing)', () => {
    expect(scan.calls.length).toBeGreaterThan(0);
    expect(scan.unresolved).toEqual([]);
  });

  it('are all allowed by the runner role', () => {
    const missing = scan.calls
      .filter((call) => !granted.has(call.action))
      .map((call) => `${call.action} (${call.command} in ${call.file})`);
    expect(missing).toEqual([]);
  });

  it('are the reason for every action the role grants, or the action is listed here with its reason', () => {
    const called = new Set(scan.calls.map((call) => call.action));
    const unexplained = [...granted].filter(
      (action) => !called.has(action) && GRANTED_WITHOUT_A_CALL[action] === undefined,
    );
    expect(unexplained).toEqual([]);
  });
});

describe('the scanner of SDK calls', () => {
  it('traces multi-line, aliased and type imports to their client and IAM action', () => {
    const source = [
      "import type { Foo } from '@aws-sdk/client-ecs';",
      'import {',
      '  RunTaskCommand as Run,',
      '  ECSClient,',
      "} from '@aws-sdk/client-ecs';",
      "import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';",
      "import { InvokeCommand } from '@aws-sdk/client-lambda';",
      'client.send(new Run({}));',
      'logs.send(new GetLogEventsCommand({}));',
      'lambda.send(new InvokeCommand({}));',
    ].join('\n');
    const { calls, unresolved } = scanSource('example.ts', source);
    expect(calls.map((call) => call.action)).toEqual(['ecs:RunTask', 'logs:GetLogEvents', 'lambda:InvokeFunction']);
    expect(unresolved).toEqual([]);
  });

  it('reports a command it cannot trace instead of ignoring it', () => {
    const source = [
      "const { StopTaskCommand } = await import('@aws-sdk/client-ecs');",
      "import { ListQueuesCommand } from '@aws-sdk/client-sqs';",
      'new StopTaskCommand({});',
      'new ListQueuesCommand({});',
    ].join('\n');
    expect(scanSource('example.ts', source).unresolved).toHaveLength(2);
  });
});

describe('the runner role', () => {
  it('grants no wildcard action and uses no NotAction or NotResource', () => {
    expect([...granted].filter((action) => action.includes('*'))).toEqual([]);
    for (const statement of statements) {
      expect(statement.Effect).toBe('Allow');
      expect(statement).not.toHaveProperty('NotAction');
      expect(statement).not.toHaveProperty('NotResource');
    }
  });

  it('has no managed policies and can be assumed by Lambda only', () => {
    const role = properties(runner, 'Role', 'AWS::IAM::Role');
    expect(role.ManagedPolicyArns).toBeUndefined();
    expect(role.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
  });

  it('allows Resource "*" only where IAM accepts nothing narrower, or together with a cluster condition', () => {
    const onAnyResource = statements.filter(
      (statement) => statement.Resource === '*' && statement.Condition === undefined,
    );
    expect(onAnyResource.flatMap(actionsOf).filter((action) => !ONLY_ON_ANY_RESOURCE.has(action))).toEqual([]);
  });

  it.each(['ecs:RunTask', 'ecs:DescribeTasks', 'ecs:StopTask', 'ecs:ListTasks', 'ecs:DescribeContainerInstances'])(
    'allows %s in the given clusters only',
    (action) => {
      expect(statementGranting(action).Condition).toEqual({ ArnEquals: { 'ecs:cluster': ref('ClusterArns') } });
    },
  );

  it('tags only the tasks RunTask creates, in the given clusters', () => {
    const statement = statementGranting('ecs:TagResource');
    expect(statement.Condition).toEqual({ StringEquals: { 'ecs:CreateAction': 'RunTask' } });
    const clusters = [
      'arn:aws:ecs:eu-west-1:123456789012:cluster/app',
      'arn:aws:ecs:eu-west-1:123456789012:cluster/batch-jobs',
    ];
    expect(evaluate(statement.Resource, { values: { ClusterArns: clusters } })).toEqual([
      'arn:aws:ecs:eu-west-1:123456789012:task/app/*',
      'arn:aws:ecs:eu-west-1:123456789012:task/batch-jobs/*',
    ]);
    expect(evaluate(statement.Resource, { values: { ClusterArns: [clusters[0]] } })).toEqual([
      'arn:aws:ecs:eu-west-1:123456789012:task/app/*',
    ]);
  });

  it('runs the given task definitions only, or any of its account and region when none are given', () => {
    const resourceOf = (given: string[]) =>
      evaluate(statementGranting('ecs:RunTask').Resource, {
        values: {
          TaskDefinitionArns: given,
          'AWS::Partition': 'aws',
          'AWS::Region': 'eu-west-1',
          'AWS::AccountId': '123456789012',
        },
        conditions: { AnyTaskDefinition: given.join('') === '' },
      });
    expect(resourceOf([''])).toBe('arn:aws:ecs:eu-west-1:123456789012:task-definition/*');
    expect(resourceOf(['arn:aws:ecs:eu-west-1:123456789012:task-definition/app-migrate:*'])).toEqual([
      'arn:aws:ecs:eu-west-1:123456789012:task-definition/app-migrate:*',
    ]);
    expect(runner.Conditions?.AnyTaskDefinition).toEqual({
      'Fn::Equals': [{ 'Fn::Join': ['', ref('TaskDefinitionArns')] }, ''],
    });
  });

  it('passes only the given roles: task roles to ECS tasks, infrastructure roles (when given) to ECS itself', () => {
    const byResource = Object.fromEntries(
      statementsGranting('iam:PassRole').map((statement) => [JSON.stringify(statement.Resource), statement]),
    );
    expect(Object.keys(byResource).sort()).toEqual(
      [JSON.stringify(ref('InfrastructureRoleArns')), JSON.stringify(ref('PassRoleArns'))].sort(),
    );
    const taskRoles = byResource[JSON.stringify(ref('PassRoleArns'))];
    expect(taskRoles?.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } });
    expect(taskRoles?.OnlyIf).toBeUndefined();
    const infrastructureRoles = byResource[JSON.stringify(ref('InfrastructureRoleArns'))];
    expect(infrastructureRoles?.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ecs.amazonaws.com' } });
    // With the parameter left empty, the statement is left out rather than granting PassRole on an empty list.
    expect(infrastructureRoles?.OnlyIf).toBe('PassesInfrastructureRoles');
    expect(runner.Conditions?.PassesInfrastructureRoles).toEqual({
      'Fn::Not': [{ 'Fn::Equals': [{ 'Fn::Join': ['', ref('InfrastructureRoleArns')] }, ''] }],
    });
    expect(runner.Parameters?.InfrastructureRoleArns?.Default).toBe('');
  });

  it('invokes only its own function, named as the function is, also through an alias or version', () => {
    const statement = statementGranting('lambda:InvokeFunction');
    const functionName = properties(runner, 'Function', 'AWS::Lambda::Function').FunctionName;
    expect(statement.Resource).toEqual([
      {
        'Fn::Sub': [
          'arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${Name}',
          { Name: functionName },
        ],
      },
      {
        'Fn::Sub': [
          'arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${Name}:*',
          { Name: functionName },
        ],
      },
    ]);
  });

  it('reads the recursion setting of its own function only', () => {
    const functionName = properties(runner, 'Function', 'AWS::Lambda::Function').FunctionName;
    expect(statementGranting('lambda:GetFunctionRecursionConfig').Resource).toEqual({
      'Fn::Sub': [
        'arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${Name}',
        { Name: functionName },
      ],
    });
  });

  it('describes the given stacks only, or those of its own account and region when none are given', () => {
    expect(statementGranting('cloudformation:DescribeStacks').Resource).toEqual({
      'Fn::If': [
        'AnyStack',
        { 'Fn::Sub': 'arn:${AWS::Partition}:cloudformation:${AWS::Region}:${AWS::AccountId}:stack/*' },
        ref('StackArns'),
      ],
    });
    expect(runner.Conditions?.AnyStack).toEqual({ 'Fn::Equals': [{ 'Fn::Join': ['', ref('StackArns')] }, ''] });
  });

  it('writes its own log group only, and does not create log groups', () => {
    for (const action of ['logs:CreateLogStream', 'logs:PutLogEvents']) {
      expect(statementGranting(action).Resource).toEqual(getAtt('LogGroup', 'Arn'));
    }
    expect(granted.has('logs:CreateLogGroup')).toBe(false);
    expect(resource(runner, 'LogGroup', 'AWS::Logs::LogGroup')).toBeDefined();
  });

  it('reads the given task log groups, or those of its own account and region', () => {
    expect(statementGranting('logs:GetLogEvents').Resource).toEqual({
      'Fn::If': [
        'AnyTaskLogGroup',
        { 'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*' },
        ref('TaskLogGroupArns'),
      ],
    });
  });
});
