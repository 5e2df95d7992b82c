import { readFile } from 'node:fs/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { MotoUnavailableError } from './moto';

/** A mistake in how the command was called: one line on stderr, exit code 2, never a stack trace. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * The command line parsed as `config` says, strictly (parseArgs' default: an unknown option is an error). What
 * `node:util`'s parseArgs refuses becomes a UsageError with the first sentence of its message ("Unknown option
 * '--bogus'.").
 */
export function parseCommandLine<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_'))
      throw new UsageError((error as Error).message.split(/(?<=\.)\s/)[0] ?? String(error));
    throw error;
  }
}

/** A JSON file the user named: one that cannot be read or is not JSON is a usage error that names it. */
export async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const why =
      code === 'ENOENT'
        ? 'there is no such file'
        : code === 'EISDIR'
          ? 'it is a folder'
          : code === 'EACCES'
            ? 'permission denied'
            : (error as Error).message;
    throw new UsageError(`Cannot read ${file}: ${why}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`${file} is not JSON: ${(error as Error).message}`);
  }
}

/**
 * Runs a command's main function and exits with its code. `stop` (moto, servers, running invocations) also runs
 * on Ctrl-C or a kill, before the process exits. A usage error is one line that ends with how to get help.
 */
export function runCli(
  main: (onStop: (stop: () => Promise<void>) => void) => Promise<number>,
  helpCommand: string,
): void {
  let stop: (() => Promise<void>) | undefined;
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      // What main does after this (failing as its invocations are killed) is no news: the exit code is 130.
      interrupted = true;
      console.log(`\n${signal}: stopping moto, local servers and running invocations`);
      void (stop?.() ?? Promise.resolve()).finally(() => process.exit(130));
    });
  }
  main((registered) => (stop = registered)).then(
    (code) => {
      if (!interrupted) process.exit(code);
    },
    (error: unknown) => {
      if (interrupted) return;
      if (error instanceof UsageError) {
        console.error(`${error.message.replace(/\s+/g, ' ').replace(/[.\s]+$/, '')} (${helpCommand} for usage)`);
        process.exit(2);
      }
      if (error instanceof MotoUnavailableError)
        console.error(`This needs moto, which runs AWS on this machine.\n${error.message}`);
      else console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exit(1);
    },
  );
}
