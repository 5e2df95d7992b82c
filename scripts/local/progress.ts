import type { CloudFormationResponse, Exchange } from './cloudformation';
import type { DeliveredEvent } from './event-pump';
import type { HandlerLogRecord } from './handler-invoker';

type Write = (line: string) => void;

/**
 * Turns the handler's structured logs into a few readable lines while a request runs: tasks started, each task's
 * status as the handler polls it (the DEBUG "Polled tasks" lines), hand-offs, the answer, and every warning or
 * error (one line each, with its fields). It reads the log messages of src/ as they are; a renamed message only
 * makes it quieter. With `verbose`, every record as the handler wrote it.
 */
export class ProgressPrinter {
  private started = Date.now();
  private readonly lastStatus = new Map<string, string>();

  constructor(
    private readonly write: Write = (line) => console.log(line),
    private readonly verbose = false,
  ) {}

  /** Starts the clock for the next request. */
  begin(): void {
    this.started = Date.now();
    this.lastStatus.clear();
  }

  readonly onLog = (record: HandlerLogRecord | string): void => {
    if (typeof record === 'string') {
      this.line(this.verbose ? record : (metricsLine(record) ?? record));
      return;
    }
    if (this.verbose) {
      this.line(JSON.stringify(record));
      return;
    }
    for (const text of describeRecord(record, this.lastStatus)) this.line(text);
  };

  /** An ECS event the local tools deliver (event-pump.ts), as EventBridge would: one line when it goes out. */
  readonly onEvent = (delivery: DeliveredEvent, phase: 'sent' | 'done'): void => {
    if (phase === 'sent')
      this.line(
        `ECS event: task ${shortTaskId(delivery.taskArn)} ${delivery.lastStatus} (version ${delivery.version})`,
      );
  };

  private line(text: string): void {
    const seconds = ((Date.now() - this.started) / 1000).toFixed(1).padStart(5);
    this.write(`  ${seconds}s  ${text}`);
  }
}

function describeRecord(record: HandlerLogRecord, lastStatus: Map<string, string>): string[] {
  const level = record.level.toUpperCase();
  if (level === 'WARN' || level === 'ERROR')
    return [`${level === 'WARN' ? 'warning' : 'error'}: ${record.message}${details(record)}`];
  switch (record.message) {
    case 'Taking over the watch':
      return [`a fresh invocation took over the watch (hand-off ${String(record.handOffs)})`];
    case 'RunTask answered': {
      const taskArns = stringList(record.taskArns);
      return [
        `RunTask started ${taskArns.length} task${taskArns.length === 1 ? '' : 's'}: ${taskArns.map(shortTaskId).join(', ')}`,
      ];
    }
    case 'Polled tasks':
      return polledTasks(record.tasks).flatMap(({ taskArn, status }) => {
        if (lastStatus.get(taskArn) === status) return [];
        lastStatus.set(taskArn, status);
        return [`task ${shortTaskId(taskArn)} ${status}`];
      });
    case 'Handed the watch off to a fresh invocation':
      return [
        `time is running short: handed the watch off to a fresh invocation (hand-off ${String(record.handOffs)})`,
      ];
    case 'Stopped task':
      return [`stopped task ${shortTaskId(String(record.taskArn))}: ${String(record.reason)}`];
    case 'Answered CloudFormation':
      return [`answered ${String(record.status)}`];
    case 'Sweep: tasks past their deadline':
      return [`sweep: tasks past their deadline${details(record)}`];
    case 'Sweep: parked runs':
      return [`sweep: parked runs${details(record)}`];
    case 'Sweep: woke a parked run (its event lost, or its deadline passed)':
      return [`sweep: woke a parked run (its event lost, or its deadline passed)${details(record)}`];
    case PARKED:
      return ['parked the run in the state table: this invocation ends, an ECS event wakes the run'];
    case 'An ECS event woke the parked run':
      return ['the event woke the parked run: DescribeTasks confirms it'];
    case 'A stale or repeated ECS event (detail.version already seen): nothing to do':
      return ['stale or repeated event: nothing to do'];
    default:
      return [];
  }
}

/** What the runner logs when it parks a run (src/run/parking/parking.ts). */
export const PARKED = 'Parked the run: an ECS event (or the sweep) wakes it';

