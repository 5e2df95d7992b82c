import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/**
 * The test layout (test/README.md): no file of test code over 500 lines, and every folder of test/ either mirrors a
 * folder of src/ or is one of the suites the README describes.
 */
const MAX_LINES = 500;
const ROOT = resolve(__dirname, '../..');
const TEST_ROOTS = ['test', 'infra/cdk/test'];
const SUITES = [
  'architecture',
  'behaviour',
  'bench',
  'build',
  'docs',
  'fixtures',
  'infra',
  'integration',
  'local',
  'support',
];

interface CodeFile {
  path: string;
  text: string;
}

function codeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : codeFiles(path);
    return /\.(?:ts|js|mjs|cjs)$/.test(entry.name) ? [path] : [];
  });
}

/** Lines as `wc -l` counts them: a final newline ends the last line rather than starting another. */
function lineCount(text: string): number {
  const lines = text.split('\n').length;
  return text.endsWith('\n') ? lines - 1 : lines;
}

function tooLong(files: readonly CodeFile[]): string[] {
  return files
    .filter((file) => lineCount(file.text) > MAX_LINES)
    .map((file) => `${file.path}: ${lineCount(file.text)} lines (at most ${MAX_LINES}; split it by topic)`);
}

function strayFolders(testFolders: readonly string[], srcFolders: readonly string[]): string[] {
  return testFolders.filter((folder) => !srcFolders.includes(folder) && !SUITES.includes(folder));
}

const folders = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);

const testCode: CodeFile[] = TEST_ROOTS.flatMap((dir) => codeFiles(join(ROOT, dir))).map((file) => ({
  path: relative(ROOT, file),
  text: readFileSync(file, 'utf8'),
}));

describe('the test layout', () => {
  it(`has no file of test code over ${MAX_LINES} lines`, () => {
    expect(testCode.length).toBeGreaterThan(100);
    expect(testCode.map((file) => file.path)).toContain('infra/cdk/test/ecs-run-task.test.ts');
    expect(tooLong(testCode)).toEqual([]);
  });

  it(`flags a file of ${MAX_LINES + 1} lines, not one of ${MAX_LINES}`, () => {
    const lines = (count: number): string => 'expect(1).toBe(1);\n'.repeat(count);
    expect(
      tooLong([
        { path: 'test/run/at-the-limit.test.ts', text: lines(MAX_LINES) },
        { path: 'test/run/over.test.ts', text: lines(MAX_LINES + 1) },
        { path: 'test/run/no-final-newline.test.ts', text: lines(MAX_LINES).trimEnd() },
      ]),
    ).toEqual(['test/run/over.test.ts: 501 lines (at most 500; split it by topic)']);
  });

  it('has a folder per folder of src/ for unit tests, and otherwise only the suites test/README.md describes', () => {
    const srcFolders = folders('src');
    expect(strayFolders(folders('test'), srcFolders)).toEqual([]);
    expect(strayFolders(['run', 'behaviour', 'lifecycle'], srcFolders)).toEqual(['lifecycle']);
  });
});
