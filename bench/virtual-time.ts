import type { Clock } from '../src/runtime/clock';

interface Timer {
  at: number;
  /** Insertion order: timers due at the same instant fire in the order they were set. */
  order: number;
  fire: () => void;
}

/**
 * A clock for many concurrent runs in simulated time: `sleep` resolves when the simulation reaches its instant, and
 * `run` jumps from one due timer to the next as soon as everything else has settled. Sound as long as the code under
 * it waits only for this clock and for promises that settle without real I/O (the in-process fakes).
 */
export class VirtualTime implements Clock {
  private time: number;
  private order = 0;
  /** Sorted by (at, order). */
  private readonly timers: Timer[] = [];
  /** Errors of the tasks started with `spawn`: a simulation must not lose one quietly. */
  readonly errors: unknown[] = [];

  constructor(start: number) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.schedule(this.time + Math.max(0, ms), resolve));
  }

  /** Starts `work` at `at` (not before now); its error is kept in `errors`. */
  spawn(at: number, work: () => Promise<void>): void {
    this.schedule(Math.max(at, this.time), () => {
      work().catch((error: unknown) => this.errors.push(error));
    });
  }

  /** Runs until no timer is left, or until `limit` (simulated ms) has passed; returns the timers fired. */
  async run(limit = Number.POSITIVE_INFINITY): Promise<number> {
    let fired = 0;
    for (;;) {
      // Everything a fired timer set in motion runs on (promise callbacks only) until it sleeps again.
      await new Promise((resolve) => setImmediate(resolve));
      const next = this.timers.shift();
      if (!next || next.at > limit) return fired;
      this.time = Math.max(this.time, next.at);
      fired += 1;
      next.fire();
    }
  }

  private schedule(at: number, fire: () => void): void {
    const timer = { at, order: this.order++, fire };
    // Binary search for the first timer due later: few timers wait at once (a few per run).
    let low = 0;
    let high = this.timers.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.timers[middle]?.at ?? 0) <= at) low = middle + 1;
      else high = middle;
    }
    this.timers.splice(low, 0, timer);
  }
}
