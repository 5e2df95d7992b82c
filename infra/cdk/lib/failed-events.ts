import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** What the named readers alone may do with the queue's messages: every way to read or remove one. */
const READ_ACTIONS = [
  'sqs:ReceiveMessage',
  'sqs:DeleteMessage',
  'sqs:ChangeMessageVisibility',
  'sqs:StartMessageMoveTask',
];

/**
 * The records of the runner's asynchronous events Lambda gave up on, as infra/task-runner.yml's FailedEvents: a
 * standard queue (Lambda's destinations take no FIFO queue), SQS-managed encryption (no key policy to keep), kept
 * 14 days (SQS's longest), https only. A record holds the whole event: a ResponseURL that can still answer
 * CloudFormation, and the Overrides' environment values; hence, with readers named, an explicit deny for every
 * other principal, which beats any identity policy of the account.
 */
export function createFailedEvents(scope: Construct, id: string, readerArns: readonly string[] = []): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    retentionPeriod: Duration.days(14),
    enforceSSL: true,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const notArns = readerArns.filter((arn) => !Token.isUnresolved(arn) && !arn.startsWith('arn:'));
  if (notArns.length > 0) {
    throw new Error(
      `${queue.node.path}: \`failedEventReaderArns\` takes IAM role or user ARNs (arn:<partition>:iam::<account>:role/<name>), not ${notArns.join(', ')}`,
    );
  }
  if (readerArns.length > 0) {
    queue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'ReadOnlyByTheNamedReaders',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: READ_ACTIONS,
        resources: [queue.queueArn],
        conditions: { ArnNotLike: { 'aws:PrincipalArn': [...readerArns] } },
      }),
    );
  }
  return queue;
}

/**
 * The queue as a function's on-failure destination, allowing the function's role `sqs:SendMessage` on it and
 * nothing else (Lambda sends the records with the execution role), where aws-lambda-destinations' SqsDestination
 * also grants GetQueueAttributes and GetQueueUrl.
 */
export class SendOnlyQueueDestination implements lambda.IDestination {
  constructor(private readonly queue: sqs.IQueue) {}

  bind(_scope: Construct, fn: lambda.IFunction): lambda.DestinationConfig {
    this.queue.grant(fn, 'sqs:SendMessage');
    return { destination: this.queue.queueArn };
  }
}
