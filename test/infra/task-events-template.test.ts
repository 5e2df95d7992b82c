import { evaluate, getAtt, loadTemplate, properties, ref, resource } from './cfn-yaml';
import { fixtures } from '../support/fixtures';
import { matchesPattern } from '../support/event-pattern';

const runner = loadTemplate('task-runner.yml');
const CLUSTER = 'arn:aws:ecs:us-west-2:111122223333:cluster/FargateCluster';
const RULE_ARN = 'arn:aws:events:us-west-2:111122223333:rule/runner-TaskStoppedRule-ABC';
const QUEUE_ARN = 'arn:aws:sqs:us-west-2:111122223333:runner-TaskEventsDeadLetters-ABC';
const EVENT_RESOURCES = [
  ['TaskStoppedRule', 'AWS::Events::Rule'],
  ['TaskEventsDeadLetters', 'AWS::SQS::Queue'],
  ['TaskEventsDeadLettersPolicy', 'AWS::SQS::QueuePolicy'],
  ['TaskStoppedRuleInvokesFunction', 'AWS::Lambda::Permission'],
] as const;

describe('task-runner.yml sends the runner the ECS events of its stopping tasks', () => {
  const rule = properties(runner, 'TaskStoppedRule', 'AWS::Events::Rule');
  const pattern = (clusterArns: string[]) =>
    evaluate(rule.EventPattern, { values: { ClusterArns: clusterArns } }) as Record<string, unknown>;

  it('does so by default, and not with EventDrivenCompletion "false"', () => {
    expect(runner.Parameters?.EventDrivenCompletion).toMatchObject({
      Default: 'true',
      AllowedValues: ['true', 'false'],
    });
    expect(runner.Conditions?.CompletesOnEvents).toEqual({ 'Fn::Equals': [ref('EventDrivenCompletion'), 'true'] });
    for (const [logicalId, type] of EVENT_RESOURCES)
      expect(resource(runner, logicalId, type).Condition).toBe('CompletesOnEvents');
  });

  it('tells the function whether events come', () => {
    const fn = properties(runner, 'Function', 'AWS::Lambda::Function');
    expect(fn.Environment).toMatchObject({ Variables: { EVENT_DRIVEN_COMPLETION: ref('EventDrivenCompletion') } });
  });

  it("matches ECS task state changes to STOPPED in ClusterArns' clusters, on the default bus", () => {
    expect(rule).toMatchObject({ EventBusName: 'default', State: 'ENABLED' });
    expect(pattern([CLUSTER, 'arn:aws:ecs:us-west-2:111122223333:cluster/batch'])).toEqual({
      source: ['aws.ecs'],
      'detail-type': ['ECS Task State Change'],
      detail: {
        desiredStatus: ['STOPPED'],
        clusterArn: [CLUSTER, 'arn:aws:ecs:us-west-2:111122223333:cluster/batch'],
        group: [{ 'anything-but': { prefix: 'service:' } }],
      },
    });
  });

  it('lets through the documented event once the task is to stop, and nothing else', () => {
    const stopping = fixtures.ecsTaskStopping();
    const serviceTask = fixtures.ecsTaskStopping();
    Object.assign(serviceTask.detail as object, { group: 'service:web', startedBy: 'ecs-svc/9223370545345641169' });

    expect(matchesPattern(pattern([CLUSTER]), stopping)).toBe(true);
    expect(matchesPattern(pattern([CLUSTER]), fixtures.ecsTaskRunning())).toBe(false);
    expect(matchesPattern(pattern(['arn:aws:ecs:us-west-2:111122223333:cluster/other']), stopping)).toBe(false);
    expect(matchesPattern(pattern([CLUSTER]), serviceTask)).toBe(false);
  });

  it('targets the function with its own retry policy and dead-letter queue', () => {
    expect(rule.Targets).toEqual([
      {
        Id: 'ecs-task-runner',
        Arn: getAtt('Function', 'Arn'),
        RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 185 },
        DeadLetterConfig: { Arn: getAtt('TaskEventsDeadLetters', 'Arn') },
      },
    ]);
    const queue = properties(runner, 'TaskEventsDeadLetters', 'AWS::SQS::Queue');
    expect(queue).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    expect(queue.FifoQueue).toBeUndefined();
  });

  it('lets EventBridge send to the dead-letter queue for this rule only, over https', () => {
    const policy = properties(runner, 'TaskEventsDeadLettersPolicy', 'AWS::SQS::QueuePolicy');
    expect(policy.Queues).toEqual([ref('TaskEventsDeadLetters')]);
    const document = evaluate(policy.PolicyDocument, {
      values: { 'TaskEventsDeadLetters.Arn': QUEUE_ARN, 'TaskStoppedRule.Arn': RULE_ARN },
    }) as { Statement: Record<string, unknown>[] };
    expect(document.Statement).toEqual([
      {
        Sid: 'HttpsOnly',
        Effect: 'Deny',
        Principal: '*',
        Action: 'sqs:*',
        Resource: QUEUE_ARN,
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
      {
        Sid: 'TaskStoppedRuleSendsUndelivered',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: QUEUE_ARN,
        Condition: { ArnEquals: { 'aws:SourceArn': RULE_ARN } },
      },
    ]);
  });

  it('lets EventBridge invoke the function for this rule only', () => {
    expect(properties(runner, 'TaskStoppedRuleInvokesFunction', 'AWS::Lambda::Permission')).toEqual({
      Action: 'lambda:InvokeFunction',
      FunctionName: getAtt('Function', 'Arn'),
      Principal: 'events.amazonaws.com',
      SourceArn: getAtt('TaskStoppedRule', 'Arn'),
    });
  });
});
