// postpack: removes what jsii compiled beside the sources (lib/**/*.js, lib/**/*.d.ts, .jsii), so that the tests and
// the type check keep reading the TypeScript sources. runner/ and parser/index.js stay: the root build owns them.
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
for (const entry of await readdir(path.join(here, 'lib'), { recursive: true })) {
  if (/\.(js|d\.ts)$/.test(entry)) await rm(path.join(here, 'lib', entry));
}
await rm(path.join(here, '.jsii'), { force: true });
await rm(path.join(here, 'tsconfig.tsbuildinfo'), { force: true });
