import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { SWEEP_INPUT as RUNNER_SWEEP_INPUT } from '../../../src/runtime/sweep-input';
import { EcsTaskRunnerFunction } from '../lib';
import { SWEEP_INPUT } from '../lib/sweep-schedule';
import { testApp } from './support/test-app';

const CLUSTER_ARN = 'arn:aws:ecs:eu-west-1:123456789012:cluster/app';

describe('EcsTaskRunnerFunction’s deadline sweep', () => {
  it('schedules the runner every 5 minutes with the input the runner takes for a sweep, over the clusters given', () => {
    const stack = new Stack(testApp(), 'Sweep', { env: { account: '123456789012', region: 'eu-west-1' } });
    const cluster = ecs.Cluster.fromClusterArn(stack, 'Cluster', CLUSTER_ARN);
    const runner = new EcsTaskRunnerFunction(stack, 'Runner', { sweepClusters: [cluster] });
    expect(JSON.parse(SWEEP_INPUT)).toEqual(RUNNER_SWEEP_INPUT);
    const template = Template.fromStack(stack);
    const functionArn = { 'Fn::GetAtt': [stack.getLogicalId(runner.function.node.defaultChild as never), 'Arn'] };
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(5 minutes)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: Match.objectLike({ Arn: functionArn, Input: SWEEP_INPUT }),
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SWEEP_CLUSTERS: CLUSTER_ARN }) },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'scheduler.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
          },
        ],
        Version: '2012-10-17',
      },
      Policies: [
        {
          PolicyName: 'invoke-the-runner',
          PolicyDocument: {
            Statement: [
              {
                Sid: 'InvokeTheRunnerToSweep',
                Effect: 'Allow',
                Action: 'lambda:InvokeFunction',
                Resource: functionArn,
              },
            ],
            Version: '2012-10-17',
          },
        },
      ],
    });
    expect(runner.sweepSchedule).toBeDefined();
  });

  it('schedules nothing without clusters to sweep', () => {
    const stack = new Stack(testApp(), 'NoSweep');
    const runner = new EcsTaskRunnerFunction(stack, 'Runner');
    Template.fromStack(stack).resourceCountIs('AWS::Scheduler::Schedule', 0);
    expect(runner.sweepSchedule).toBeUndefined();
  });
});
