/**
 * The scale benchmark's figures from what its fake ECS saw: DescribeTasks calls per task-minute and completion
 * latency, each by the task's age (0–5, 5–30 and 30+ minutes since RunTask). Pure, so that it is unit-tested.
 */

const MINUTE = 60_000;

export interface AgeBand {
  name: string;
  fromMs: number;
  toMs: number;
}

export const AGE_BANDS: readonly AgeBand[] = [
  { name: '0–5 min', fromMs: 0, toMs: 5 * MINUTE },
  { name: '5–30 min', fromMs: 5 * MINUTE, toMs: 30 * MINUTE },
  { name: '30+ min', fromMs: 30 * MINUTE, toMs: Number.POSITIVE_INFINITY },
];

/** One task of one run, on the simulation's clock (ms). */
export interface WatchedTask {
  taskArn: string;
  /** RunTask. */
  runAt: number;
  /** The essential container's exit. */
  exitAt: number;
  /** When CloudFormation got the answer; undefined: never. */
  answeredAt?: number;
}

/** One DescribeTasks request that reached ECS, refused by its bucket or not. */
export interface DescribeAttempt {
  at: number;
  taskArns: string[];
}

export interface BandCalls {
  band: string;
  calls: number;
  taskMinutes: number;
  callsPerTaskMinute: number;
}

export interface BandLatency {
  band: string;
  /** Runs whose container exited at an age in this band and that were answered. */
  runs: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** Answered within max(3 s, 5 % of the run so far) of the exit. */
  withinPromise: number;
}

/** The answer is promised within this long of the exit, or within PROMISE_SHARE of the run so far if longer. */
export const PROMISE_FLOOR_MS = 3000;
export const PROMISE_SHARE = 0.05;

export function bandOf(ageMs: number): AgeBand {
  return AGE_BANDS.find((band) => ageMs >= band.fromMs && ageMs < band.toMs) ?? (AGE_BANDS[0] as AgeBand);
}

/**
 * DescribeTasks calls made about a task while its age was in each band, per minute that tasks spent watched in
 * that band (from RunTask to the answer).
 */
export function callsByAge(tasks: WatchedTask[], attempts: DescribeAttempt[]): BandCalls[] {
  const byArn = new Map(tasks.map((task) => [task.taskArn, task] as const));
  const calls = new Map<string, number>();
  for (const attempt of attempts) {
    for (const taskArn of attempt.taskArns) {
      const task = byArn.get(taskArn);
      if (!task) continue;
      const band = bandOf(attempt.at - task.runAt).name;
      calls.set(band, (calls.get(band) ?? 0) + 1);
    }
  }
  return AGE_BANDS.map((band) => {
    const watchedMs = tasks.reduce((total, task) => {
      const end = (task.answeredAt ?? task.exitAt) - task.runAt;
      return total + Math.max(0, Math.min(end, band.toMs) - band.fromMs);
    }, 0);
    const taskMinutes = watchedMs / MINUTE;
    const count = calls.get(band.name) ?? 0;
    return {
      band: band.name,
      calls: count,
      taskMinutes: round(taskMinutes, 1),
      callsPerTaskMinute: taskMinutes > 0 ? round(count / taskMinutes, 2) : 0,
    };
  });
}

/** Completion latency (exit to answer) of the answered tasks, by the age at which the container exited. */
export function latencyByAge(tasks: WatchedTask[]): BandLatency[] {
  return AGE_BANDS.map((band) => {
    const inBand = tasks.filter(
      (task): task is WatchedTask & { answeredAt: number } =>
        task.answeredAt !== undefined && bandOf(task.exitAt - task.runAt) === band,
    );
    const latencies = inBand.map((task) => task.answeredAt - task.exitAt);
    return {
      band: band.name,
      runs: inBand.length,
      p50Ms: percentile(latencies, 50),
      p95Ms: percentile(latencies, 95),
      maxMs: latencies.length > 0 ? Math.max(...latencies) : 0,
      withinPromise: inBand.filter(
        (task) => task.answeredAt - task.exitAt <= promisedLatencyMs(task.exitAt - task.runAt),
      ).length,
    };
  });
}

/** How soon after an exit at `ageMs` the answer is promised. */
export function promisedLatencyMs(ageMs: number): number {
  return Math.max(PROMISE_FLOOR_MS, PROMISE_SHARE * ageMs);
}

/** Nearest rank; 0 for no values. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1] ?? 0;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/**
 * DescribeTasks calls about tasks at least `fromAgeMs` old, per minute that tasks spent watched at that age (to the
 * answer). Calls after the answer (events that come later) count too, as ECS's bucket counts them;
 * `afterTheAnswer` says how many they were.
 */
export function callsAfterAge(
  tasks: WatchedTask[],
  attempts: DescribeAttempt[],
  fromAgeMs: number,
): { calls: number; afterTheAnswer: number; taskMinutes: number; callsPerTaskMinute: number } {
  const byArn = new Map(tasks.map((task) => [task.taskArn, task] as const));
  let calls = 0;
  let afterTheAnswer = 0;
  for (const attempt of attempts)
    for (const taskArn of attempt.taskArns) {
      const task = byArn.get(taskArn);
      if (!task || attempt.at - task.runAt < fromAgeMs) continue;
      calls += 1;
      if (task.answeredAt !== undefined && attempt.at > task.answeredAt) afterTheAnswer += 1;
    }
  const watchedMs = tasks.reduce(
    (total, task) => total + Math.max(0, (task.answeredAt ?? task.exitAt) - task.runAt - fromAgeMs),
    0,
  );
  const taskMinutes = watchedMs / MINUTE;
  return {
    calls,
    afterTheAnswer,
    taskMinutes: round(taskMinutes, 1),
    callsPerTaskMinute: taskMinutes > 0 ? round(calls / taskMinutes, 2) : 0,
  };
}

/** How long after the first event that told of the exit the answer came, for the runs answered after one. */
export interface ArrivalLatency {
  runs: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** Answered within `withinMs` of that event's arrival. */
  within: number;
  withinMs: number;
}

/**
 * `arrivals`: per task, when the first event with desired STOPPED reached the runner. Runs answered before any
 * such event (an invocation still watching them) are not counted: their answer did not wait for an event.
 */
export function latencyFromArrival(
  tasks: WatchedTask[],
  arrivals: ReadonlyMap<string, number>,
  withinMs: number,
): ArrivalLatency {
  const latencies = tasks.flatMap((task) => {
    const arrivedAt = arrivals.get(task.taskArn);
    return arrivedAt !== undefined && task.answeredAt !== undefined && task.answeredAt >= arrivedAt
      ? [task.answeredAt - arrivedAt]
      : [];
  });
  return {
    runs: latencies.length,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    maxMs: latencies.length > 0 ? Math.max(...latencies) : 0,
    within: latencies.filter((latency) => latency <= withinMs).length,
    withinMs,
  };
}
