import { isResourceNotFound } from '../aws/aws-errors';
import type { LogsApi } from '../aws/ports';
import type { Clock } from '../runtime/clock';
import { type AwsLogsLocation, type AwsLogsStream, awsLogsStream } from './task-definition-facts';

/** What a container prints, at the start of a line, to return a value: `ECS_TASK_RUNNER_OUTPUT Name=Value`. */
export const OUTPUT_MARKER = 'ECS_TASK_RUNNER_OUTPUT';

const OUTPUT_LINE = new RegExp(`^\\s*${OUTPUT_MARKER} ([A-Za-z0-9]+)=(.*)$`, 's');

/**
 * GetLogEvents pages read per stream at most (each up to 1 MB or 10,000 events), newest first: outputs are printed
 * last as a rule, and a stream that long is read no further (the log says which names were not found).
 */
export const MAX_PAGES_PER_STREAM = 10;

/**
 * CloudWatch Logs may show a container's last lines a moment after ECS reports the container stopped: when a
 * declared name was not found, the streams are read once more after this long.
 */
export const OUTPUT_SETTLE_MS = 3_000;

/** `Name=Value` of one output line; the value is the rest of the line, without its line ending. */
export function parseOutputLine(message: string): { name: string; value: string } | undefined {
  const match = OUTPUT_LINE.exec(message);
  if (!match) return undefined;
  return { name: match[1] as string, value: (match[2] as string).replace(/\r?\n$/, '') };
}

export interface OutputsRequest {
  taskArns: readonly string[];
  /** The essential containers' awslogs locations. */
  logs: Readonly<Record<string, AwsLogsLocation>>;
  names: readonly string[];
}

/** The streams read, and every declared name's value (empty when nothing printed it). */
export type OutputsRead =
  | { ok: true; values: Record<string, string>; notFound: string[]; truncatedStreams: string[] }
  /** A stream could not be read (not a missing stream: that one printed nothing). */
  | { ok: false; where: AwsLogsStream; error: unknown };

interface Printed {
  value: string;
  timestamp: number;
}

/**
 * Reads the declared outputs the essential containers printed to their awslogs streams. For each name the last
 * line wins: the newest within a stream, and across streams (several tasks or containers) the newest by timestamp.
 */
export async function readTaskOutputs(
  logs: () => Promise<LogsApi>,
  clock: Clock,
  request: OutputsRequest,
): Promise<OutputsRead> {
  const first = await readOnce(logs, request);
  if (!first.ok || first.notFound.length === 0) return first;
  await clock.sleep(OUTPUT_SETTLE_MS);
  return readOnce(logs, request);
}

async function readOnce(logs: () => Promise<LogsApi>, request: OutputsRequest): Promise<OutputsRead> {
  const streams = request.taskArns.flatMap((taskArn) =>
    Object.entries(request.logs).map(([container, location]) => awsLogsStream(location, container, taskArn)),
  );
  const api = await logs();
  const found = new Map<string, Printed>();
  const truncatedStreams: string[] = [];
  for (const where of streams) {
    if (!where.stream) continue;
    let printed;
    try {
      printed = await readStream(api, where, request.names);
    } catch (error) {
      if (isResourceNotFound(error)) continue;
      return { ok: false, where, error };
    }
    if (printed.truncated) truncatedStreams.push(`${where.group} ${where.stream}`);
    for (const [name, entry] of printed.values) {
      const known = found.get(name);
      // Equal timestamps: the later task or container wins.
      if (!known || entry.timestamp >= known.timestamp) found.set(name, entry);
    }
  }
  return {
    ok: true,
    values: Object.fromEntries(request.names.map((name) => [name, found.get(name)?.value ?? ''])),
    notFound: request.names.filter((name) => !found.has(name)),
    truncatedStreams,
  };
}

/** Pages backward from the newest event; a name's first match is its last line, so reading stops once all are found. */
async function readStream(
  api: LogsApi,
  where: AwsLogsStream,
  names: readonly string[],
): Promise<{ values: Map<string, Printed>; truncated: boolean }> {
  const values = new Map<string, Printed>();
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES_PER_STREAM; page++) {
    const result = await api.pageBackward(where.region, where.group, where.stream as string, token);
    for (const event of [...result.events].reverse()) {
      const line = parseOutputLine(event.message);
      if (line && names.includes(line.name) && !values.has(line.name))
        values.set(line.name, { value: line.value, timestamp: event.timestamp });
    }
    // The start of the stream: GetLogEvents answers with the token it was given (or none).
    const atStart = result.nextBackwardToken === undefined || result.nextBackwardToken === token;
    if (values.size === names.length || atStart) return { values, truncated: false };
    token = result.nextBackwardToken;
  }
  return { values, truncated: true };
}
