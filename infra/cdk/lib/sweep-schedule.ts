import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type { Construct } from 'constructs';

/**
 * What the runner takes for a sweep rather than a request (the runner's src/runtime/sweep-input.ts; the tests check
 * they are the same).
 */
export const SWEEP_INPUT = '{"ecsTaskRunnerSweep":1}';

/** The environment variable that names the clusters the sweep looks in (comma-separated). */
export const SWEEP_CLUSTERS_VARIABLE = 'SWEEP_CLUSTERS';

/**
 * The deadline sweep, as infra/task-runner.yml's SweepSchedule: EventBridge Scheduler invokes the runner every 5
 * minutes with SWEEP_INPUT, and the runner stops its tasks still running past their deadline tag. Scheduler invokes
 * with a role of its own, assumed only by Scheduler of this account, that may invoke the runner and nothing else.
 * A missed sweep is not retried: the next comes 5 minutes later.
 */
export function createSweepSchedule(
  scope: Construct,
  id: string,
  fn: lambda.IFunction,
): { schedule: scheduler.CfnSchedule; role: iam.Role } {
  const role = new iam.Role(scope, `${id}Role`, {
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
    }),
    inlinePolicies: {
      'invoke-the-runner': new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            sid: 'InvokeTheRunnerToSweep',
            actions: ['lambda:InvokeFunction'],
            resources: [fn.functionArn],
          }),
        ],
      }),
    },
  });
  const schedule = new scheduler.CfnSchedule(scope, id, {
    description: "Sweeps the ECS task runner's tasks that run past their deadline",
    scheduleExpression: 'rate(5 minutes)',
    flexibleTimeWindow: { mode: 'OFF' },
    target: {
      arn: fn.functionArn,
      roleArn: role.roleArn,
      input: SWEEP_INPUT,
      retryPolicy: { maximumRetryAttempts: 0, maximumEventAgeInSeconds: 300 },
    },
  });
  return { schedule, role };
}
