import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { BUNDLE, PROJECT_ROOT } from './bundle';
import { HANDLER_EXIT, type HandlerProcessInput } from './handler-protocol';
import type { AsyncInvocation, LocalLambdaEndpoint } from './lambda-endpoint';

const HANDLER_PROCESS = path.join(__dirname, 'handler-process.ts');

/** Lambda's longest timeout, and the default of the function the runner is deployed as. */
export const LAMBDA_MAX_TIMEOUT_MS = 900_000;
/** A hand-off chain longer than this is a bug (the watch never ends), not a long task. */
const MAX_INVOCATIONS = 50;

/** One line of the handler's structured (Powertools) logs. */
export interface HandlerLogRecord {
  level: string;
  message: string;
  [key: string]: unknown;
}

export interface InvocationRecord {
  event: unknown;
  durationMs: number;
  logs: HandlerLogRecord[];
  /** The asynchronous invocations this invocation made: its hand-off, if any. */
  handOffs: AsyncInvocation[];
}

export interface HandlerInvokerOptions {
  /**
   * The environment of every invocation: the standard AWS variables (region, credentials, endpoints) and
   * RESPONSE_URL_ALLOWED_HOSTS. AWS_ENDPOINT_URL_LAMBDA is always the local endpoint, so hand-offs stay here.
   */
  env: Record<string, string | undefined>;
  functionArn: string;
  lambda: LocalLambdaEndpoint;
  /** The function's timeout; default 900 s. */
  timeoutMs?: number;
  /** Every log line as it arrives; a line that is not JSON comes as a string. */
  onLog?: (record: HandlerLogRecord | string) => void;
  bundle?: string;
}

/**
 * Invokes the built handler like Lambda does: one process per invocation, a context whose remaining time counts
 * down from the function's timeout, and hand-offs (asynchronous self-invocations) run as fresh invocations until
 * none is left.
 */
export class HandlerInvoker {
  private readonly running = new Set<ChildProcess>();

  constructor(private readonly options: HandlerInvokerOptions) {}

  get functionArn(): string {
    return this.options.functionArn;
  }

  /** Runs `event`, then every hand-off it leads to; `firstTimeoutMs` replaces the timeout of the first invocation. */
  async invokeFollowingHandOffs(event: unknown, firstTimeoutMs?: number): Promise<InvocationRecord[]> {
    const records: InvocationRecord[] = [];
    const queue: { event: unknown; timeoutMs?: number }[] = [{ event, timeoutMs: firstTimeoutMs }];
    for (let next = queue.shift(); next; next = queue.shift()) {
      if (records.length >= MAX_INVOCATIONS)
        throw new Error(`Stopped after ${MAX_INVOCATIONS} invocations: the handler keeps handing off`);
      const record = await this.invoke(next.event, next.timeoutMs);
      records.push(record);
      for (const handOff of record.handOffs) {
        if (handOff.functionName !== this.options.functionArn) {
          throw new Error(
            `The handler handed off to ${handOff.functionName}, not to itself (${this.options.functionArn})`,
          );
        }
        queue.push({ event: handOff.payload });
      }
    }
    return records;
  }

  /** One invocation; rejects when the handler broke its contract (threw, returned a value, ran past its timeout). */
  async invoke(event: unknown, timeoutMs = this.options.timeoutMs ?? LAMBDA_MAX_TIMEOUT_MS): Promise<InvocationRecord> {
    const started = Date.now();
    const input: HandlerProcessInput = {
      bundle: this.options.bundle ?? BUNDLE,
      event,
      functionArn: this.options.functionArn,
      timeoutMs,
    };
    const child = spawn(process.execPath, ['--import', 'tsx', HANDLER_PROCESS], {
      cwd: PROJECT_ROOT,
      env: this.environment(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.running.add(child);
    const logs: HandlerLogRecord[] = [];
    // Powertools writes INFO and DEBUG to stdout, WARN and ERROR to stderr: both are the handler's log. Other text
    // on stderr (the invocation process's own account of a crash) goes into the error below.
    let stderr = '';
    createInterface({ input: child.stdout }).on('line', (line) => {
      const record = parseLogLine(line);
      if (typeof record !== 'string') logs.push(record);
      this.options.onLog?.(record);
    });
    createInterface({ input: child.stderr }).on('line', (line) => {
      const record = parseLogLine(line);
      if (typeof record === 'string') {
        stderr += `${line}\n`;
        return;
      }
      logs.push(record);
      this.options.onLog?.(record);
    });
    child.stdin.end(JSON.stringify(input));

    // Lambda ends an invocation at its timeout, whatever the handler is doing.
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs + 1000);
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (exitCode) => resolve(exitCode));
    }).finally(() => {
      clearTimeout(timer);
      this.running.delete(child);
    });
    const handOffs = this.options.lambda.take();
    // The timer's callback sets timedOut, which the rule does not see.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
    if (timedOut) throw new Error(`Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds (the Lambda timeout)`);
    if (code !== 0) throw new Error(`${describeExit(code)}\n${stderr.trim()}`);
    return { event, durationMs: Date.now() - started, logs, handOffs };
  }

  /** Kills invocations still running (Ctrl-C, a failed test). */
  stop(): void {
    for (const child of this.running) child.kill('SIGKILL');
  }

  private environment(): Record<string, string | undefined> {
    const functionName = this.options.functionArn.split(':')[6] ?? 'ecs-task-runner';
    return {
      ...this.options.env,
      AWS_ENDPOINT_URL_LAMBDA: this.options.lambda.url,
      // The variables the Lambda runtime sets.
      AWS_LAMBDA_FUNCTION_NAME: functionName,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
      // The "Polled tasks" lines (DEBUG) are what progress is shown from.
      POWERTOOLS_LOG_LEVEL: this.options.env.POWERTOOLS_LOG_LEVEL ?? 'DEBUG',
      // See quietNodeVersionWarning() in local-environment.ts.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
  }
}

function parseLogLine(line: string): HandlerLogRecord | string {
  try {
    const parsed: unknown = JSON.parse(line);
    if (typeof parsed === 'object' && parsed !== null && 'level' in parsed && 'message' in parsed) {
      if (typeof parsed.level === 'string' && typeof parsed.message === 'string') return parsed as HandlerLogRecord;
    }
  } catch {
    // Not JSON: passed on as it is.
  }
  return line;
}

function describeExit(code: number | null): string {
  switch (code) {
    case HANDLER_EXIT.threw:
      return 'The handler threw';
    case HANDLER_EXIT.returnedAValue:
      return 'The handler returned a value';
    case HANDLER_EXIT.notAHandler:
      return `Could not load the handler from the bundle — run npm run build first`;
    default:
      return `The invocation process ended with ${code === null ? 'a signal' : `exit code ${code}`}`;
  }
}
