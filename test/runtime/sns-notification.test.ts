import { deliveryOf, unwrapSnsNotification } from '../../src/runtime/sns-notification';
import { snsNotification } from '../../scripts/local/sns-notification';
import { fixtures } from '../support/fixtures';

const topicArn = 'arn:aws:sns:eu-west-1:123456789012:ecs-task-runner';

describe('unwrapSnsNotification', () => {
  it('gives the CloudFormation request an SNS topic delivered', () => {
    const request = fixtures.create();

    expect(unwrapSnsNotification(snsNotification(request, topicArn))).toEqual(request);
  });

  it('gives a request sent to the function directly, and a hand-off, as they are', () => {
    const request = fixtures.create();
    const continuation = fixtures.continuation();

    expect(unwrapSnsNotification(request)).toBe(request);
    expect(unwrapSnsNotification(continuation)).toBe(continuation);
  });

  it('gives a notification whose message is not JSON as it is, for the handler to refuse', () => {
    const notification = snsNotification(fixtures.create(), topicArn);
    const record = notification.Records[0];
    if (record) record.Sns.Message = 'Hello from SNS';

    expect(unwrapSnsNotification(notification)).toBe(notification);
  });

  it('gives events from other sources as they are', () => {
    const s3Event = { Records: [{ eventSource: 'aws:s3', s3: { bucket: { name: 'artifacts' } } }] };

    expect(unwrapSnsNotification(s3Event)).toBe(s3Event);
    expect(unwrapSnsNotification(undefined)).toBeUndefined();
  });
});

describe('deliveryOf', () => {
  it('tells a notification of the topic from a direct invocation, which alone may be a hand-off', () => {
    const request = fixtures.create();
    const continuation = fixtures.continuation();

    expect(deliveryOf(snsNotification(request, topicArn))).toEqual({ kind: 'topic', message: request });
    expect(deliveryOf(snsNotification(continuation, topicArn))).toEqual({ kind: 'topic', message: continuation });
    expect(deliveryOf(continuation)).toEqual({ kind: 'invoke', event: continuation });
  });
});

describe('deliveryOf an ECS event', () => {
  it('gives an event from Amazon ECS a kind of its own, never a request or a hand-off', () => {
    const event = fixtures.ecsTaskStopping();

    expect(deliveryOf(event)).toEqual({ kind: 'ecs-event', event });
  });

  it('gives an event from another source, or without a detail-type, as an invocation', () => {
    const fromEc2 = { ...fixtures.ecsTaskStopping(), source: 'aws.ec2' };
    const withoutDetailType = fixtures.ecsTaskStopping();
    delete withoutDetailType['detail-type'];

    expect(deliveryOf(fromEc2)).toEqual({ kind: 'invoke', event: fromEc2 });
    expect(deliveryOf(withoutDetailType)).toEqual({ kind: 'invoke', event: withoutDetailType });
  });
});
