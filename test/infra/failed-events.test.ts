import { evaluate, getAtt, loadTemplate, properties, ref, resourcesOfType } from './cfn-yaml';

const runner = loadTemplate('task-runner.yml');
const QUEUE_ARN = 'arn:aws:sqs:eu-west-1:123456789012:runner-FailedEvents-ABC';

/** The template's Conditions as CloudFormation evaluates them for these parameter values (the two this page needs). */
function conditions(values: { FailedEventReaderArns: string[]; AlarmTopicArn: string }) {
  return {
    NamesFailedEventReaders: values.FailedEventReaderArns.join('') !== '',
    NotifiesAlarmTopic: values.AlarmTopicArn !== '',
  };
}

describe('task-runner.yml keeps every event Lambda gives up on', () => {
  const invokeConfig = properties(runner, 'EventInvokeConfig', 'AWS::Lambda::EventInvokeConfig');
  const queue = properties(runner, 'FailedEvents', 'AWS::SQS::Queue');

  it('sends the record of a failed asynchronous invocation to the FailedEvents queue', () => {
    expect(invokeConfig.DestinationConfig).toEqual({ OnFailure: { Destination: getAtt('FailedEvents', 'Arn') } });
    // What it applies to is unchanged: events older than an hour are given up, after two retries of a failure.
    expect(invokeConfig).toMatchObject({
      Qualifier: '$LATEST',
      MaximumEventAgeInSeconds: 3600,
      MaximumRetryAttempts: 2,
    });
  });

  it('is a standard queue, encrypted with SQS-managed keys, keeping messages 14 days', () => {
    expect(queue.FifoQueue).toBeUndefined();
    expect(queue.SqsManagedSseEnabled).toBe(true);
    expect(queue.MessageRetentionPeriod).toBe(14 * 24 * 3600);
  });

  it("lets the runner's role send to that queue only, and nothing else of SQS", () => {
    const role = properties(runner, 'Role', 'AWS::IAM::Role');
    const statements = (role.Policies as { PolicyDocument: { Statement: unknown[] } }[]).flatMap(
      (policy) => policy.PolicyDocument.Statement,
    );
    const sqs = statements.filter((statement) => JSON.stringify(statement).includes('"sqs:'));
    expect(sqs).toEqual([
      { Sid: 'KeepFailedEvents', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: getAtt('FailedEvents', 'Arn') },
    ]);
  });

  it('is read only over https, and only by FailedEventReaderArns when they are given', () => {
    const policy = properties(runner, 'FailedEventsPolicy', 'AWS::SQS::QueuePolicy');
    expect(policy.Queues).toEqual([ref('FailedEvents')]);
    const document = (values: { FailedEventReaderArns: string[]; AlarmTopicArn: string }) =>
      evaluate(policy.PolicyDocument, {
        values: { ...values, 'FailedEvents.Arn': QUEUE_ARN },
        conditions: conditions(values),
      }) as { Statement: Record<string, unknown>[] };

    const reader = 'arn:aws:iam::123456789012:role/platform-oncall';
    const named = document({ FailedEventReaderArns: [reader], AlarmTopicArn: '' }).Statement;
    expect(named.map((statement) => [statement.Sid, statement.Effect])).toEqual([
      ['HttpsOnly', 'Deny'],
      ['ReadOnlyByTheNamedReaders', 'Deny'],
    ]);
    expect(named[1]).toMatchObject({
      Principal: '*',
      Action: expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage']) as unknown,
      Resource: QUEUE_ARN,
      Condition: { ArnNotLike: { 'aws:PrincipalArn': [reader] } },
    });
    // No Allow anywhere: the queue policy only narrows what the account's IAM policies allow.
    expect(named.every((statement) => statement.Effect === 'Deny')).toBe(true);

    const unnamed = document({ FailedEventReaderArns: [''], AlarmTopicArn: '' }).Statement;
    expect(unnamed.map((statement) => statement.Sid)).toEqual(['HttpsOnly']);
  });
});

describe('task-runner.yml alarms on every way a request is lost', () => {
  const alarms = Object.fromEntries(resourcesOfType(runner, 'AWS::CloudWatch::Alarm'));

  it.each([
    [
      'FailedEventsAlarm',
      'AWS/SQS',
      'ApproximateNumberOfMessagesVisible',
      { Name: 'QueueName', Value: getAtt('FailedEvents', 'QueueName') },
    ],
    ['FunctionErrorsAlarm', 'AWS/Lambda', 'Errors', { Name: 'FunctionName', Value: ref('Function') }],
    ['FunctionThrottlesAlarm', 'AWS/Lambda', 'Throttles', { Name: 'FunctionName', Value: ref('Function') }],
    [
      'DestinationDeliveryFailuresAlarm',
      'AWS/Lambda',
      'DestinationDeliveryFailures',
      { Name: 'FunctionName', Value: ref('Function') },
    ],
  ])('%s: %s %s above 0 in five minutes, an idle runner not alarming', (name, namespace, metric, dimension) => {
    const alarm = alarms[name]?.Properties ?? {};
    expect(alarm).toMatchObject({
      Namespace: namespace,
      MetricName: metric,
      Dimensions: [dimension],
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
    const topic = 'arn:aws:sns:eu-west-1:123456789012:platform-alarms';
    const actions = (AlarmTopicArn: string) =>
      evaluate(alarm.AlarmActions, {
        values: { AlarmTopicArn },
        conditions: conditions({ FailedEventReaderArns: [''], AlarmTopicArn }),
      });
    expect(actions(topic)).toEqual([topic]);
    expect(actions('')).toBeUndefined();
  });

  it('has no other alarm', () => {
    expect(Object.keys(alarms).sort()).toEqual(
      ['DestinationDeliveryFailuresAlarm', 'FailedEventsAlarm', 'FunctionErrorsAlarm', 'FunctionThrottlesAlarm'].sort(),
    );
  });

  it('takes only an SNS topic ARN, or nothing, as AlarmTopicArn', () => {
    const pattern = new RegExp((runner.Parameters?.AlarmTopicArn as { AllowedPattern: string }).AllowedPattern);
    expect(pattern.test('')).toBe(true);
    expect(pattern.test('arn:aws:sns:eu-west-1:123456789012:platform-alarms')).toBe(true);
    expect(pattern.test('arn:aws-us-gov:sns:us-gov-west-1:123456789012:alarms.fifo')).toBe(true);
    expect(pattern.test('platform-alarms')).toBe(false);
    expect(pattern.test('arn:aws:sqs:eu-west-1:123456789012:queue')).toBe(false);
  });
});
