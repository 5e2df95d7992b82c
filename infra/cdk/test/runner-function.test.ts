import { type CfnElement, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EcsRunTask, EcsTaskRunnerFunction } from '../lib';
import { smallStack } from './support/small-stack';
import { testApp } from './support/test-app';

describe('EcsTaskRunnerFunction', () => {
  it('writes to the log group it is given, with its retention and removal policy, and creates none', () => {
    const stack = new Stack(testApp(), 'GivenLogGroup');
    const logGroup = new logs.LogGroup(stack, 'RunnerLogs', {
      retention: logs.RetentionDays.ONE_WEEK,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    new EcsTaskRunnerFunction(stack, 'Runner', { logGroup });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
    template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Delete', Properties: { RetentionInDays: 7 } });
    template.hasResourceProperties('AWS::Lambda::Function', {
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^RunnerLogs') } },
    });
  });

  it('refuses a log group together with a retention for the one it would create', () => {
    const stack = new Stack(testApp(), 'Both');
    expect(
      () =>
        new EcsTaskRunnerFunction(stack, 'Runner', {
          logGroup: new logs.LogGroup(stack, 'RunnerLogs'),
          logRetention: logs.RetentionDays.ONE_DAY,
        }),
    ).toThrow('give `logGroup` or `logRetention`, not both');
  });

  it('runs with an existing role, to which the runs attach their permissions, and creates none', () => {
    const { stack, cluster, taskDefinition } = smallStack('GivenRole');
    const role = new iam.Role(stack, 'ProviderRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const runner = new EcsTaskRunnerFunction(stack, 'Runner', { role });
    new EcsRunTask(stack, 'Migrate', { runner, cluster, taskDefinition });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Role', 3); // the given role, the task definition's task and execution roles
    template.hasResourceProperties('AWS::Lambda::Function', {
      Role: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ProviderRole'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^ProviderRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Sid: 'RunTheTaskDefinitionInTheCluster' })]),
      },
    });
  });

  it('serves the accounts it is given besides its own (ALLOWED_ACCOUNT_IDS, comma-separated), and only its own by default', () => {
    const stack = new Stack(testApp(), 'Accounts');
    new EcsTaskRunnerFunction(stack, 'Shared', { allowedAccountIds: ['111111111111', '222222222222'] });
    new EcsTaskRunnerFunction(stack, 'Own');
    const functions = Object.entries(Template.fromStack(stack).findResources('AWS::Lambda::Function'));
    const environment = (prefix: string) =>
      (functions.find(([id]) => id.startsWith(prefix))?.[1] as { Properties: { Environment?: unknown } }).Properties
        .Environment;
    expect(environment('Shared')).toMatchObject({ Variables: { ALLOWED_ACCOUNT_IDS: '111111111111,222222222222' } });
    expect(environment('Own')).not.toHaveProperty('Variables.ALLOWED_ACCOUNT_IDS');
  });

  it('keeps its state in a table of its own (on demand, encrypted, PITR, TTL, deleted with the stack), named in STATE_TABLE_NAME', () => {
    const stack = new Stack(testApp(), 'StateTable');
    const runner = new EcsTaskRunnerFunction(stack, 'Runner');
    const template = Template.fromStack(stack);
    const tableId = stack.getLogicalId(runner.stateTable.node.defaultChild as CfnElement);
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
      Properties: {
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { STATE_TABLE_NAME: { Ref: tableId } } },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Scan'],
            Resource: [{ 'Fn::GetAtt': [tableId, 'Arn'] }],
          },
        ]),
      },
    });
    expect(JSON.stringify(template.toJSON())).not.toMatch(/dynamodb:(Query|DeleteItem|UpdateItem|BatchWriteItem)/);
  });

  it('keeps its state in the table it is given, with the same grant, and creates none', () => {
    const stack = new Stack(testApp(), 'GivenTable');
    const table = dynamodb.Table.fromTableName(stack, 'Table', 'runner-state');
    const runner = new EcsTaskRunnerFunction(stack, 'Runner', { stateTable: table });
    expect(runner.stateTable).toBe(table);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::DynamoDB::Table', 0);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { STATE_TABLE_NAME: 'runner-state' } },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Scan'],
            Resource: [{ 'Fn::Join': ['', Match.arrayWith([':table/runner-state'])] }],
          }),
        ]),
      },
    });
  });
});

