import type { RunnerMetrics } from '../runtime/metrics';
import type { Wake } from '../run/parking/wake-parked-run';

/** Where a wake came from: an ECS event from the rule, or the scheduled sweep (a lost event, a deadline, no holder). */
export type WakeSource = 'event' | 'sweep';

/**
 * What a wake came to, a handful of values. A woken run: `answered` (its answer claimed and sent, or left to the
 * sweep's resend when the PUT failed), `parked-again` (its tasks still run), `handed-off` (reading Outputs went on in
 * a fresh invocation), `held-elsewhere` (another invocation claimed it or its answer first), `refused` (its ResponseURL
 * failed the check). An event that woke nothing: `recorded` (an invocation still watches the run), `stale` (its
 * `detail.version` already seen), `foreign` (a task the runner did not start), `unconfirmed` (DescribeTasks never
 * caught up with it).
 */
export type WakeResult =
  | 'answered'
  | 'parked-again'
  | 'handed-off'
  | 'held-elsewhere'
  | 'refused'
  | 'recorded'
  | 'stale'
  | 'foreign'
  | 'unconfirmed';

/** A wake's figure: `Wakes`, by Source and Result. No stack, run or task is a dimension. */
export function recordWake(metrics: RunnerMetrics, source: WakeSource, result: WakeResult): void {
  metrics.add('Wakes', 1, { Source: source, Result: result });
}

/**
 * The result of a wake that woke nothing; undefined without a table (events on but nowhere to park: nothing is
 * counted, as no run could be waiting).
 */
export function unwokenResult(wake: Exclude<Wake, { kind: 'woken' }>): WakeResult | undefined {
  if (wake.kind === 'recorded') return 'recorded';
  switch (wake.why) {
    case 'no-table':
      return undefined;
    case 'foreign-task':
      return 'foreign';
    case 'stale':
      return 'stale';
    case 'unconfirmed':
      return 'unconfirmed';
    case 'not-parked-here':
      return 'held-elsewhere';
  }
}
