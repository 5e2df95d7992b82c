import { type ChildProcess, spawn } from 'node:child_process';

/** moto serves every AWS API in one process; everything here runs on loopback only. */
const HOST = '127.0.0.1';
const REGION = 'us-east-1';
const STARTUP_TIMEOUT_MS = 30_000;

/** moto (with its server extras) is not installed, or there is no Python to run it. */
export class MotoUnavailableError extends Error {
  override readonly name = 'MotoUnavailableError';
}

/**
 * How moto moves an ECS task from RUNNING to STOPPED (its "state manager"): `immediate` jumps to STOPPED on the first
 * read, `manual` takes one step every `times` DescribeTasks calls, `time` one step per read after `seconds`.
 */
export type TaskTransition =
  { progression: 'immediate' } | { progression: 'manual'; times: number } | { progression: 'time'; seconds: number };

export interface MotoServer {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  /** The interpreter it runs in. */
  readonly python: string;
  readonly region: string;
  /** What an SDK client needs to talk to this moto (credentials are dummies; moto checks none). */
  readonly clientConfig: {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
  };
  /** The standard AWS environment variables that point an SDK (the built handler) at this moto. */
  readonly awsEnvironment: Record<string, string>;
  setTaskTransition(transition: TaskTransition): Promise<void>;
  /** Stops moto; safe to call more than once. */
  stop(): Promise<void>;
}

/**
 * moto's server with one gap closed: its ECS tasks carry no `version`, which ECS counts up with every change of a
 * task and the runner compares with an event's `detail.version` before it believes the event
 * (src/events/event-news.ts). Every status a task passes, by moto's state manager (also when its `immediate`
 * progression jumps to STOPPED) or by StopTask, counts one, from 1 at RunTask (RUNNING: moto's tasks start there),
 * so a STOPPED task is at 5, as an awsvpc task that went through DEACTIVATING, STOPPING and DEPROVISIONING; moto's
 * serializer returns the attribute as DescribeTasks' `version`.
 */
export const MOTO_SERVER_WITH_TASK_VERSIONS = `
import runpy

try:
    from moto.ecs import models
    from moto.moto_api._internal.managed_state_model import ManagedState
except ImportError:
    # No moto, or one without ECS: run as it is; python -m moto.server says what is missing.
    models = None

if models is not None:
    def steps_between(task, before, after):
        # moto's "immediate" progression jumps several statuses at once; ECS would have counted each.
        steps, status = 0, before
        while status != after:
            following = task._get_next_status(previous=status)
            if following == status:
                return max(steps, 1)
            steps, status = steps + 1, following
        return steps

    def read_status(task):
        before = task._status
        after = ManagedState.status.fget(task)
        if after != before:
            task.version = getattr(task, "version", 1) + steps_between(task, before, after)
        return after

    def write_status(task, value):
        if value != task._status:
            task.version = getattr(task, "version", 1) + steps_between(task, task._status, value)
        ManagedState.status.fset(task, value)

    created = models.Task.__init__

    def create(task, *args, **kwargs):
        created(task, *args, **kwargs)
        task.version = 1

    models.Task.__init__ = create
    models.Task.status = property(read_status, write_status)

# What python -m moto.server runs.
runpy.run_module("moto.server", run_name="__main__", alter_sys=True)
`;

/**
 * Starts moto's server (MOTO_SERVER_WITH_TASK_VERSIONS) on a free loopback port (port 0: the server picks one and
 * prints it), with the interpreter that moto-python.ts found or set up. moto is killed when this process exits,
 * whatever the reason, so no server is left behind.
 */
export async function startMoto(python: string): Promise<MotoServer> {
  const child = spawn(python, ['-c', MOTO_SERVER_WITH_TASK_VERSIONS, '-H', HOST, '-p', '0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
  });
  const killOnExit = (): void => {
    child.kill();
  };
  process.on('exit', killOnExit);
  let port: number;
  try {
    port = await waitForPort(child, python);
  } catch (error) {
    child.kill();
    process.off('exit', killOnExit);
    throw error;
  }
  const endpoint = `http://${HOST}:${port}`;
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
  return {
    endpoint,
    python,
    region: REGION,
    clientConfig: { endpoint, region: REGION, credentials },
    awsEnvironment: {
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_ENDPOINT_URL: endpoint,
    },
    async setTaskTransition(transition) {
      const response = await fetch(`${endpoint}/moto-api/state-manager/set-transition`, {
        method: 'POST',
        body: JSON.stringify({ model_name: 'ecs::task', transition }),
      });
      if (!response.ok)
        throw new Error(`moto refused the task transition ${JSON.stringify(transition)}: HTTP ${response.status}`);
    },
    async stop() {
      process.off('exit', killOnExit);
      child.kill();
      await exited;
    },
  };
}

function waitForPort(child: ChildProcess, python: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = '';
    const settle = (result: { port: number } | { error: Error }): void => {
      clearTimeout(timer);
      child.off('error', onError);
      child.off('exit', onExit);
      child.stderr?.off('data', onData);
      // moto logs every request to stderr: keep draining it, or a full pipe would stall the server.
      child.stderr?.resume();
      if ('port' in result) resolve(result.port);
      else reject(result.error);
    };
    const onError = (error: NodeJS.ErrnoException): void =>
      settle({
        error:
          error.code === 'ENOENT' ? new MotoUnavailableError(`${python} was not found: it cannot run moto`) : error,
      });
    const onExit = (code: number | null): void => {
      const missing = /No module named|ModuleNotFoundError|ImportError/.test(output);
      const error = missing
        ? new MotoUnavailableError(`moto's server cannot run in ${python}:\n${lastLines(output)}`)
        : new Error(`moto exited with code ${code} before it was ready:\n${lastLines(output)}`);
      settle({ error });
    };
    const onData = (chunk: string): void => {
      output += chunk;
      const match = /Running on http:\/\/[\d.]+:(\d+)/.exec(output);
      if (match?.[1]) settle({ port: Number(match[1]) });
    };
    const timer = setTimeout(
      () =>
        settle({ error: new Error(`moto did not start within ${STARTUP_TIMEOUT_MS / 1000} s:\n${lastLines(output)}`) }),
      STARTUP_TIMEOUT_MS,
    );
    child.once('error', onError);
    child.once('exit', onExit);
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', onData);
  });
}

export function lastLines(text: string): string {
  return text.trim().split('\n').slice(-5).join('\n');
}
