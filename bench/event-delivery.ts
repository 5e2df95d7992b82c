/**
 * How the scale benchmark's events reach the runner: ECS sends an "ECS Task State Change" for every change of a task
 * "at least once", in any order ("Handling Amazon ECS events":
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_cwet_handling.html), and the runner template's
 * rule passes on those with `desiredStatus: STOPPED`. Neither ECS nor EventBridge publishes a delivery latency, so
 * the delays, duplicates, late deliveries and losses are a model: the figures below, drawn from the benchmark's
 * seeded generator. Pure, so that it is unit-tested.
 */
import type { TaskTransition } from './fake-ecs';

export interface EventDeliveryModel {
  /** No delivery is faster than this (ECS to EventBridge to Lambda's asynchronous queue). */
  minDelayMs: number;
  /** The mean of the exponential delay on top of minDelayMs. */
  meanExtraDelayMs: number;
  /** The share of events delivered twice (at least once), the copy with a delay of its own. */
  duplicateShare: number;
  /** The share of events held back by up to lateExtraMs more, so that they arrive after later ones. */
  lateShare: number;
  lateExtraMs: number;
  /** The share of events never delivered (a rule's retries and dead-letter queue exhausted, or not sent). */
  lostShare: number;
}

export const EVENT_DELIVERY: EventDeliveryModel = {
  minDelayMs: 200,
  meanExtraDelayMs: 800,
  duplicateShare: 0.05,
  lateShare: 0.05,
  lateExtraMs: 15_000,
  lostShare: 0.02,
};

/** One delivery of one event to the runner. */
export interface EventDelivery {
  /** When the runner's invocation starts with it. */
  arriveAt: number;
  transition: TaskTransition;
  /** The second copy of an event delivered twice. */
  duplicate: boolean;
}

/** What became of the events of one task: those the rule matches, delivered (some twice) or lost. */
export interface TaskEventPlan {
  deliveries: EventDelivery[];
  lost: TaskTransition[];
}

/** The deliveries of the transitions the rule matches (desired STOPPED), in the order they arrive. */
export function planEventDeliveries(
  transitions: readonly TaskTransition[],
  random: () => number,
  model: EventDeliveryModel = EVENT_DELIVERY,
): TaskEventPlan {
  const deliveries: EventDelivery[] = [];
  const lost: TaskTransition[] = [];
  const delay = (): number => {
    const late = random() < model.lateShare ? random() * model.lateExtraMs : 0;
    // Exponential: most deliveries are quick, a few slow.
    return model.minDelayMs + -Math.log(1 - random()) * model.meanExtraDelayMs + late;
  };
  for (const transition of transitions) {
    if (transition.desiredStatus !== 'STOPPED') continue;
    if (random() < model.lostShare) {
      lost.push(transition);
      continue;
    }
    deliveries.push({ arriveAt: transition.at + delay(), transition, duplicate: false });
    if (random() < model.duplicateShare)
      deliveries.push({ arriveAt: transition.at + delay(), transition, duplicate: true });
  }
  return { deliveries: deliveries.sort((a, b) => a.arriveAt - b.arriveAt), lost };
}
