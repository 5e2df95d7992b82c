import { isResourceNotFound, isTransient } from '../aws/aws-errors';
import type { LogsApi } from '../aws/ports';
import type { Clock } from '../runtime/clock';
import type { Log } from '../runtime/log';
import { askWithBackoff } from './call-backoff';
import { type AwsLogsLocation, type AwsLogsStream, awsLogsStream } from './task-definition-facts';

/** What a container prints, at the start of a line, to return a value: `ECS_TASK_RUNNER_OUTPUT Name=Value`. */
export const OUTPUT_MARKER = 'ECS_TASK_RUNNER_OUTPUT';

const OUTPUT_LINE = new RegExp(`^\\s*${OUTPUT_MARKER} ([A-Za-z0-9]+)=(.*)$`);

/**
 * GetLogEvents pages read per stream at most (each up to 1 MB or 10,000 events), newest first: outputs are printed
 * last as a rule, and a stream that long is read no further (the log says which names were not found).
 */
export const MAX_PAGES_PER_STREAM = 10;

/**
 * A declared name not found yet is read again this often, until OUTPUT_WAIT_AFTER_STOP_MS: CloudWatch Logs may show a
 * container's last lines a while after the task stopped (the log driver flushes as the container exits, then
 * CloudWatch ingests).
 */
export const OUTPUT_RECHECK_MS = 10_000;

/**
 * The longest a declared name is looked for after the tasks stopped (the watch found their essential containers
 * exited), across invocations: the run hands the reading off like the watch rather than give it up when an
 * invocation ends. awslogs sends a container's last lines as it exits, and CloudWatch Logs states no bound on when a
 * sent event becomes readable (the PutLogEvents and GetLogEvents API references give none); ECS may report the task
 * STOPPED later still (Fargate detaches its network first), so that is no sign the lines are in. A minute covers a
 * slow ingestion without holding the answer long for a name that was never printed.
 */
export const OUTPUT_WAIT_AFTER_STOP_MS = 60_000;

/**
 * The output lines of one log event, last first. awslogs joins lines into one event under `awslogs-multiline-pattern`
 * or `awslogs-datetime-format`: a marker counts at the start of any line of the event, and its value is the rest of
 * that line.
 */
export function parseOutputLines(message: string): { name: string; value: string }[] {
  return message
    .split(/\r?\n/)
    .reverse()
    .flatMap((line) => {
      const match = OUTPUT_LINE.exec(line);
      return match ? [{ name: match[1] as string, value: match[2] as string }] : [];
    });
}

/** `Name=Value` of the last output line of one log event; the value ends at the end of its line. */
export function parseOutputLine(message: string): { name: string; value: string } | undefined {
  return parseOutputLines(message)[0];
}

export interface OutputsRequest {
  cluster: string;
  taskArns: readonly string[];
  /** The essential containers' awslogs locations. */
  logs: Readonly<Record<string, AwsLogsLocation>>;
  names: readonly string[];
  /**
   * Epoch milliseconds: the bound of the reading (OUTPUT_WAIT_AFTER_STOP_MS after the tasks stopped, or the deadline
   * when sooner). A name not found by then is answered empty.
   */
  giveUpAt: number;
  /**
   * Epoch milliseconds: no read starts later in this invocation (its end, less the time to hand off or answer). A
   * throttled or transient read is asked again with backoff until then. Sooner than `giveUpAt`, the reading is cut
   * short there (`time-short`) for a fresh invocation to go on.
   */
  until: number;
}

export interface OutputsDependencies {
  logs: () => Promise<LogsApi>;
  clock: Clock;
  log: Log;
}

/** Every declared name's value (empty when nothing printed it), the names not found, the streams not read to the start. */
export interface OutputsFound {
  values: Record<string, string>;
  notFound: string[];
  truncatedStreams: string[];
}

/** The streams read, and every declared name's value (empty when nothing printed it). */
export type OutputsRead =
  | ({ kind: 'read' } & OutputsFound)
  /**
   * Names still not found (or a stream throttled) when this invocation's `until` came, before `giveUpAt`: another
   * invocation reads on. What was found so far, for an answer if nobody can.
   */
  | ({ kind: 'time-short' } & OutputsFound)
  /**
   * A stream could not be read (not a missing stream: that one printed nothing): a refusal, or throttling or a
   * transient error that lasted until `until`.
   */
  | { kind: 'unreadable'; where: AwsLogsStream; error: unknown };

interface Printed {
  value: string;
  timestamp: number;
}

