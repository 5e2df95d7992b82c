import { MotoUnavailableError } from './moto';

/** A mistake in how the command was called: printed with the usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Runs a command's main function and exits with its code. `stop` (moto, servers, running invocations) also runs
 * on Ctrl-C or a kill, before the process exits.
 */
export function runCli(main: (onStop: (stop: () => Promise<void>) => void) => Promise<number>, usage: string): void {
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
        console.error(`${error.message}\n\n${usage}`);
        process.exit(2);
      }
      if (error instanceof MotoUnavailableError)
        console.error(`This needs moto, which runs AWS on this machine.\n${error.message}`);
      else console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exit(1);
    },
  );
}
