import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
/** What `npm run build` writes: the handler the Lambda runs. */
export const BUNDLE = path.join(PROJECT_ROOT, 'dist', 'ecs-task-runner', 'index.mjs');

/** What the bundle is built from. */
const SOURCES = ['src', 'handlers', 'build.mjs', 'package-lock.json'];

/**
 * Builds the bundle (`node build.mjs`) when it is missing or older than its sources, so that a run of the tests
 * or of `npm run invoke` never exercises a stale handler. Returns whether it built.
 */
export function ensureBundle(log: (line: string) => void = () => undefined): boolean {
  const reason = !existsSync(BUNDLE)
    ? 'missing'
    : newestChange() > statSync(BUNDLE).mtimeMs
      ? 'older than its sources'
      : undefined;
  if (!reason) return false;
  log(`Building ${path.relative(PROJECT_ROOT, BUNDLE)} (${reason})`);
  const build = spawnSync(process.execPath, ['build.mjs'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`node build.mjs failed:\n${build.stdout}${build.stderr}`);
  return true;
}

function newestChange(): number {
  let newest = 0;
  const visit = (file: string): void => {
    const stat = statSync(file);
    if (stat.isDirectory()) for (const entry of readdirSync(file)) visit(path.join(file, entry));
    else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const source of SOURCES) {
    const file = path.join(PROJECT_ROOT, source);
    if (existsSync(file)) visit(file);
  }
  return newest;
}
