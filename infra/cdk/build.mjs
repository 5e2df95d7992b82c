// Makes the CDK package self-contained, so that nothing outside it is loaded at synth time: the runner's bundle
// (what the root build writes to dist/ecs-task-runner/) is copied to runner/, and the runner's own property parser
// is bundled as CommonJS into parser/index.js, for the construct's synth-time validation. The repository's LICENSE
// is copied beside them, for the tarball. The root `npm run build`
// runs this after building the runner; `npm pack -w infra/cdk` (prepack) runs that, then jsii.
import { build } from 'esbuild';
import { cp, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

await rm(path.join(here, 'runner'), { recursive: true, force: true });
await cp(path.join(root, 'dist/ecs-task-runner'), path.join(here, 'runner'), { recursive: true });
await cp(path.join(root, 'LICENSE'), path.join(here, 'LICENSE'));

await build({
  entryPoints: [path.join(root, 'src/properties/runner-properties.ts')],
  outfile: path.join(here, 'parser/index.js'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  // CDK apps run on any Node.js aws-cdk-lib supports (package.json "engines"); the parser is plain logic.
  target: 'node20',
  legalComments: 'none',
  logLevel: 'warning',
});
