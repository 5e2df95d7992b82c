/**
 * An event Amazon ECS sent through EventBridge, as a rule delivers it to a function: the EventBridge envelope
 * (`version` "0", `id`, `detail-type`, `source` "aws.ecs", `account`, `time`, `region`, `resources`, `detail`).
 * Recognised here, where the handler decides what kind of event it was given, so that such an event never reaches
 * the CloudFormation path; what its detail says is read by src/events/.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_cwe_events.html
 * https://docs.aws.amazon.com/eventbridge/latest/ref/events-structure.html
 */
export interface EcsEventEnvelope {
  source: 'aws.ecs';
  'detail-type': string;
  detail: unknown;
  id?: unknown;
  account?: unknown;
  region?: unknown;
  time?: unknown;
}

/** The EventBridge `source` of every event Amazon ECS sends. */
export const ECS_EVENT_SOURCE = 'aws.ecs';

/**
 * Whether an event has the shape of an ECS event from EventBridge. Only the envelope is checked: anyone allowed to
 * invoke the function can send one, so nothing it says is believed before src/events/ has read it and ECS confirmed it.
 */
export function isEcsEvent(event: unknown): event is EcsEventEnvelope {
  if (typeof event !== 'object' || event === null) return false;
  const candidate = event as Record<string, unknown>;
  // No check of the detail here: one that is missing or unreadable is still ECS's, and src/events/ says so.
  return candidate.source === ECS_EVENT_SOURCE && typeof candidate['detail-type'] === 'string';
}
