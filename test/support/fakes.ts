import type { StateItem, StateTableApi } from '../../src/aws/ports';
import type { Alarm, Clock } from '../../src/runtime/clock';
import type { Invocation } from '../../src/runtime/invocation';
import type { Log } from '../../src/runtime/log';
import type { HttpPut } from '../../src/response/http-put';

/**
 * Virtual time: sleeping advances the clock at once, so hours of polling take milliseconds. An alarm rings when a
 * sleep carries the time to it (at once when it is due already).
 */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  private readonly alarms = new Set<{ at: number; ring: () => void }>();
  constructor(public time = Date.UTC(2026, 10, 25, 12, 0, 0)) {}
  now(): number {
    return this.time;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.time += ms;
    for (const alarm of this.alarms) if (alarm.at <= this.time) alarm.ring();
  }
  alarm(ms: number): Alarm {
    let ring = () => {};
    const rung = new Promise<void>((resolve) => (ring = resolve));
    const alarm = { at: this.time + ms, ring };
    if (ms <= 0) ring();
    else this.alarms.add(alarm);
    return { rung, cancel: () => this.alarms.delete(alarm) };
  }
}

/** An invocation with `budgetMs` of Lambda time, counted on the fake clock from its creation. */
export function fakeInvocation(clock: FakeClock, budgetMs = 900_000): Invocation {
  const start = clock.now();
  return {
    functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:todobackend-runner-ecs-task-runner',
    remainingTimeMs: () => budgetMs - (clock.now() - start),
  };
}

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  extra: Record<string, unknown>[];
}

/** Keeps every log line, so tests can check what an operator would read (and what must never be there). */
export class RecordingLog implements Log {
  readonly entries: LogEntry[] = [];
  debug(message: string, ...extra: Record<string, unknown>[]): void {
    this.entries.push({ level: 'debug', message, extra });
  }
  info(message: string, ...extra: Record<string, unknown>[]): void {
    this.entries.push({ level: 'info', message, extra });
  }
  warn(message: string, ...extra: Record<string, unknown>[]): void {
    this.entries.push({ level: 'warn', message, extra });
  }
  error(message: string, ...extra: Record<string, unknown>[]): void {
    this.entries.push({ level: 'error', message, extra });
  }
  text(): string {
    return this.entries.map((entry) => `${entry.level} ${entry.message} ${JSON.stringify(entry.extra)}`).join('\n');
  }
}

export interface RecordedPut {
  url: URL;
  body: string;
  headers: Record<string, string>;
}

/** Records every PUT and answers with the given status codes in turn (then 200). */
export function recordingHttp(statuses: (number | Error)[] = []): { http: HttpPut; puts: RecordedPut[] } {
  const puts: RecordedPut[] = [];
  const queue = [...statuses];
  const http: HttpPut = async (url, body, headers) => {
    puts.push({ url, body, headers });
    const next = queue.shift() ?? 200;
    if (next instanceof Error) throw next;
    return { statusCode: next, body: next === 200 ? '' : '<Error><Code>Failure</Code></Error>' };
  };
  return { http, puts };
}

/**
 * The state table in memory, with DynamoDB's conditional write on the version: what the runner reads and writes.
 * Its methods are own properties, as the SDK adapter's are, so that wrappers that copy a port's methods see them.
 */
export class MemoryStateTable implements StateTableApi {
  readonly items = new Map<string, StateItem>();
  /** Each call, in order: what was asked. */
  readonly calls: { call: 'get' | 'put' | 'scan'; pk: string; expectedVersion?: number | undefined }[] = [];

  get = async (pk: string): Promise<StateItem | undefined> => {
    this.calls.push({ call: 'get', pk });
    return this.items.get(pk);
  };

  put = async (item: StateItem, expectedVersion: number | undefined): Promise<'written' | 'conflict'> => {
    this.calls.push({ call: 'put', pk: item.pk, expectedVersion });
    if (this.items.get(item.pk)?.version !== expectedVersion) return 'conflict';
    this.items.set(item.pk, item);
    return 'written';
  };

  scan = async (prefix: string): Promise<StateItem[]> => {
    this.calls.push({ call: 'scan', pk: prefix });
    return [...this.items.values()].filter((item) => item.pk.startsWith(prefix));
  };
}
