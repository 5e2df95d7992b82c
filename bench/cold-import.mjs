// Child process for the cold-import comparison. `performance.now()` counts from this process's start, so the
// first mark also says how long Node itself took to get here.
const startedAt = performance.now();
const [what, ...modules] = process.argv.slice(2);
if (what === 'bundle') {
  const { pathToFileURL } = await import('node:url');
  await import(pathToFileURL(modules[0]).href);
} else if (what === 'builtins') {
  // Only the Node built-ins (node:https, node:crypto, ...) the bundle imports: what it cannot avoid loading.
  await Promise.all(modules.map((name) => import(name)));
} else if (what === 'baseline') {
  // What the handler would load without the bundle: the SDK packages as published, one client each.
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  const { ECSClient } = require('@aws-sdk/client-ecs');
  const { EC2Client } = require('@aws-sdk/client-ec2');
  new ECSClient({});
  new EC2Client({});
} else {
  throw new Error(`cold-import.mjs: unknown subject ${what}`);
}
const loadedAt = performance.now();
process.stdout.write(`${JSON.stringify({ what, startedAt, loadedAt })}\n`);
