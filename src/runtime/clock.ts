/** Time as the runner sees it: injected so that tests can run hours of polling in milliseconds. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
  /**
   * An alarm that rings `ms` from now, for work that must not outlast a bound (the diagnostics) but is not a sleep:
   * `rung` settles when it rings, `cancel` stops it (a pending timer would keep the process busy). A clock without
   * alarms (a simulation's) bounds nothing.
   */
  alarm?(ms: number): Alarm;
}

export interface Alarm {
  rung: Promise<void>;
  cancel(): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
  alarm: (ms) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const rung = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, ms));
    });
    return { rung, cancel: () => clearTimeout(timer) };
  },
};

/**
 * What `work` answers, or `{ kind: 'cut-short' }` when `until` (epoch ms) passes first on `clock`'s alarm. The work
 * is not aborted (its promise is left to settle unread): the caller goes on without it rather than hang.
 */
export async function withinBound<T>(
  work: Promise<T>,
  until: number,
  clock: Clock,
): Promise<{ kind: 'done'; value: T } | { kind: 'cut-short' }> {
  const alarm = clock.alarm?.(until - clock.now());
  if (!alarm) return { kind: 'done', value: await work };
  try {
    return await Promise.race([
      work.then((value) => ({ kind: 'done' as const, value })),
      alarm.rung.then(() => ({ kind: 'cut-short' as const })),
    ]);
  } finally {
    alarm.cancel();
  }
}
