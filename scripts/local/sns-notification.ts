import { randomUUID } from 'node:crypto';
import type { SNSEvent } from 'aws-lambda';

/**
 * A request as the runner's function receives it when the ServiceToken is an SNS topic: CloudFormation publishes
 * the request as JSON text, and SNS invokes the subscribed function with one record holding it.
 */
export function snsNotification(request: unknown, topicArn: string): SNSEvent {
  const messageId = randomUUID();
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${topicArn}:${randomUUID()}`,
        Sns: {
          Type: 'Notification',
          MessageId: messageId,
          TopicArn: topicArn,
          Subject: 'AWS CloudFormation custom resource request',
          Message: JSON.stringify(request),
          Timestamp: new Date().toISOString(),
          SignatureVersion: '1',
          Signature: 'local',
          SigningCertUrl: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-local.pem',
          UnsubscribeUrl: `https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(topicArn)}`,
          MessageAttributes: {},
        },
      },
    ],
  };
}
