import { type EventDeliveryModel, planEventDeliveries } from '../../bench/event-delivery';
import { taskTransitions } from '../../bench/fake-ecs';
import { seededRandom } from '../../bench/seeded-random';

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
const QUIET: EventDeliveryModel = {
  minDelayMs: 500,
  meanExtraDelayMs: 0,
  duplicateShare: 0,
  lateShare: 0,
  lateExtraMs: 0,
  lostShare: 0,
};

describe("the fake ECS task's changes", () => {
  it('counts every change in its version, desired STOPPED from the exit on', () => {
    expect(taskTransitions({ runAt: T0, exitAt: T0 + 60_000 })).toEqual([
      { at: T0, lastStatus: 'PROVISIONING', desiredStatus: 'RUNNING', version: 1 },
      { at: T0 + 1000, lastStatus: 'PENDING', desiredStatus: 'RUNNING', version: 2 },
      { at: T0 + 2000, lastStatus: 'RUNNING', desiredStatus: 'RUNNING', version: 3 },
      { at: T0 + 60_000, lastStatus: 'DEACTIVATING', desiredStatus: 'STOPPED', version: 4 },
      { at: T0 + 70_000, lastStatus: 'STOPPING', desiredStatus: 'STOPPED', version: 5 },
      { at: T0 + 80_000, lastStatus: 'DEPROVISIONING', desiredStatus: 'STOPPED', version: 6 },
      { at: T0 + 90_000, lastStatus: 'STOPPED', desiredStatus: 'STOPPED', version: 7 },
    ]);
  });

  it('leaves out RUNNING when the container exits before the task would have reached it', () => {
    const statuses = taskTransitions({ runAt: T0, exitAt: T0 + 1500 }).map((change) => change.lastStatus);
    expect(statuses).toEqual(['PROVISIONING', 'PENDING', 'DEACTIVATING', 'STOPPING', 'DEPROVISIONING', 'STOPPED']);
  });
});

describe('event delivery', () => {
  const transitions = taskTransitions({ runAt: T0, exitAt: T0 + 60_000 });

  it("delivers only what the rule matches (desired STOPPED), once each, after the model's delay", () => {
    const plan = planEventDeliveries(transitions, seededRandom(1), QUIET);
    expect(plan.lost).toEqual([]);
    expect(plan.deliveries.map((delivery) => [delivery.transition.version, delivery.arriveAt - T0])).toEqual([
      [4, 60_500],
      [5, 70_500],
      [6, 80_500],
      [7, 90_500],
    ]);
  });

  it('loses, duplicates and delivers late the shares it is given', () => {
    const everyEventTwiceAndLate = planEventDeliveries(transitions, seededRandom(2), {
      ...QUIET,
      duplicateShare: 1,
      lateShare: 1,
      lateExtraMs: 60_000,
    });
    expect(everyEventTwiceAndLate.deliveries.filter((delivery) => delivery.duplicate)).toHaveLength(4);
    expect(everyEventTwiceAndLate.deliveries).toHaveLength(8);
    // Late deliveries arrive out of order: some later change arrives before an earlier one.
    const versions = everyEventTwiceAndLate.deliveries.map((delivery) => delivery.transition.version);
    expect(versions).not.toEqual([...versions].sort((a, b) => a - b));

    const allLost = planEventDeliveries(transitions, seededRandom(3), { ...QUIET, lostShare: 1 });
    expect(allLost.deliveries).toEqual([]);
    expect(allLost.lost.map((change) => change.version)).toEqual([4, 5, 6, 7]);
  });

  it('is repeatable with the same seed', () => {
    const plan = () => planEventDeliveries(transitions, seededRandom(9));
    expect(plan()).toEqual(plan());
  });
});
