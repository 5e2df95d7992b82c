// Bundles the Lambda into dist/ecs-task-runner/ (index.mjs + lazily loaded chunks) and zips that folder's files
// at the zip root, so the Lambda handler setting is `index.handler`.
import { build } from 'esbuild';
import { zipSync } from 'fflate';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

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
  // Lazy `import()`s (EC2, Lambda, CloudFormation, CloudWatch Logs clients) become chunks beside index.mjs and
  // load only on the paths that need them.
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

const files = [];
async function collect(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await collect(full);
    else files.push(full);
  }
}
await collect(outdir);

// The same code gives the same zip: names in sorted order, one fixed timestamp (fflate writes DOS times in local
// time, so the date is built in local time too), Unix -rw-r--r-- on every file.
const FIXED_MTIME = new Date(2020, 0, 1);
const entries = {};
for (const file of files.sort()) {
  entries[path.relative(outdir, file).split(path.sep).join('/')] = [
    await readFile(file),
    { mtime: FIXED_MTIME, os: 3, attrs: 0o100644 << 16 },
  ];
}
await writeFile(zipPath, zipSync(entries, { level: 9 }));

const outputs = Object.entries(result.metafile.outputs).map(
  ([file, info]) => `${file} ${(info.bytes / 1024).toFixed(0)} KB`,
);
console.log(`built ${zipPath}\n  ${outputs.join('\n  ')}`);
