/**
 * Runs ONE invocation of the built handler, in a process of its own (started by handler-invoker.ts): the bundle
 * creates its SDK clients from the environment when it is imported, and a fresh process per invocation is also
 * what a hand-off gets in Lambda. Input (JSON on stdin): the bundle's path, the event and the Lambda context to
 * fake. The handler's JSON logs go to stdout; exit codes in handler-protocol.ts.
 */
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { HANDLER_EXIT, type HandlerProcessInput } from './handler-protocol';
import { lambdaContext } from './lambda-context';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

async function main(): Promise<number> {
  const input = JSON.parse(await readStdin()) as HandlerProcessInput;
  const loaded = (await import(pathToFileURL(input.bundle).href)) as { handler?: unknown };
  if (typeof loaded.handler !== 'function') {
    process.stderr.write(`${input.bundle} exports no handler function\n`);
    return HANDLER_EXIT.notAHandler;
  }
  const handler = loaded.handler as Handler;
  const context = lambdaContext({ functionArn: input.functionArn, timeoutMs: input.timeoutMs });
  try {
    const result = await handler(input.event, context);
    if (result !== undefined) {
      process.stderr.write(
        `The handler returned ${JSON.stringify(result)}; it must answer through the ResponseURL and return nothing\n`,
      );
      return HANDLER_EXIT.returnedAValue;
    }
    return 0;
  } catch (error) {
    process.stderr.write(
      `The handler threw (it must never throw): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return HANDLER_EXIT.threw;
  }
}

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (chunk: Buffer) => chunks.push(chunk));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

// Exit as soon as the handler's promise settles, as Lambda freezes the process then: work the handler did not
// await does not get to finish here either.
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `Could not run the handler: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(HANDLER_EXIT.notAHandler);
  },
);