function polledTasks(value: unknown): { taskArn: string; status: string }[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown) => {
    if (typeof item !== 'object' || item === null) return [];
    const task = item as { taskArn?: unknown; lastStatus?: unknown };
    return typeof task.taskArn === 'string' && typeof task.lastStatus === 'string'
      ? [{ taskArn: task.taskArn, status: task.lastStatus }]
      : [];
  });
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** The record's own fields (not Powertools' standard ones) as `key: value` pairs, each value on the same line. */
function details(record: HandlerLogRecord): string {
  const extra = Object.entries(record).filter(([key]) => !POWERTOOLS_KEYS.has(key) && key !== 'stack');
  if (extra.length === 0) return '';
  const text = (value: unknown): string =>
    (typeof value === 'string' ? value : JSON.stringify(value)).replace(/\s*\n\s*/g, ' ');
  return ` — ${extra.map(([key, value]) => `${key}: ${clip(text(value))}`).join('; ')}`;
}

function clip(text: string): string {
  return text.length > MAX_DETAIL_CHARACTERS ? `${text.slice(0, MAX_DETAIL_CHARACTERS - 1)}…` : text;
}

/** Enough for a Reason-sized explanation; the whole record is one `--verbose` away. */
const MAX_DETAIL_CHARACTERS = 400;

const POWERTOOLS_KEYS = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'sampling_rate',
  'cold_start',
  'function_arn',
  'function_memory_size',
  'function_name',
  'function_request_id',
  'xray_trace_id',
]);

export function shortTaskId(taskArn: string): string {
  return (taskArn.split('/').pop() ?? taskArn).slice(0, 8);
}

/** Prints a CloudFormation answer the way the console's Events tab would show it, plus what CloudFormation would reject. */
export function printExchange(exchange: Exchange, write: Write = (line) => console.log(line)): void {
  const { response } = exchange;
  const invocations = exchange.invocations.length;
  const delivered = exchange.events?.delivered ?? 0;
  const timing =
    `${(exchange.elapsedMs / 1000).toFixed(1)} s, ${invocations} invocation${invocations === 1 ? '' : 's'}` +
    (delivered > 0 ? ` + ${delivered} ECS event${delivered === 1 ? '' : 's'}` : '');
  if (!response) write(`  ← no response (${timing})`);
  else printResponse(response, timing, write);
  for (const problem of exchange.problems) write(`  ✗ ${problem}`);
}

function printResponse(response: CloudFormationResponse, timing: string, write: Write): void {
  write(`  ← ${response.Status} (${timing})`);
  const rows: [string, string][] = [
    ['PhysicalResourceId', response.PhysicalResourceId],
    ['Reason', response.Reason ?? '—'],
  ];
  const data = Object.entries(response.Data ?? {});
  if (data.length === 0) rows.push(['Data', '—']);
  data.forEach(([key, value], index) =>
    rows.push([index === 0 ? 'Data' : '', `${key.padEnd(14)}${value === '' ? '""' : String(value)}`]),
  );
  // A value of several lines (an SDK error in a Reason) keeps to its column.
  for (const [label, value] of rows) write(`      ${label.padEnd(20)}${value.split('\n').join(`\n${' '.repeat(26)}`)}`);
}

/**
 * An embedded-metric-format line of the handler (src/runtime/metrics.ts) in a few words: the figures, then their
 * dimensions. Undefined for any other text.
 */
export function metricsLine(text: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || !('_aws' in parsed)) return undefined;
  const document = parsed as Record<string, unknown> & {
    _aws: { CloudWatchMetrics?: { Dimensions?: string[][]; Metrics?: { Name: string }[] }[] };
  };
  const directive = document._aws.CloudWatchMetrics?.[0];
  if (!directive) return undefined;
  const figures = (directive.Metrics ?? []).map(({ Name }) => `${Name} ${JSON.stringify(document[Name])}`);
  const dimensions = (directive.Dimensions?.[0] ?? [])
    .filter((name) => name !== 'service')
    .map((name) => `${name} ${String(document[name])}`);
  return `metrics: ${figures.join(', ')}${dimensions.length > 0 ? ` (${dimensions.join(', ')})` : ''}`;
}
