/**
 * Child process for the cold-import comparison (bundled to dist/bench/ by run.ts and run with plain node).
 * `performance.now()` counts from this process's start, so the first mark also says how long Node itself took to
 * get here. Prints one JSON line: { what, startedAt, loadedAt }.
 */
const startedAt = performance.now();

async function load(what: string | undefined, modules: string[]): Promise<void> {
  // Each subject loads only what it measures: even the helpers below are imported in its own branch.
  if (what === 'bundle') {
    const { pathToFileURL } = await import('node:url');
    await import(pathToFileURL(modules[0] ?? '').href);
  } else if (what === 'builtins') {
    // Only the Node built-ins (node:https, node:crypto, ...) the bundle imports: what it cannot avoid loading.
    await Promise.all(modules.map((name) => import(name)));
  } else if (what === 'baseline') {
    // What the handler would load without the bundle: the SDK packages as published, one client each.
    const { createRequire } = await import('node:module');
    const require = createRequire(`${process.cwd()}/`);
    const { ECSClient } = require('@aws-sdk/client-ecs') as typeof import('@aws-sdk/client-ecs');
    const { EC2Client } = require('@aws-sdk/client-ec2') as typeof import('@aws-sdk/client-ec2');
    new ECSClient({});
    new EC2Client({});
  } else {
    throw new Error(`cold-import: unknown subject ${String(what)}`);
  }
}

const [what, ...modules] = process.argv.slice(2);
load(what, modules).then(
  () => process.stdout.write(`${JSON.stringify({ what, startedAt, loadedAt: performance.now() })}\n`),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
