import { EVENT_DELIVERY } from '../../bench/event-delivery';
import { planRuns, simulateScale } from '../../bench/scale';
import { seededRandom } from '../../bench/seeded-random';

describe('the scale simulation', () => {
  it('runs real Creates through the runner in virtual time: a few quiet runs all succeed unthrottled', async () => {
    const outcome = await simulateScale({ runs: 6, spreadMinutes: 2, seed: 7 });

    expect(outcome.errors).toEqual([]);
    expect(outcome.failedOrStopped).toEqual([]);
    expect(outcome.refused).toEqual({});
    expect(outcome.accepted).toMatchObject({ RunTask: 6, DescribeTaskDefinition: 6 });
    expect(outcome.latencyByAge.reduce((total, band) => total + band.runs, 0)).toBe(6);
    // Two of these tasks run 18 minutes, longer than a Lambda invocation: their watches are handed off.
    const long = planRuns({ runs: 6, spreadMinutes: 2, seed: 7 }, seededRandom(7)).filter(
      (plan) => plan.exitAfterMs > 15 * 60_000,
    );
    expect(long).toHaveLength(2);
    expect(outcome.handOffs).toBeGreaterThanOrEqual(2);
  });
});

describe('the scale simulation with events', () => {
  it("delivers the tasks' events to the runner and still answers every run exactly once", async () => {
    const outcome = await simulateScale({ runs: 6, spreadMinutes: 2, seed: 7, completion: 'events' });

    expect(outcome.errors).toEqual([]);
    expect(outcome.failedOrStopped).toEqual([]);
    expect(outcome.answersPerRun).toEqual({ none: 0, one: 6, more: 0 });
    // Six tasks, four matching changes each, some lost, some twice.
    const events = outcome.events;
    expect(events).toBeDefined();
    expect((events?.delivered ?? 0) - (events?.duplicates ?? 0) + (events?.lost ?? 0)).toBe(24);
    expect(events?.invocations).toBe((events?.delivered ?? 0) + (events?.retried ?? 0));
    // Parked after about a minute, no run holds an invocation for its length (two of them run 18 minutes).
    expect(outcome.invocationSecondsPerRun.max).toBeGreaterThan(0);
    expect(outcome.invocationSecondsPerRun.max).toBeLessThanOrEqual(90);
    expect(outcome.handOffs).toBe(0);
  });
});

describe('the scale simulation with every event lost', () => {
  it('leaves the parked runs to the sweep, which answers each of them once', async () => {
    const outcome = await simulateScale({
      runs: 6,
      spreadMinutes: 2,
      seed: 7,
      completion: 'events',
      eventDelivery: { ...EVENT_DELIVERY, lostShare: 1 },
    });

    expect(outcome.errors).toEqual([]);
    expect(outcome.events?.delivered).toBe(0);
    expect(outcome.failedOrStopped).toEqual([]);
    expect(outcome.answersPerRun).toEqual({ none: 0, one: 6, more: 0 });
  });
});