describe('EcsTaskRunnerFunction’s failed events', () => {
  const queueId = (stack: Stack, runner: EcsTaskRunnerFunction) =>
    stack.getLogicalId(runner.failedEvents.node.defaultChild as CfnElement);
  const readActions = [
    'sqs:ReceiveMessage',
    'sqs:DeleteMessage',
    'sqs:ChangeMessageVisibility',
    'sqs:StartMessageMoveTask',
  ];

  it('keeps the events Lambda gave up on in a standard queue (SQS-managed encryption, 14 days, https only) after two retries within an hour', () => {
    const stack = new Stack(testApp(), 'FailedEvents');
    // Without the task-events rule, whose dead-letter queue task-events.test.ts counts.
    const runner = new EcsTaskRunnerFunction(stack, 'Runner', { eventDrivenCompletion: false });
    const template = Template.fromStack(stack);
    const queue = queueId(stack, runner);
    template.resourceCountIs('AWS::SQS::Queue', 1);
    template.hasResource('AWS::SQS::Queue', {
      DeletionPolicy: 'Delete',
      Properties: { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 },
    });
    expect(template.findResources('AWS::SQS::Queue')[queue]?.Properties).not.toHaveProperty('FifoQueue');
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      Qualifier: '$LATEST',
      MaximumEventAgeInSeconds: 3600,
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queue, 'Arn'] } } },
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queue }],
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 'sqs:*',
            Resource: { 'Fn::GetAtt': [queue, 'Arn'] },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      },
    });
  });

  it('lets the role send to the queue and do nothing else with it', () => {
    const stack = new Stack(testApp(), 'SendOnly');
    const runner = new EcsTaskRunnerFunction(stack, 'Runner');
    const template = Template.fromStack(stack);
    const queueArn = { 'Fn::GetAtt': [queueId(stack, runner), 'Arn'] };
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (policy) =>
        (policy as { Properties: { PolicyDocument: { Statement: { Action: unknown; Resource: unknown }[] } } })
          .Properties.PolicyDocument.Statement,
    );
    expect(
      statements.filter((statement) => JSON.stringify(statement.Resource).includes(JSON.stringify(queueArn))),
    ).toEqual([{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: queueArn }]);
    // Lambda checks the destination's permission when the configuration is created: the grant must exist by then.
    const grantPolicy = stack.getLogicalId(
      (runner.role as iam.Role).node.findChild('DefaultPolicy').node.defaultChild as CfnElement,
    );
    const functionId = stack.getLogicalId(runner.function.node.defaultChild as CfnElement);
    template.hasResource('AWS::Lambda::Function', { DependsOn: Match.arrayWith([grantPolicy]) });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { FunctionName: { Ref: functionId } });
  });

  it('with reader ARNs, denies reading the queue to every other principal', () => {
    const stack = new Stack(testApp(), 'Readers');
    const readers = ['arn:aws:iam::123456789012:role/oncall', 'arn:aws:iam::123456789012:user/alice'];
    const runner = new EcsTaskRunnerFunction(stack, 'Runner', { failedEventReaderArns: readers });
    const queue = queueId(stack, runner);
    Template.fromStack(stack).hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'ReadOnlyByTheNamedReaders',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: readActions,
            Resource: { 'Fn::GetAtt': [queue, 'Arn'] },
            Condition: { ArnNotLike: { 'aws:PrincipalArn': readers } },
          },
        ]),
      },
    });
  });

  it('without reader ARNs (or with none), denies no reading', () => {
    const stack = new Stack(testApp(), 'NoReaders');
    new EcsTaskRunnerFunction(stack, 'Runner', { failedEventReaderArns: [] });
    expect(JSON.stringify(Template.fromStack(stack).findResources('AWS::SQS::QueuePolicy'))).not.toContain(
      'sqs:ReceiveMessage',
    );
  });

  it('refuses a reader that is not an ARN, naming the prop', () => {
    const stack = new Stack(testApp(), 'NotAnArn');
    expect(() => new EcsTaskRunnerFunction(stack, 'Runner', { failedEventReaderArns: ['oncall'] })).toThrow(
      '`failedEventReaderArns` takes IAM role or user ARNs',
    );
  });
});

