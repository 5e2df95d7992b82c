import { DEFAULT_POLL_INTERVAL_SECONDS } from '../../src/properties/defaults';
import { nextPollDelayMs, pollIntervalMs, throttledRecently } from '../../src/tasks/poll-schedule';

const MINUTE = 60_000;
const calm = { capSeconds: DEFAULT_POLL_INTERVAL_SECONDS, throttledRecently: false };

describe('the poll interval', () => {
  test.each([0, 1, 2.5, 4.99])('is 2.75 s while the task is %f minutes old', (minutes) => {
    expect(pollIntervalMs({ ...calm, ageMs: minutes * MINUTE })).toBe(2750);
  });

  test.each([
    [5, 12_000],
    [10, 24_000],
    [20, 48_000],
    [25, 60_000],
    [40, 60_000],
    [60, 60_000],
  ])('after five minutes grows with the age, up to the default cap: %i minutes → %i ms', (minutes, expected) => {
    expect(pollIntervalMs({ ...calm, ageMs: minutes * MINUTE })).toBe(expected);
  });

  test.each([1, 2, 3.5, 5, 7, 12, 29, 30, 31, 45, 60])(
    'at %f minutes keeps the targets: ≤ 3 s before minute 5, ≤ 6 calls a minute after it, ≤ 2 after minute 30, within 5 % of the age',
    (minutes) => {
      const interval = pollIntervalMs({ ...calm, ageMs: minutes * MINUTE });
      if (minutes < 5) expect(interval).toBeLessThanOrEqual(3000);
      else expect(MINUTE / interval).toBeLessThanOrEqual(6);
      if (minutes >= 30) expect(MINUTE / interval).toBeLessThanOrEqual(2);
      expect(interval).toBeLessThanOrEqual(Math.max(3000, 0.05 * minutes * MINUTE));
    },
  );

  it('never exceeds a given PollInterval, which stays the upper bound', () => {
    expect(pollIntervalMs({ ...calm, capSeconds: 1, ageMs: 0 })).toBe(1000);
    expect(pollIntervalMs({ ...calm, capSeconds: 20, ageMs: 40 * MINUTE })).toBe(20_000);
    expect(pollIntervalMs({ ...calm, capSeconds: 300, ageMs: 60 * MINUTE })).toBe(144_000);
  });

  it('slows down while ECS throttles: doubled, at least 15 s, at most 60 s or the cap', () => {
    const throttled = { ...calm, throttledRecently: true };
    expect(pollIntervalMs({ ...throttled, ageMs: 0 })).toBe(15_000);
    expect(pollIntervalMs({ ...throttled, capSeconds: 1, ageMs: 0 })).toBe(15_000);
    expect(pollIntervalMs({ ...throttled, ageMs: 10 * MINUTE })).toBe(48_000);
    expect(pollIntervalMs({ ...throttled, ageMs: 30 * MINUTE })).toBe(60_000);
    expect(pollIntervalMs({ ...throttled, capSeconds: 300, ageMs: 60 * MINUTE })).toBe(288_000);
  });

  it('is never longer than the time left until the deadline', () => {
    expect(nextPollDelayMs({ ...calm, ageMs: 40 * MINUTE }, 5000)).toBe(5000);
    expect(nextPollDelayMs({ ...calm, ageMs: 40 * MINUTE }, -10)).toBe(0);
  });
});

describe('recent throttling', () => {
  it('counts for a minute after the ThrottlingException', () => {
    const at = Date.UTC(2026, 10, 25, 12, 0, 0);
    expect(throttledRecently(undefined, at)).toBe(false);
    expect(throttledRecently(at, at + 59_999)).toBe(true);
    expect(throttledRecently(at, at + 60_000)).toBe(false);
  });
});
