import {
  callsAfterAge,
  callsByAge,
  latencyByAge,
  latencyFromArrival,
  promisedLatencyMs,
  type WatchedTask,
} from '../../bench/scale-accounting';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);

/** A task run at T0 + `startMinutes`, its container exiting `exitMinutes` later, answered `latencyMs` after that. */
function task(name: string, startMinutes: number, exitMinutes: number, latencyMs?: number): WatchedTask {
  const runAt = T0 + startMinutes * MINUTE;
  const exitAt = runAt + exitMinutes * MINUTE;
  return {
    taskArn: `arn:aws:ecs:us-east-1:123456789012:task/scale/${name}`,
    runAt,
    exitAt,
    ...(latencyMs === undefined ? {} : { answeredAt: exitAt + latencyMs }),
  };
}

describe('DescribeTasks per task-minute by age', () => {
  it("counts each call in the band of the task's age at the call, per minute watched in that band", () => {
    const long = task('long', 0, 40, 0);
    const short = task('short', 10, 2, 0);
    const attempts = [
      // 0–5 min of age: two calls about the long task, two about the short one; the call that names both finds the
      // long task 11 minutes old (5–30 min).
      { at: long.runAt + 1000, taskArns: [long.taskArn] },
      { at: long.runAt + 4 * MINUTE, taskArns: [long.taskArn] },
      { at: short.runAt + MINUTE, taskArns: [long.taskArn, short.taskArn] },
      { at: short.runAt + 90_000, taskArns: [short.taskArn] },
      // 5–30 min (11.5 min old), 30+ min, and a call about a task not in the run.
      { at: short.runAt + 90_000, taskArns: [long.taskArn] },
      { at: long.runAt + 35 * MINUTE, taskArns: [long.taskArn] },
      { at: long.runAt + 35 * MINUTE, taskArns: ['arn:aws:ecs:us-east-1:123456789012:task/scale/other'] },
    ];

    expect(callsByAge([long, short], attempts)).toEqual([
      { band: '0–5 min', calls: 4, taskMinutes: 7, callsPerTaskMinute: 0.57 },
      { band: '5–30 min', calls: 2, taskMinutes: 25, callsPerTaskMinute: 0.08 },
      { band: '30+ min', calls: 1, taskMinutes: 10, callsPerTaskMinute: 0.1 },
    ]);
  });

  it('watches an unanswered task until its exit', () => {
    expect(callsByAge([task('never', 0, 6)], [])[1]).toMatchObject({ taskMinutes: 1, callsPerTaskMinute: 0 });
  });
});

describe('completion latency by age', () => {
  it('groups by the age at the exit, with nearest-rank percentiles and the runs kept within the promise', () => {
    const young = Array.from({ length: 20 }, (_, i) => task(`young-${i}`, 0, 1, (i + 1) * 100));
    const tasks = [
      ...young,
      // 10 minutes: promised within 30 s.
      task('middle-fast', 0, 10, 29_000),
      task('middle-slow', 0, 10, 31_000),
      task('unanswered', 0, 35),
    ];

    expect(latencyByAge(tasks)).toEqual([
      { band: '0–5 min', runs: 20, p50Ms: 1000, p95Ms: 1900, maxMs: 2000, withinPromise: 20 },
      { band: '5–30 min', runs: 2, p50Ms: 29_000, p95Ms: 31_000, maxMs: 31_000, withinPromise: 1 },
      { band: '30+ min', runs: 0, p50Ms: 0, p95Ms: 0, maxMs: 0, withinPromise: 0 },
    ]);
  });

  it('promises 3 s, or 5 % of the run so far when that is longer', () => {
    expect(promisedLatencyMs(30_000)).toBe(3000);
    expect(promisedLatencyMs(60 * 1000 * 10)).toBe(30_000);
  });
});

describe('DescribeTasks after the age at which a run parks', () => {
  it('counts calls about tasks at least that old, per task-minute watched at that age', () => {
    const long = task('long', 0, 11, 0);
    const short = task('short', 0, 0.5, 0);
    const attempts = [
      { at: long.runAt + 30_000, taskArns: [long.taskArn, short.taskArn] },
      { at: long.runAt + 2 * MINUTE, taskArns: [long.taskArn] },
      { at: long.runAt + 10 * MINUTE, taskArns: [long.taskArn] },
      // After its answer: counted, and said so.
      { at: long.runAt + 12 * MINUTE, taskArns: [long.taskArn] },
    ];
    expect(callsAfterAge([long, short], attempts, MINUTE)).toEqual({
      calls: 3,
      afterTheAnswer: 1,
      taskMinutes: 10,
      callsPerTaskMinute: 0.3,
    });
  });
});

describe('the answer after the first event of the exit arrived', () => {
  it('counts the runs answered after an event, not those answered before one came', () => {
    const byEvent = task('event', 0, 10, 2500);
    const slow = task('slow', 0, 10, 9000);
    const watched = task('watched', 0, 0.5, 1000);
    const arrivals = new Map([
      [byEvent.taskArn, byEvent.exitAt + 1000],
      [slow.taskArn, slow.exitAt + 1000],
      [watched.taskArn, watched.exitAt + 2000],
    ]);
    expect(latencyFromArrival([byEvent, slow, watched], arrivals, 3000)).toEqual({
      runs: 2,
      p50Ms: 1500,
      p95Ms: 8000,
      maxMs: 8000,
      within: 1,
      withinMs: 3000,
    });
  });
});
