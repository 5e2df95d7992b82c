import { errorName, isPermissionDenied, isResourceNotFound } from '../aws/aws-errors';
import type { LogsApi } from '../aws/ports';
import { byteLength } from '../response/response-budget';
import { maskValues } from '../runtime/redact';
import { type AwsLogsLocation, awsLogsStream } from '../tasks/task-definition-facts';

export interface LogTailRequest {
  taskArn: string;
  container: string;
  location: AwsLogsLocation;
  lines: number;
  /** Values masked in every line read (override environment values). */
  masked: readonly string[];
}

export interface LogTail {
  container: string;
  lines: string[];
  link: string;
  /** Why there are no lines, when there are none. */
  note?: string;
}

/**
 * The last lines a failed container wrote to CloudWatch Logs (awslogs driver), and a console link to the stream.
 */
export async function readLogTail(logs: () => Promise<LogsApi>, request: LogTailRequest): Promise<LogTail | undefined> {
  const { location, container, taskArn } = request;
  const { region, stream } = awsLogsStream(location, container, taskArn);
  if (!stream) {
    return {
      container,
      lines: [],
      link: consoleLink(region, location.group),
      note: `log group ${location.group} has no awslogs-stream-prefix, so the stream cannot be named`,
    };
  }
  const link = consoleLink(region, location.group, stream);
  try {
    const lines = await (await logs()).lastLines(region, location.group, stream, request.lines);
    return {
      container,
      lines: lines.map((line) => maskValues(line, request.masked).trim()).filter((line) => line.length > 0),
      link,
      ...(lines.length === 0 ? { note: 'the log stream is empty' } : {}),
    };
  } catch (error) {
    const name = errorName(error);
    const note = isResourceNotFound(error)
      ? `log stream ${stream} does not exist (the container may never have started)`
      : isPermissionDenied(error)
        ? `could not read the log (${name}): grant the runner logs:GetLogEvents on ${location.group}`
        : `could not read the log (${name})`;
    return { container, lines: [], link, note };
  }
}

/** "Last lines of "migrate": a | b | c. Logs: https://…", keeping the newest lines that fit in `maxBytes`. */
export function formatLogTail(tail: LogTail, maxBytes: number): string {
  const link = ` Logs: ${tail.link}`;
  if (tail.lines.length === 0) return `Log of ${JSON.stringify(tail.container)}: ${tail.note ?? 'no lines'}.${link}`;
  const kept: string[] = [];
  let used = byteLength(`Last log lines of ${JSON.stringify(tail.container)}: .${link}`);
  for (const line of [...tail.lines].reverse()) {
    const shortened = line.length > 300 ? `${line.slice(0, 299)}…` : line;
    const size = byteLength(shortened) + 3;
    if (used + size > maxBytes) break;
    kept.unshift(shortened);
    used += size;
  }
  if (kept.length === 0) return `Log of ${JSON.stringify(tail.container)}:${link}`;
  return `Last log lines of ${JSON.stringify(tail.container)}: ${kept.join(' | ')}.${link}`;
}

/** The CloudWatch console's address of a log group or stream (its fragment encodes twice, with `$` for `%`). */
export function consoleLink(region: string, group: string, stream?: string): string {
  const encode = (value: string) => encodeURIComponent(encodeURIComponent(value)).replace(/%/g, '$');
  const host = region.startsWith('cn-') ? `${region}.console.amazonaws.cn` : `${region}.console.aws.amazon.com`;
  const path = `log-groups/log-group/${encode(group)}${stream ? `/log-events/${encode(stream)}` : ''}`;
  return `https://${host}/cloudwatch/home?region=${region}#logsV2:${path}`;
}
