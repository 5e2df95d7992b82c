import path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import { scanDirectory } from '../../../test/infra/sdk-calls';
import { EcsRunTask, EcsTaskRunnerFunction } from '../lib';
import { FAKE_ACCOUNT, FAKE_REGION } from './support/fake-deployment';
import {
  STACK_STATUS_ROLE_ARN,
  everyPropertyStack,
  runPolicyStack,
  logicalId,
  templateOf,
  resourceProperties,
  policyStatements,
  actionsOf,
} from './ecs-run-task-stacks';
import { testApp } from './support/test-app';

const every = everyPropertyStack();
const runPolicies = runPolicyStack();

/** The ARN the runner is granted for a log group the stack creates, whose logical ID matches `prefix`. */
const logGroupArn = (prefix: RegExp) => ({
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      ':logs:',
      { Ref: 'AWS::Region' },
      ':',
      { Ref: 'AWS::AccountId' },
      ':log-group:',
      { Ref: expect.stringMatching(prefix) },
      ':*',
    ],
  ],
});

describe('the permissions EcsRunTask grants the runner', () => {
  // The three resources of the stack share the runner's one policy in it.
  const policyId = logicalId(every.stack, every.migrate.policy as iam.Policy);
  const statements = () => policyStatements(every.template, policyId);
  const clusterId = (): string =>
    Object.entries(templateOf(every.template).Resources).find(
      ([, resource]) => resource.Type === 'AWS::ECS::Cluster',
    )?.[0] ?? '';
  const arn = (service: string, ...rest: unknown[]) => ({
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        `:${service}:`,
        { Ref: 'AWS::Region' },
        ':',
        { Ref: 'AWS::AccountId' },
        ...rest,
      ],
    ],
  });
  const onCluster = () => ({ ArnEquals: { 'ecs:cluster': { 'Fn::GetAtt': [clusterId(), 'Arn'] } } });

  it('are one policy for every resource of the stack on the runner, attached to the runner’s role', () => {
    expect(every.seed.policy).toBe(every.migrate.policy);
    expect(every.train.policy).toBe(every.migrate.policy);
    const runner = EcsTaskRunnerFunction.of(every.stack);
    expect(resourceProperties(every.template, policyId).Roles).toEqual([
      { Ref: logicalId(every.stack, runner.role as iam.Role) },
    ]);
  });

  it('are exactly what the runs need: each run’s own task definition, roles and log groups on the statements of its cluster', () => {
    const taskRoles = [
      every.migrateDefinition.taskRole,
      every.migrateDefinition.executionRole as iam.IRole,
      every.overrideRole,
      every.teardownDefinition.taskRole,
      every.teardownDefinition.executionRole as iam.IRole,
      every.teardownOverrideRole,
      every.seedDefinition.taskRole,
      every.trainDefinition.taskRole,
    ];
    expect(statements()).toEqual([
      { Sid: 'ReadTaskDefinitions', Effect: 'Allow', Action: 'ecs:DescribeTaskDefinition', Resource: '*' },
      {
        Sid: 'RecogniseUpdateRollbacks',
        Effect: 'Allow',
        Action: ['cloudformation:DescribeStacks', 'cloudformation:DescribeStackResource'],
        Resource: { Ref: 'AWS::StackId' },
      },
      {
        Sid: 'RunTheTaskDefinitionInTheCluster',
        Effect: 'Allow',
        Action: 'ecs:RunTask',
        Resource: [
          // Migrate runs on rollback: every revision of its families. Seed and Train: the revision the template names.
          arn('ecs', `:task-definition/${every.migrateDefinition.family}:*`),
          arn('ecs', `:task-definition/${every.teardownDefinition.family}:*`),
          { Ref: logicalId(every.stack, every.seedDefinition) },
          { Ref: logicalId(every.stack, every.trainDefinition) },
        ],
        Condition: onCluster(),
      },
      {
        Sid: 'TagTasksAsTheyStart',
        Effect: 'Allow',
        Action: 'ecs:TagResource',
        Resource: arn('ecs', ':task/', { Ref: clusterId() }, '/*'),
        Condition: { StringEquals: { 'ecs:CreateAction': 'RunTask' } },
      },
      {
        Sid: 'WatchAndStopTasksInTheCluster',
        Effect: 'Allow',
        Action: ['ecs:DescribeTasks', 'ecs:StopTask'],
        Resource: arn('ecs', ':task/', { Ref: clusterId() }, '/*'),
        Condition: onCluster(),
      },
      { Sid: 'ListTasksInTheCluster', Effect: 'Allow', Action: 'ecs:ListTasks', Resource: '*', Condition: onCluster() },
      {
        Sid: 'PassTheTaskRolesToEcsTasks',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: taskRoles.map((role) => ({ 'Fn::GetAtt': [logicalId(every.stack, role), 'Arn'] })),
        Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      },
      {
        Sid: 'PassTheInfrastructureRolesToEcs',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: { 'Fn::GetAtt': [logicalId(every.stack, every.infrastructureRole), 'Arn'] },
        Condition: { StringEquals: { 'iam:PassedToService': 'ecs.amazonaws.com' } },
      },
      {
        Sid: 'ReadTheStackStatusAsItsRole',
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Resource: STACK_STATUS_ROLE_ARN,
      },
      {
        Sid: 'CheckTheTaskNetwork',
        Effect: 'Allow',
        Action: [
          'ec2:DescribeSubnets',
          'ec2:DescribeSecurityGroups',
          'ec2:DescribeRouteTables',
          'ec2:DescribeVpcEndpoints',
        ],
        Resource: '*',
      },
      {
        Sid: 'ReadTheTaskLogs',
        Effect: 'Allow',
        Action: 'logs:GetLogEvents',
        Resource: [logGroupArn(/^TaskLogs/), logGroupArn(/^TeardownLogs/)],
      },
      {
        Sid: 'ListContainerInstancesOfTheCluster',
        Effect: 'Allow',
        Action: 'ecs:ListContainerInstances',
        Resource: { 'Fn::GetAtt': [clusterId(), 'Arn'] },
      },
      {
        Sid: 'DescribeContainerInstancesInTheCluster',
        Effect: 'Allow',
        Action: 'ecs:DescribeContainerInstances',
        Resource: arn('ecs', ':container-instance/', { Ref: clusterId() }, '/*'),
        Condition: onCluster(),
      },
      {
        Sid: 'ReadInstanceEniCapacity',
        Effect: 'Allow',
        Action: ['ec2:DescribeInstances', 'ec2:DescribeInstanceTypes'],
        Resource: '*',
      },
    ]);
  });

  describe('for run policies', () => {
    const { stack, template } = runPolicies;
    const statement = (sid: string) =>
      policyStatements(template, logicalId(stack, runPolicies.quiet.policy as iam.Policy)).find(
        (candidate) => candidate.Sid === sid,
      );
    const roleArn = (role: iam.IRole) => ({ 'Fn::GetAtt': [logicalId(stack, role), 'Arn'] });

    it('read the task’s log for its outputs though logLines is 0 (and a failure’s lines with logLines), not a teardown’s without them', () => {
      expect(statement('ReadTheTaskLogs')).toEqual({
        Sid: 'ReadTheTaskLogs',
        Effect: 'Allow',
        Action: 'logs:GetLogEvents',
        Resource: logGroupArn(/^MigrateLogs/),
      });
    });

    it('read no log with logLines 0 and no outputs, and check no network for bridge tasks', () => {
      const quietStack = new Stack(testApp(), 'Quiet');
      const cluster = ecs.Cluster.fromClusterArn(
        quietStack,
        'Cluster',
        `arn:aws:ecs:${FAKE_REGION}:${FAKE_ACCOUNT}:cluster/app`,
      );
      const definition = new ecs.Ec2TaskDefinition(quietStack, 'Definition', { networkMode: ecs.NetworkMode.BRIDGE });
      definition.addContainer('job', {
        image: ecs.ContainerImage.fromRegistry('app:1'),
        memoryLimitMiB: 256,
        logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'job' }),
      });
      const quiet = new EcsRunTask(quietStack, 'Quiet', { cluster, taskDefinition: definition, logLines: 0 });
      const actions = policyStatements(
        Template.fromStack(quietStack),
        logicalId(quietStack, quiet.policy as iam.Policy),
      ).flatMap(actionsOf);
      expect(actions).not.toContain('logs:GetLogEvents');
      expect(actions).not.toContain('ec2:DescribeSubnets');
    });

    it('run the revisions of the resource’s and the teardown’s task definitions, and pass their roles and the overrides’ role', () => {
      const { migrateDefinition, teardownDefinition, teardownRole } = runPolicies;
      expect(statement('RunTheTaskDefinitionInTheCluster')?.Resource).toEqual([
        { Ref: logicalId(stack, migrateDefinition) },
        { Ref: logicalId(stack, teardownDefinition) },
      ]);
      expect(statement('PassTheTaskRolesToEcsTasks')?.Resource).toEqual(
        [
          migrateDefinition.taskRole,
          migrateDefinition.executionRole as iam.IRole,
          teardownDefinition.taskRole,
          teardownDefinition.executionRole as iam.IRole,
          teardownRole,
        ].map(roleArn),
      );
    });
  });

  it('name no wildcard action, and use "*" only where IAM accepts nothing narrower or a cluster condition limits it', () => {
    expect(
      statements()
        .flatMap(actionsOf)
        .filter((action) => action.includes('*')),
    ).toEqual([]);
    const onAnyResource = statements()
      .filter((statement) => statement.Resource === '*' && statement.Condition === undefined)
      .flatMap(actionsOf);
    expect(new Set(onAnyResource)).toEqual(
      new Set([
        'ecs:DescribeTaskDefinition',
        'ec2:DescribeSubnets',
        'ec2:DescribeSecurityGroups',
        'ec2:DescribeRouteTables',
        'ec2:DescribeVpcEndpoints',
        'ec2:DescribeInstances',
        'ec2:DescribeInstanceTypes',
      ]),
    );
  });

  it('together with the runner’s own, cover every AWS call the runner makes, and grant nothing a call or a reason does not explain', () => {
    const runner = EcsTaskRunnerFunction.of(every.stack);
    const ownPolicies = [
      logicalId(every.stack, runner.node.findChild('InvokeItself')),
      logicalId(every.stack, (runner.role as iam.Role).node.findChild('DefaultPolicy')),
    ];
    const granted = new Set(
      [policyId, ...ownPolicies].flatMap((id) => policyStatements(every.template, id)).flatMap(actionsOf),
    );
    const scan = scanDirectory(path.resolve(__dirname, '../../../src'));
    expect(scan.calls.length).toBeGreaterThan(0);
    expect(
      scan.calls.filter((call) => !granted.has(call.action)).map((call) => `${call.action} (${call.file})`),
    ).toEqual([]);

    const grantedWithoutACall: Record<string, string> = {
      'iam:PassRole':
        'RunTask passes the task definition’s task and execution roles to ECS, and with VolumeConfigurations the EBS volumes’ infrastructure role',
      'ecs:TagResource':
        'RunTask tags every task it creates with its request (IfRunning), and with Tags, PropagateTags or EnableECSManagedTags',
      'logs:CreateLogStream': 'Lambda writes the function’s own logs with the function’s role',
      'logs:PutLogEvents': 'Lambda writes the function’s own logs with the function’s role',
      'lambda:GetFunctionRecursionConfig':
        'the runner reads its own recursive loop setting before a long watch (issue 10)',
      'sqs:SendMessage':
        'Lambda sends the record of an asynchronous event it gave up on to the on-failure destination with the function’s role',
    };
    const called = new Set(scan.calls.map((call) => call.action));
    expect([...granted].filter((action) => !called.has(action) && grantedWithoutACall[action] === undefined)).toEqual(
      [],
    );
  });
});
