import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** The environment variable that tells the runner whether the rule sends it ECS events ('true' or 'false'). */
export const EVENT_DRIVEN_COMPLETION_VARIABLE = 'EVENT_DRIVEN_COMPLETION';

/**
 * The ECS events of the runner's stopping tasks, as infra/task-runner.yml's TaskStoppedRule (event-driven
 * completion, issue 38; docs/event-driven-completion.md): a rule on the default bus for "ECS Task State Change"
 * with desiredStatus STOPPED, in the given clusters (by default every cluster of the stack's account and region),
 * leaving out services' tasks (group "service:NAME"); its target, the function, with its own retry policy and a
 * dead-letter queue only the rule may send to, and a permission for the rule only. Runs still poll: the runner logs
 * the events until it is taught to wake on them.
 */
export class TaskEvents extends Construct {
  /** The rule that sends the function the events. */
  readonly rule: events.Rule;
  /** Where EventBridge keeps the events it could not hand to the function. */
  readonly deadLetters: sqs.Queue;

  constructor(scope: Construct, id: string, fn: lambda.IFunction, clusterArns?: string[]) {
    super(scope, id);
    const stack = Stack.of(this);
    // A pattern field given an empty list matches nothing: no clusters named means every cluster of the account and
    // region (the default bus only carries this account's events; the role still allows only EcsRunTask's clusters).
    const clusters =
      clusterArns && clusterArns.length > 0
        ? [...clusterArns]
        : [{ prefix: `arn:${stack.partition}:ecs:${stack.region}:${stack.account}:cluster/` }];
    this.deadLetters = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      retentionPeriod: Duration.days(14),
      enforceSSL: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.rule = new events.Rule(this, 'TaskStopped', {
      description: "ECS tasks of the runner's clusters that are to stop (not services' tasks), for the ECS task runner",
      eventPattern: {
        source: ['aws.ecs'],
        detailType: ['ECS Task State Change'],
        // Written out rather than with events.Match (anythingButPrefix is newer than the lowest aws-cdk-lib served).
        detail: {
          desiredStatus: ['STOPPED'],
          clusterArn: clusters,
          group: [{ 'anything-but': { prefix: 'service:' } }],
        },
      },
    });
    // The target adds the function's permission for events.amazonaws.com with the rule as SourceArn, and the queue's
    // policy letting EventBridge send to it for this rule only (aws:SourceArn).
    this.rule.addTarget(
      new targets.LambdaFunction(fn, {
        retryAttempts: 185,
        maxEventAge: Duration.hours(1),
        deadLetterQueue: this.deadLetters,
      }),
    );
  }
}
