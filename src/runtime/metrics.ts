import type { MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * The runner's figures, as CloudWatch embedded metric format (EMF) lines in its own log: CloudWatch Logs turns each
 * into metrics of the namespace `ECSTaskRunner` with no API call and no permission (Amazon CloudWatch User Guide,
 * "Embedding metrics within logs"). Powertools for AWS Lambda's Metrics writes the EMF documents, loaded only when an
 * invocation flushes its figures (a chunk of its own: a cold start does not import it before the request). Dimensions stay
 * few and of low cardinality: the function (`service`), the request type, the outcome — never a stack or a task.
 */
export const METRICS_NAMESPACE = 'ECSTaskRunner';

/** What the runner counts and measures, each with its unit. */
export const METRIC_UNITS = {
  /** Requests answered (one per answer sent), by RequestType and Outcome. */
  Answers: 'Count',
  /** From CloudFormation sending the request (the ResponseURL's X-Amz-Date) to the answer, by RequestType and Outcome. */
  SecondsToAnswer: 'Seconds',
  /** Hand-offs to a fresh invocation, by RequestType. */
  HandOffs: 'Count',
  /** Requests refused before anything ran: a ResponseURL not CloudFormation's, or not a request at all. */
  RefusedEvents: 'Count',
  /** Requests answered, by Outcome and Cause (succeeded, task-failed, timed-out, start-failed, refused, cancelled, error). */
  Runs: 'Count',
  /** From RunTask starting the tasks of the attempt that ended to the last one's exit, by Outcome and Cause. */
  RunSeconds: 'Seconds',
  /** From the last task's exit (ECS's executionStoppedAt) to the answer, by Outcome and Cause. */
  SecondsFromExitToAnswer: 'Seconds',
  /** Start retries (StartRetries) a run took before its answer, by Outcome and Cause. */
  StartRetries: 'Count',
  /** Call attempts AWS throttled, the SDK's own retries included, by Operation (ECS's: `DescribeTasks`, `RunTask`, …). */
  ThrottledCalls: 'Count',
  /** Tasks the scheduled sweep stopped, by Sweep (`PastDeadline`): runs no runner watched any more. */
  SweptTasks: 'Count',
  /** Runs parked in the state table (events on), after the first minute's watch and after each wake; by RequestType. */
  Parks: 'Count',
  /**
   * ECS events taken and runs the sweep claimed (events on), by Source (`event`, `sweep`) and Result (answered,
   * parked-again, handed-off, held-elsewhere, refused, recorded, stale, foreign, unconfirmed: wake-metrics.ts).
   */
  Wakes: 'Count',
} as const satisfies Record<string, (typeof MetricUnit)[keyof typeof MetricUnit]>;

export type MetricName = keyof typeof METRIC_UNITS;

/** Dimension names and values of one metric: a few, each of a handful of values. */
export type MetricDimensions = Readonly<Record<string, string>>;

/** Where the runner records a figure; written out when the invocation ends. */
export interface RunnerMetrics {
  add(name: MetricName, value: number, dimensions: MetricDimensions): void;
}

/** Records nothing: for callers without metrics (the local tools' direct calls, most tests). */
export const noMetrics: RunnerMetrics = { add: () => undefined };

/**
 * The figures of one invocation, kept until `flush()` writes them: one EMF line per set of dimensions, counts of the
 * same metric summed, durations kept as a list of values (EMF takes up to 100 values per metric).
 */
export class InvocationMetrics implements RunnerMetrics {
  readonly #service: string;
  readonly #write: (line: string) => void;
  readonly #now: () => number;
  readonly #sets = new Map<string, { dimensions: MetricDimensions; values: [MetricName, number][] }>();

  constructor(options: { service: string; write: (line: string) => void; now: () => number }) {
    this.#service = options.service;
    this.#write = options.write;
    this.#now = options.now;
  }

  add(name: MetricName, value: number, dimensions: MetricDimensions): void {
    const key = JSON.stringify(Object.entries(dimensions).sort(([a], [b]) => a.localeCompare(b)));
    const set = this.#sets.get(key) ?? { dimensions, values: [] };
    set.values.push([name, value]);
    this.#sets.set(key, set);
  }

  /** Writes every set recorded since the last flush, one EMF document per line. */
  async flush(): Promise<void> {
    if (this.#sets.size === 0) return;
    const { Metrics } = await import('@aws-lambda-powertools/metrics');
    for (const { dimensions, values } of this.#sets.values()) {
      const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: this.#service });
      metrics.addDimensions({ ...dimensions });
      for (const [name, value] of summedCounts(values)) metrics.addMetric(name, METRIC_UNITS[name], value);
      metrics.setTimestamp(this.#now());
      this.#write(JSON.stringify(metrics.serializeMetrics()));
    }
    this.#sets.clear();
  }
}

/** Counts of one name added up; other units kept value by value. */
function summedCounts(values: readonly [MetricName, number][]): [MetricName, number][] {
  const counts = new Map<MetricName, number>();
  const others: [MetricName, number][] = [];
  for (const [name, value] of values) {
    if (METRIC_UNITS[name] === 'Count') counts.set(name, (counts.get(name) ?? 0) + value);
    else others.push([name, value]);
  }
  return [...counts.entries(), ...others];
}