describe('EcsTaskRunnerFunction’s alarms', () => {
  const alarmsOf = (stack: Stack) =>
    Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm')).map(
      (alarm) => (alarm as { Properties: Record<string, unknown> }).Properties,
    );

  it('alarm on a kept failed event and on the function’s errors, throttles and destination delivery failures, above 0 in 5 minutes, an idle runner not alarming', () => {
    const stack = new Stack(testApp(), 'Alarms');
    const runner = new EcsTaskRunnerFunction(stack, 'Runner');
    const functionName = { Ref: stack.getLogicalId(runner.function.node.defaultChild as CfnElement) };
    const queueName = {
      'Fn::GetAtt': [stack.getLogicalId(runner.failedEvents.node.defaultChild as CfnElement), 'QueueName'],
    };
    const alarms = alarmsOf(stack);
    expect(runner.alarms).toHaveLength(4);
    expect(alarms).toHaveLength(4);
    const watched = alarms.map(({ Namespace, MetricName, Dimensions, Statistic }) => ({
      Namespace,
      MetricName,
      Dimensions,
      Statistic,
    }));
    expect(watched).toEqual(
      expect.arrayContaining([
        {
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{ Name: 'QueueName', Value: queueName }],
          Statistic: 'Maximum',
        },
        ...['Errors', 'Throttles', 'DestinationDeliveryFailures'].map((MetricName) => ({
          Namespace: 'AWS/Lambda',
          MetricName,
          Dimensions: [{ Name: 'FunctionName', Value: functionName }],
          Statistic: 'Sum',
        })),
      ]),
    );
    for (const alarm of alarms) {
      expect(alarm).toMatchObject({
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      });
      expect(alarm.AlarmDescription).toEqual(expect.any(String));
      expect(alarm).not.toHaveProperty('AlarmActions');
    }
  });

  it('notify the topic they are given', () => {
    const stack = new Stack(testApp(), 'AlarmTopic');
    const alarmTopic = sns.Topic.fromTopicArn(stack, 'Topic', 'arn:aws:sns:eu-west-1:123456789012:oncall');
    new EcsTaskRunnerFunction(stack, 'Runner', { alarmTopic });
    const alarms = alarmsOf(stack);
    expect(alarms).toHaveLength(4);
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual(['arn:aws:sns:eu-west-1:123456789012:oncall']);
  });
});

describe('EcsTaskRunnerFunction’s extra response endpoints', () => {
  it('are its RESPONSE_URL_EXTRA_ENDPOINTS, comma-separated, and absent by default', () => {
    const stack = new Stack(testApp(), 'ExtraEndpoints');
    new EcsTaskRunnerFunction(stack, 'Extra', {
      extraResponseEndpoints: [
        's3.example-region-1.example.cloud/cloudformation-custom-resource-response-exampleregion1',
        's3.other.example.cloud/responses',
      ],
    });
    new EcsTaskRunnerFunction(stack, 'Plain');
    const functions = Object.entries(Template.fromStack(stack).findResources('AWS::Lambda::Function'));
    const variables = (prefix: string) =>
      (
        functions.find(([id]) => id.startsWith(prefix))?.[1] as {
          Properties: { Environment: { Variables: Record<string, unknown> } };
        }
      ).Properties.Environment.Variables;
    expect(variables('Extra').RESPONSE_URL_EXTRA_ENDPOINTS).toBe(
      's3.example-region-1.example.cloud/cloudformation-custom-resource-response-exampleregion1,s3.other.example.cloud/responses',
    );
    expect(variables('Plain')).not.toHaveProperty('RESPONSE_URL_EXTRA_ENDPOINTS');
  });

  it('refuse an entry that is not <host>/<bucket> at synthesis, naming the prop and the form', () => {
    const stack = new Stack(testApp(), 'WrongEndpoint');
    expect(
      () =>
        new EcsTaskRunnerFunction(stack, 'Runner', {
          extraResponseEndpoints: ['https://s3.example.cloud/responses'],
        }),
    ).toThrow('`extraResponseEndpoints` must be <S3 endpoint host>/<bucket>');
  });
});
