// Bundles the Lambda into dist/ecs-task-runner/ (index.mjs + lazily loaded chunks) and zips that folder's files
// at the zip root, so the Lambda handler setting is `index.handler`.
import { build } from 'esbuild';
import { mkdir, rm } from 'node:fs/promises';
import { zipFolder } from './scripts/zip-folder.mjs';

const outdir = 'dist/ecs-task-runner';
const zipPath = 'dist/ecs-task-runner.zip';

await rm('dist', { recursive: true, force: true });
await mkdir(outdir, { recursive: true });

const result = await build({
  entryPoints: { index: 'handlers/ecs-task-runner.ts' },
  outdir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  // Lazy `import()`s (EC2, Lambda, CloudFormation, CloudWatch Logs clients; the failure diagnostics) become chunks
  // beside index.mjs and load only on the paths that need them.
  splitting: true,
  outExtension: { '.js': '.mjs' },
  chunkNames: '[name]-[hash]',
  // nodejs22.x runs the bundle; the tests run it on Node 20: target syntax both accept.
  target: 'node20',
  // Prefer the SDK's ES module builds: they tree-shake far better than the CommonJS ones.
  mainFields: ['module', 'main'],
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});

await zipFolder(outdir, zipPath);

const outputs = Object.entries(result.metafile.outputs).map(
  ([file, info]) => `${file} ${(info.bytes / 1024).toFixed(0)} KB`,
);
console.log(`built ${zipPath}\n  ${outputs.join('\n  ')}`);

// The CDK package (infra/cdk) carries the runner and its property parser: built from what was just bundled.
await import('./infra/cdk/build.mjs');
