import {
  describeEvent,
  isCustomResourceRequest,
  readResponse,
  type CustomResourceRequest,
} from '../../scripts/local/cloudformation';
import { snsNotification } from '../../scripts/local/sns-notification';
import { fixtures } from '../support/fixtures';

function answerTo(
  request: Pick<CustomResourceRequest, 'StackId' | 'RequestId' | 'LogicalResourceId'>,
  physicalResourceId: string,
): string {
  const { StackId, RequestId, LogicalResourceId } = request;
  return JSON.stringify({
    Status: 'SUCCESS',
    PhysicalResourceId: physicalResourceId,
    StackId,
    RequestId,
    LogicalResourceId,
  });
}

describe('the local checker of answers', () => {
  it('flags an Update answered with another PhysicalResourceId: CloudFormation would replace the resource', () => {
    const update = fixtures.update();

    expect(readResponse(update as CustomResourceRequest, answerTo(update, 'something-else')).problems).toEqual([
      `PhysicalResourceId is "something-else", not the request's "${update.PhysicalResourceId}": CloudFormation would take the Update for a replacement and later Delete the old resource`,
    ]);
    expect(readResponse(update as CustomResourceRequest, answerTo(update, update.PhysicalResourceId)).problems).toEqual(
      [],
    );
  });

  it('flags a Delete answered with another PhysicalResourceId, and lets a Create choose its own', () => {
    const deletion = fixtures.delete();
    const create = fixtures.create();

    expect(readResponse(deletion as CustomResourceRequest, answerTo(deletion, 'something-else')).problems).toEqual([
      `PhysicalResourceId is "something-else", not the request's "${deletion.PhysicalResourceId}": CloudFormation expects a Delete to answer with the ID it deletes`,
    ]);
    expect(readResponse(create as CustomResourceRequest, answerTo(create, 'any-new-id')).problems).toEqual([]);
  });
});

describe('what arrived, when an event is not a custom resource request', () => {
  it('names an EventBridge event by its source and detail-type', () => {
    const event = {
      version: '0',
      id: '1',
      'detail-type': 'ECS Task State Change',
      source: 'aws.ecs',
      account: '123456789012',
      detail: {},
    };

    expect(isCustomResourceRequest(event)).toBe(false);
    expect(describeEvent(event)).toBe('an EventBridge event (source "aws.ecs", detail-type "ECS Task State Change")');
  });

  it('names an SNS notification and where the request inside it is', () => {
    expect(describeEvent(snsNotification(fixtures.create(), 'arn:aws:sns:us-east-1:123456789012:runner'))).toBe(
      'an event with 1 record(s) from aws:sns: for a request that came through an SNS topic, give the request in Records[0].Sns.Message',
    );
  });

  it('names what a request lacks', () => {
    const update: Record<string, unknown> = { ...fixtures.update() };
    delete update.PhysicalResourceId;

    expect(describeEvent(update)).toBe('an Update request without PhysicalResourceId (an Update carries it)');
    expect(describeEvent({ ...fixtures.delete(), PhysicalResourceId: undefined, StackId: 1 })).toBe(
      'a Delete request without StackId, PhysicalResourceId (a Delete carries it)',
    );
  });

  it('lists the top-level keys of anything else', () => {
    expect(describeEvent({ detailType: 'x', payload: {} })).toBe(
      'an object with the top-level keys detailType, payload',
    );
    expect(describeEvent([1, 2])).toBe('a JSON array of 2 items, not an object');
  });
});