/**
 * Reads the declared outputs the essential containers printed to their awslogs streams. For each name the last
 * line wins: the newest within a stream, and across streams (several tasks or containers) the newest by timestamp.
 * A name not found yet is looked for again every OUTPUT_RECHECK_MS, and once more at `giveUpAt`; when the next look
 * would come after this invocation's `until`, the reading is `time-short` instead.
 */
export async function readTaskOutputs(deps: OutputsDependencies, request: OutputsRequest): Promise<OutputsRead> {
  const { clock } = deps;
  const lastRead = Math.min(request.until, request.giveUpAt);
  let read = await readOnce(deps, { ...request, until: lastRead });
  while (read.kind === 'read' && read.notFound.length > 0) {
    const now = clock.now();
    if (now >= request.giveUpAt) return read;
    const wait = Math.min(OUTPUT_RECHECK_MS, request.giveUpAt - now);
    if (now + wait > request.until) return { ...read, kind: 'time-short' };
    await clock.sleep(wait);
    read = await readOnce(deps, { ...request, until: lastRead });
  }
  // Throttled until this invocation's end, not until the bound: the next invocation asks again.
  if (read.kind === 'unreadable' && request.until < request.giveUpAt && isTransient(read.error))
    return { kind: 'time-short', ...nothingFound(request.names) };
  return read;
}

function nothingFound(names: readonly string[]): OutputsFound {
  return { values: Object.fromEntries(names.map((name) => [name, ''])), notFound: [...names], truncatedStreams: [] };
}

async function readOnce(deps: OutputsDependencies, request: OutputsRequest): Promise<OutputsRead> {
  const streams = request.taskArns.flatMap((taskArn) =>
    Object.entries(request.logs).map(([container, location]) => awsLogsStream(location, container, taskArn)),
  );
  const api = await deps.logs();
  const found = new Map<string, Printed>();
  const truncatedStreams: string[] = [];
  for (const where of streams) {
    if (!where.stream) continue;
    let printed;
    try {
      printed = await readStream(api, where, request, deps);
    } catch (error) {
      if (isResourceNotFound(error)) continue;
      return { kind: 'unreadable', where, error };
    }
    if (printed.truncated) truncatedStreams.push(`${where.group} ${where.stream}`);
    for (const [name, entry] of printed.values) {
      const known = found.get(name);
      // Equal timestamps: the later task or container wins.
      if (!known || entry.timestamp >= known.timestamp) found.set(name, entry);
    }
  }
  return {
    kind: 'read',
    values: Object.fromEntries(request.names.map((name) => [name, found.get(name)?.value ?? ''])),
    notFound: request.names.filter((name) => !found.has(name)),
    truncatedStreams,
  };
}

/**
 * Pages backward from the newest event; a name's first match is its last line, so reading stops once all are found.
 * Each page is asked again with backoff while GetLogEvents is throttled or fails transiently, until `request.until`.
 * GetLogEvents has a per-account, per-Region rate quota that does not qualify for an increase, shared with every
 * other reader of the account's logs (the console, log shippers), and AWS advises exponential backoff and retries
 * for it: "How do I determine throttling in my CloudWatch logs?", AWS Knowledge Center
 * (https://repost.aws/knowledge-center/cloudwatch-logs-throttling); the current figures are in "Amazon CloudWatch
 * Logs endpoints and quotas" (https://docs.aws.amazon.com/general/latest/gr/cwl_region.html).
 */
async function readStream(
  api: LogsApi,
  where: AwsLogsStream,
  request: Pick<OutputsRequest, 'names' | 'until'>,
  deps: Pick<OutputsDependencies, 'clock' | 'log'>,
): Promise<{ values: Map<string, Printed>; truncated: boolean }> {
  const { names } = request;
  const stream = where.stream as string;
  const values = new Map<string, Printed>();
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES_PER_STREAM; page++) {
    const pageToken = token;
    const result = await askWithBackoff(
      () => api.pageBackward(where.region, where.group, stream, pageToken),
      { what: `Reading the Outputs from log stream ${where.group} ${stream}`, until: request.until, seed: stream },
      deps,
    );
    for (const event of [...result.events].reverse()) {
      for (const line of parseOutputLines(event.message)) {
        if (names.includes(line.name) && !values.has(line.name))
          values.set(line.name, { value: line.value, timestamp: event.timestamp });
      }
    }
    // The start of the stream: GetLogEvents answers with the token it was given (or none).
    const atStart = result.nextBackwardToken === undefined || result.nextBackwardToken === token;
    if (values.size === names.length || atStart) return { values, truncated: false };
    token = result.nextBackwardToken;
  }
  return { values, truncated: true };
}
