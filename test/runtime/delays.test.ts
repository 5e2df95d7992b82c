import {
  answerPutDelayMs,
  BACKOFF_BASE_MS,
  BACKOFF_CAP_MS,
  deniedCallDelayMs,
  fullJitterBackoffMs,
  handOffResendDelayMs,
  jitterFraction,
  pollWaitMs,
  startRetryDelayMs,
  throttledCallDelayMs,
} from '../../src/runtime/delays';

describe('jitterFraction', () => {
  it('is 32-bit FNV-1a over the text, as a fraction of 2^32 (the reference test vectors)', () => {
    // Test vectors of the FNV reference (Fowler, Noll, Vo: FNV-1a, 32 bits).
    expect(jitterFraction('') * 2 ** 32).toBe(0x811c9dc5);
    expect(jitterFraction('a') * 2 ** 32).toBe(0xe40c292c);
    expect(jitterFraction('foobar') * 2 ** 32).toBe(0xbf9cf968);
  });
});

describe('fullJitterBackoffMs', () => {
  it('stays within the doubling bound, capped, and tells two seeds apart', () => {
    const seeds = ['arn:task/1', 'arn:task/2'];
    for (const failures of [1, 2, 3, 6, 12]) {
      const bound = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (failures - 1));
      for (const seed of seeds) {
        expect(fullJitterBackoffMs(failures, seed)).toBeGreaterThanOrEqual(0);
        expect(fullJitterBackoffMs(failures, seed)).toBeLessThan(bound);
      }
    }
    expect(fullJitterBackoffMs(6, seeds[0] as string)).not.toBe(fullJitterBackoffMs(6, seeds[1] as string));
  });

  it("is the bound of the failure's doubling times the jitter of seed and count: 1 s after the first failure", () => {
    const seed = 'arn:task/1';
    expect(fullJitterBackoffMs(1, seed)).toBe(Math.floor(1_000 * jitterFraction(`${seed}#1`)));
    expect(fullJitterBackoffMs(3, seed)).toBe(Math.floor(4_000 * jitterFraction(`${seed}#3`)));
    expect(fullJitterBackoffMs(20, seed)).toBe(Math.floor(BACKOFF_CAP_MS * jitterFraction(`${seed}#20`)));
  });
});

describe('the fixed delays', () => {
  it('after a throttled call: doubling from 1 s, at most 20 s', () => {
    expect([0, 1, 2, 3, 4, 5].map(throttledCallDelayMs)).toEqual([1000, 2000, 4000, 8000, 16_000, 20_000]);
  });

  it('after a denied call: 2, 4, 8, then every 10 s', () => {
    expect([0, 1, 2, 3, 4].map(deniedCallDelayMs)).toEqual([2000, 4000, 8000, 10_000, 10_000]);
  });

  it('before a start retry: 15, 30, then 60 s', () => {
    expect([1, 2, 3, 4].map(startRetryDelayMs)).toEqual([15_000, 30_000, 60_000, 60_000]);
  });

  it('before a hand-off is sent again: 1, 2, then every 4 s', () => {
    expect([1, 2, 3, 4, 5].map(handOffResendDelayMs)).toEqual([1000, 2000, 4000, 4000, 4000]);
  });

  it("between the answer's PUTs: the table, its last wait repeated past its end", () => {
    expect([1, 2, 3, 4, 5].map(answerPutDelayMs)).toEqual([1000, 2000, 4000, 8000, 8000]);
  });
});

describe('pollWaitMs', () => {
  const seed = 'arn:task/1';

  it("is the schedule's wait while the polls answer", () => {
    expect(pollWaitMs(10_000, 0, seed, 600_000)).toBe(10_000);
  });

  it('adds no backoff before any poll failed, even to a wait shorter than a first backoff', () => {
    // A seed whose first backoff would be longer than the schedule's wait asked for.
    expect(fullJitterBackoffMs(0, seed)).toBeGreaterThan(100);
    expect(pollWaitMs(100, 0, seed, 600_000)).toBe(100);
  });

  it('is the backoff after failing polls when that is longer than the schedule', () => {
    const backoff = fullJitterBackoffMs(6, seed);
    expect(backoff).toBeGreaterThan(1_000);
    expect(pollWaitMs(1_000, 6, seed, 600_000)).toBe(backoff);
    expect(pollWaitMs(backoff + 1, 6, seed, 600_000)).toBe(backoff + 1);
  });

  it('never waits past the deadline', () => {
    expect(pollWaitMs(10_000, 6, seed, 500)).toBe(500);
  });
});
