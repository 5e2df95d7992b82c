import { EcsThrottle, ECS_BUCKETS, TokenBucket } from '../../bench/token-bucket';

const START = Date.UTC(2026, 10, 25, 12, 0, 0);

describe('a token bucket', () => {
  it('lets a burst of its capacity through at once, then refuses', () => {
    const bucket = new TokenBucket({ capacity: 50, refillPerSecond: 20 }, START);
    const admitted = Array.from({ length: 60 }, () => bucket.take(START + 10)).filter(Boolean);
    expect(admitted).toHaveLength(50);
  });

  it('refills a set number of tokens every whole second, never past its capacity', () => {
    const bucket = new TokenBucket({ capacity: 50, refillPerSecond: 20 }, START);
    for (let i = 0; i < 50; i++) bucket.take(START);
    expect(bucket.available(START + 999)).toBe(0);
    expect(bucket.available(START + 1000)).toBe(20);
    // The documentation's example: empty to full in 2.5 s, in whole-second steps.
    expect(bucket.available(START + 2000)).toBe(40);
    expect(bucket.available(START + 3000)).toBe(50);
    expect(bucket.available(START + 60_000)).toBe(50);
  });

  it('sustains its refill rate once the burst is spent', () => {
    const bucket = new TokenBucket({ capacity: 100, refillPerSecond: 20 }, START);
    let admitted = 0;
    // 40 calls a second for a minute, evenly spread.
    for (let ms = 0; ms < 60_000; ms += 25) if (bucket.take(START + ms)) admitted += 1;
    expect(admitted).toBe(100 + 59 * 20);
  });
});

describe("ECS's buckets for the runner's calls", () => {
  it('DescribeTasks and ListTasks share the cluster resource read bucket', () => {
    const throttle = new EcsThrottle(START);
    const { capacity } = ECS_BUCKETS.clusterResourceRead;
    for (let i = 0; i < capacity / 2; i++) {
      expect(throttle.admit('DescribeTasks', START)).toBe(true);
      expect(throttle.admit('ListTasks', START)).toBe(true);
    }
    expect(throttle.admit('ListTasks', START)).toBe(false);
    expect(throttle.admit('DescribeTasks', START)).toBe(false);
    // Another category is not affected.
    expect(throttle.admit('DescribeTaskDefinition', START)).toBe(true);
    expect(throttle.refused).toEqual({ ListTasks: 1, DescribeTasks: 1 });
    expect(throttle.accepted).toEqual({ DescribeTasks: 50, ListTasks: 50, DescribeTaskDefinition: 1 });
  });

  it('a RunTask takes one Fargate launch token per task, and a refused one takes no token at all', () => {
    const throttle = new EcsThrottle(START);
    for (let i = 0; i < 10; i++) expect(throttle.admit('RunTask', START, 10)).toBe(true);
    expect(throttle.admit('RunTask', START, 1)).toBe(false);
    // The launch bucket is empty, but the refused RunTask left the modify bucket (100, 10 taken) as it was.
    for (let i = 0; i < 90; i++) expect(throttle.admit('StopTask', START)).toBe(true);
    expect(throttle.admit('StopTask', START)).toBe(false);
  });
});
