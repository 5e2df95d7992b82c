import { Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { EcsTaskRunnerFunction, RESOURCE_TYPE } from '../lib';
import { FAKE_ACCOUNT, FAKE_REGION } from './support/fake-deployment';
import {
  type Statement,
  everyPropertyStack,
  serviceStack,
  importedRunnerStack,
  logicalId,
  templateOf,
  resourceProperties,
  policyStatements,
  actionsOf,
  onlyCustomResource,
} from './ecs-run-task-stacks';

const every = everyPropertyStack();
const fromService = serviceStack();
const imported = importedRunnerStack();

describe('EcsTaskRunnerFunction', () => {
  const { stack, template } = every;
  const runner = EcsTaskRunnerFunction.of(stack);

  it('is one function per stack, shared by its resources', () => {
    template.resourceCountIs('AWS::Lambda::Function', 1);
    expect(every.migrate.runner).toBe(runner);
    expect(every.seed.runner).toBe(runner);
  });

  it('runs the built bundle on Node.js 22 for 15 minutes, with recursive loop detection off for its hand-offs', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Timeout: 900,
      RecursiveLoop: 'Allow',
      LoggingConfig: { LogGroup: { Ref: logicalId(stack, runner.logGroup) } },
      Code: { S3Key: Match.stringLikeRegexp('\\.zip$') },
    });
  });

  it('drops asynchronous events older than an hour, which CloudFormation no longer waits for', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumEventAgeInSeconds: 3600,
      Qualifier: '$LATEST',
    });
  });

  it('has a role with no managed policy, that writes its own log group, gets and puts its state table’s items, sends to its failed-events queue, and invokes and reads only itself', () => {
    const role = resourceProperties(template, logicalId(stack, runner.role as iam.Role));
    expect(role.ManagedPolicyArns).toBeUndefined();
    expect(role.Policies).toBeUndefined();
    expect(role.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });

    const functionArn = { 'Fn::GetAtt': [logicalId(stack, runner.function), 'Arn'] };
    expect(
      policyStatements(
        template,
        logicalId(stack, (runner.role as iam.Role).node.findChild('DefaultPolicy') as iam.Policy),
      ),
    ).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [logicalId(stack, runner.logGroup), 'Arn'] },
      },
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Scan'],
        Resource: [{ 'Fn::GetAtt': [logicalId(stack, runner.stateTable), 'Arn'] }],
      },
      {
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': [logicalId(stack, runner.failedEvents), 'Arn'] },
      },
    ]);
    expect(policyStatements(template, logicalId(stack, runner.node.findChild('InvokeItself') as iam.Policy))).toEqual([
      {
        Sid: 'HandOffToItself',
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: [functionArn, { 'Fn::Join': ['', [functionArn, ':*']] }],
      },
      {
        Sid: 'ReadOwnRecursionConfig',
        Effect: 'Allow',
        Action: 'lambda:GetFunctionRecursionConfig',
        Resource: functionArn,
      },
    ]);
  });
});

describe('EcsRunTask with a service', () => {
  const { template } = fromService;

  it('runs the service’s task definition in its cluster, network, capacity providers and platform version', () => {
    const properties = onlyCustomResource(template);
    const service =
      Object.values(templateOf(template).Resources).find((resource) => resource.Type === 'AWS::ECS::Service')
        ?.Properties ?? {};
    expect(properties).toMatchObject({
      Cluster: { 'Fn::GetAtt': [expect.stringMatching(/^Cluster/), 'Arn'] },
      TaskDefinition: service.TaskDefinition,
      NetworkConfiguration: service.NetworkConfiguration,
      CapacityProviderStrategy: [
        { CapacityProvider: 'FARGATE_SPOT', Weight: 2 },
        { CapacityProvider: 'FARGATE', Base: 1 },
      ],
      PlatformVersion: '1.4.0',
    });
    expect(service.NetworkConfiguration).toMatchObject({ AwsvpcConfiguration: { AssignPublicIp: 'ENABLED' } });
    expect(properties).not.toHaveProperty('LaunchType');
  });

  it('is waited for by the service (executeBefore), though the service made the security group the task runs in', () => {
    const resources = templateOf(template).Resources;
    const migrateId = Object.entries(resources).find(([, resource]) => resource.Type === RESOURCE_TYPE)?.[0];
    const service = Object.values(resources).find((resource) => resource.Type === 'AWS::ECS::Service');
    expect(service?.DependsOn).toContain(migrateId);
  });

  it('grants no ENI capacity reads on Fargate capacity providers', () => {
    const statements = Object.values(templateOf(template).Resources)
      .filter((resource) => resource.Type === 'AWS::IAM::Policy')
      .flatMap((resource) => (resource.Properties?.PolicyDocument as { Statement: Statement[] }).Statement);
    expect(statements.flatMap(actionsOf)).toContain('ecs:RunTask');
    expect(statements.flatMap(actionsOf)).not.toContain('ec2:DescribeInstances');
  });
});

describe('EcsRunTask on an imported runner (fromFunctionArn)', () => {
  const { template } = imported;
  const resources = Object.entries(templateOf(template).Resources);

  it('uses the function’s ARN as ServiceToken and creates no function', () => {
    template.resourceCountIs('AWS::Lambda::Function', 0);
    const tokens = resources
      .filter(([, resource]) => resource.Type === RESOURCE_TYPE)
      .map(([, resource]) => resource.Properties?.ServiceToken);
    expect(tokens.sort()).toEqual([
      `arn:aws:lambda:${FAKE_REGION}:${FAKE_ACCOUNT}:function:ecs-task-runner`,
      `arn:aws:lambda:${FAKE_REGION}:${FAKE_ACCOUNT}:function:ecs-task-runner-managed`,
    ]);
  });

  it('attaches the task’s permissions to the imported role when it is given, and grants nothing without it', () => {
    const policies = resources.filter(([, resource]) => resource.Type === 'AWS::IAM::Policy');
    expect(policies).toHaveLength(1);
    expect(policies[0]?.[1].Properties?.Roles).toEqual(['shared-runner']);
    expect(policies[0]?.[0]).toMatch(/^SharedRunnerTaskPermissions/);
  });
});
