import { SWEEP_INPUT } from '../../src/runtime/sweep-input';
import { getAtt, loadTemplate, properties, ref } from './cfn-yaml';

const runner = loadTemplate('task-runner.yml');

describe('task-runner.yml schedules the deadline sweep', () => {
  const schedule = properties(runner, 'SweepSchedule', 'AWS::Scheduler::Schedule');
  const role = properties(runner, 'SweepScheduleRole', 'AWS::IAM::Role');

  it('invokes the runner every 5 minutes with the input the runner takes for a sweep', () => {
    expect(schedule).toMatchObject({ ScheduleExpression: 'rate(5 minutes)', FlexibleTimeWindow: { Mode: 'OFF' } });
    const target = schedule.Target as { Arn: unknown; RoleArn: unknown; Input: string };
    expect(target.Arn).toEqual(getAtt('Function', 'Arn'));
    expect(target.RoleArn).toEqual(getAtt('SweepScheduleRole', 'Arn'));
    expect(JSON.parse(target.Input)).toEqual(SWEEP_INPUT);
  });

  it('gives the schedule a role of its own, assumed by EventBridge Scheduler of this account, that may invoke the runner and nothing else', () => {
    expect(role.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'scheduler.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') } },
        },
      ],
    });
    const statements = (role.Policies as { PolicyDocument: { Statement: unknown[] } }[]).flatMap(
      (policy) => policy.PolicyDocument.Statement,
    );
    expect(statements).toEqual([
      {
        Sid: 'InvokeTheRunnerToSweep',
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: getAtt('Function', 'Arn'),
      },
    ]);
    expect(role.ManagedPolicyArns).toBeUndefined();
  });

  it('tells the runner to sweep the clusters it may use', () => {
    const fn = properties(runner, 'Function', 'AWS::Lambda::Function');
    const variables = (fn.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables.SWEEP_CLUSTERS).toEqual({ 'Fn::Join': [',', ref('ClusterArns')] });
  });
});
