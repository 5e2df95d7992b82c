import { type CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { EcsTaskRunnerFunction } from '../lib';
import { testApp } from './support/test-app';

const CLUSTER = 'arn:aws:ecs:eu-west-1:123456789012:cluster/apps';

function synth(props: ConstructorParameters<typeof EcsTaskRunnerFunction>[2] = {}) {
  const stack = new Stack(testApp(), 'Events', { env: { account: '123456789012', region: 'eu-west-1' } });
  const runner = new EcsTaskRunnerFunction(stack, 'Runner', props);
  const id = (element: CfnElement | undefined) => (element ? stack.getLogicalId(element) : 'missing');
  return {
    template: Template.fromStack(stack),
    runner,
    functionId: id(runner.function.node.defaultChild as CfnElement),
    ruleId: id(runner.taskEvents?.rule.node.defaultChild as CfnElement | undefined),
    queueId: id(runner.taskEvents?.deadLetters.node.defaultChild as CfnElement | undefined),
  };
}

describe('EcsTaskRunnerFunction’s task-events rule', () => {
  it('sends the function the ECS events of the named clusters’ tasks that are to stop, no service’s task', () => {
    const { template, functionId } = synth({ taskEventClusterArns: [CLUSTER] });
    template.hasResourceProperties('AWS::Events::Rule', {
      State: 'ENABLED',
      EventPattern: {
        source: ['aws.ecs'],
        'detail-type': ['ECS Task State Change'],
        detail: {
          desiredStatus: ['STOPPED'],
          clusterArn: [CLUSTER],
          group: [{ 'anything-but': { prefix: 'service:' } }],
        },
      },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ EVENT_DRIVEN_COMPLETION: 'true' }) },
    });
    expect(functionId).not.toBe('missing');
  });

  it('by default matches every cluster of the stack’s account and region', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        detail: Match.objectLike({
          clusterArn: [
            {
              prefix: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecs:eu-west-1:123456789012:cluster/']] },
            },
          ],
        }),
      },
    });
  });

  it('targets the function with its own retry policy and dead-letter queue, and lets only the rule invoke it', () => {
    const { template, functionId, ruleId, queueId } = synth({ taskEventClusterArns: [CLUSTER] });
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        {
          Arn: { 'Fn::GetAtt': [functionId, 'Arn'] },
          Id: Match.anyValue(),
          RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 185 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
        },
      ],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [functionId, 'Arn'] },
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [ruleId, 'Arn'] },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
            Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } },
          }),
        ]),
      },
    });
    template.resourceCountIs('AWS::SQS::Queue', 2); // FailedEvents and the rule's dead-letter queue
  });

  it('with eventDrivenCompletion false, has no rule, no permission for EventBridge, and says so', () => {
    const { template, runner } = synth({ eventDrivenCompletion: false });
    template.resourceCountIs('AWS::Events::Rule', 0);
    template.resourcePropertiesCountIs('AWS::Lambda::Permission', { Principal: 'events.amazonaws.com' }, 0);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ EVENT_DRIVEN_COMPLETION: 'false' }) },
    });
    expect(runner.taskEvents).toBeUndefined();
  });
});
