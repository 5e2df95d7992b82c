import { errorName, isPermissionDenied, isResourceNotFound } from '../aws/aws-errors';
import type { LogsApi } from '../aws/ports';
import { byteLength } from '../response/response-budget';
import type { Clock } from '../runtime/clock';
import type { Log } from '../runtime/log';
import { maskValues } from '../runtime/redact';
import { ANSWER_TIME_MS, LOG_TAIL_RETRY_MS, type TimeBudget } from '../runtime/time-budget';
import { askWithBackoff } from '../tasks/call-backoff';
import { type AwsLogsLocation, awsLogsStream } from '../tasks/task-definition-facts';

/**
 * When a log tail stops asking again (epoch milliseconds): LOG_TAIL_RETRY_MS from now, never after the run's
 * deadline (what follows it is the margin kept for stopping the tasks and answering before CloudFormation stops
 * waiting, 5 to 60 s: run/deadline.ts), and never so late that the invocation has less than ANSWER_TIME_MS left to
 * answer. The Outputs read has the same bounds (answers/success-answer.ts).
 */
export function logTailUntil(budget: TimeBudget): number {
  return Math.min(budget.patienceUntil(LOG_TAIL_RETRY_MS), budget.callUntil(ANSWER_TIME_MS));
}

export interface LogTailDependencies {
  logs: () => Promise<LogsApi>;
  clock: Clock;
  log: Log;
}

export interface LogTailRequest {
  taskArn: string;
  container: string;
  location: AwsLogsLocation;
  lines: number;
  /** Values masked in every line read (override environment values). */
  masked: readonly string[];
  /** Epoch milliseconds: a throttled or transient read is asked again with backoff until then, and not after. */
  until: number;
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
 * A read that is throttled or fails transiently is asked again with backoff until `request.until`; one that still
 * fails then gives a note instead of the lines, as any other error does.
 */
export async function readLogTail(deps: LogTailDependencies, request: LogTailRequest): Promise<LogTail> {
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
    const api = await deps.logs();
    const lines = await askWithBackoff(
      () => api.lastLines(region, location.group, stream, request.lines),
      {
        what: `Reading the log tail of ${JSON.stringify(container)} from ${location.group} ${stream}`,
        until: request.until,
        seed: stream,
      },
      deps,
    );
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
