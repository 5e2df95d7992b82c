import type { SNSEvent } from 'aws-lambda';
import { type EcsEventEnvelope, isEcsEvent } from './ecs-event';
import { isSweepInput } from './sweep-input';

/**
 * The request inside an SNS notification, for a ServiceToken that is an SNS topic (the usual way to offer one
 * runner to other accounts): CloudFormation publishes the request as JSON text to the topic, and SNS invokes the
 * subscribed function with it in `Records[0].Sns.Message`. The answer goes to the request's ResponseURL as for any
 * other request. Anything else — a request sent to the function directly, a hand-off, an ECS event — is returned
 * as it is.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-custom-resources-sns.html
 */
export function unwrapSnsNotification(event: unknown): unknown {
  const delivery = deliveryOf(event);
  return delivery.kind === 'topic' ? delivery.message : delivery.kind === 'invoke' ? delivery.event : event;
}

/**
 * How an event arrived: through an SNS topic, with the message it carried, invoked directly, or sent by the runner's
 * schedule to sweep. Only a direct invocation can be a hand-off or a sweep: a topic's publishers may send requests,
 * never an invocation's state. An event from Amazon ECS (the runner template's EventBridge rule,
 * docs/event-driven-completion.md) is a kind of its own: it is no CloudFormation request, and must never be answered
 * or refused as one.
 */
export type Delivery =
  | { kind: 'topic'; message: unknown }
  | { kind: 'invoke'; event: unknown }
  | { kind: 'sweep' }
  | { kind: 'ecs-event'; event: EcsEventEnvelope };

export function deliveryOf(event: unknown): Delivery {
  if (isEcsEvent(event)) return { kind: 'ecs-event', event };
  if (isSweepInput(event)) return { kind: 'sweep' };
  if (!isSnsEvent(event)) return { kind: 'invoke', event };
  const [record] = event.Records;
  try {
    return { kind: 'topic', message: JSON.parse(record?.Sns.Message ?? '') as unknown };
  } catch {
    // Not JSON: no CloudFormation request either, and the handler says so about the event as it came.
    return { kind: 'invoke', event };
  }
}

/** SNS invokes a subscribed function with exactly one record per event. */
function isSnsEvent(event: unknown): event is SNSEvent {
  if (typeof event !== 'object' || event === null) return false;
  const records = (event as { Records?: unknown }).Records;
  if (!Array.isArray(records) || records.length !== 1) return false;
  const [record] = records as unknown[];
  if (typeof record !== 'object' || record === null) return false;
  const { EventSource, Sns } = record as { EventSource?: unknown; Sns?: unknown };
  return (
    EventSource === 'aws:sns' &&
    typeof Sns === 'object' &&
    Sns !== null &&
    typeof (Sns as { Message?: unknown }).Message === 'string'
  );
}
