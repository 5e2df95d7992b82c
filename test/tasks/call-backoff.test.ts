import { BACKOFF_BASE_MS, BACKOFF_CAP_MS, backoffMs, jitterFraction } from '../../src/tasks/call-backoff';

describe('jitterFraction', () => {
  it('is 32-bit FNV-1a over the text, as a fraction of 2^32 (the reference test vectors)', () => {
    // Test vectors of the FNV reference (Fowler, Noll, Vo: FNV-1a, 32 bits).
    expect(jitterFraction('') * 2 ** 32).toBe(0x811c9dc5);
    expect(jitterFraction('a') * 2 ** 32).toBe(0xe40c292c);
    expect(jitterFraction('foobar') * 2 ** 32).toBe(0xbf9cf968);
  });
});

describe('backoffMs', () => {
  it('stays within the doubling bound, capped, and tells two seeds apart', () => {
    const seeds = ['arn:task/1', 'arn:task/2'];
    for (const failures of [1, 2, 3, 6, 12]) {
      const bound = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (failures - 1));
      for (const seed of seeds) {
        expect(backoffMs(failures, seed)).toBeGreaterThanOrEqual(0);
        expect(backoffMs(failures, seed)).toBeLessThan(bound);
      }
    }
    expect(backoffMs(6, seeds[0] as string)).not.toBe(backoffMs(6, seeds[1] as string));
  });
});
