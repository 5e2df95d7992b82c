import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';

// `npm test` builds before jest runs; this suite checks the contract other tools rely on.
const dir = path.join(__dirname, '..', '..', 'dist', 'ecs-task-runner');
const zipPath = path.join(__dirname, '..', '..', 'dist', 'ecs-task-runner.zip');

/** The files index.mjs loads at import: itself and the chunks it imports statically, transitively. */
function staticGraph(): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = readFileSync(path.join(dir, file), 'utf8');
    for (const match of code.matchAll(
      /(?:^|[;}\s])(?:import|export)\s*(?:[\w*{}\s,$]*?from\s*)?["']\.\/([\w.-]+\.mjs)["']/g,
    )) {
      if (match[1]) visit(match[1]);
    }
  };
  visit('index.mjs');
  return seen;
}

function read(file: string): string {
  return readFileSync(path.join(dir, file), 'utf8');
}

describe('the built bundle', () => {
  beforeAll(() => {
    if (!existsSync(path.join(dir, 'index.mjs')))
      throw new Error('dist/ecs-task-runner/index.mjs is missing: run `npm run build` first');
  });

  it('exports handler from an ES module', () => {
    expect(read('index.mjs')).toMatch(/export\s*\{[^}]*\bas handler\b|export\s*\{[^}]*\bhandler\b/);
  });

  /** The code index.mjs loads statically, and the code of every other chunk, each as one text. */
  function codeByLoading(): { eager: string; lazy: string } {
    const eager = [...staticGraph()].map(read).join('\n');
    const lazy = readdirSync(dir)
      .filter((file) => !staticGraph().has(file))
      .map(read)
      .join('\n');
    return { eager, lazy };
  }

  it('loads EC2, Lambda, CloudFormation and CloudWatch Logs only lazily', () => {
    // The smithy service namespace of each client appears only in that client's code.
    const { eager, lazy } = codeByLoading();
    expect(eager).toContain('com.amazonaws.ecs');
    for (const service of [
      'com.amazonaws.ec2',
      'com.amazonaws.lambda',
      'com.amazonaws.cloudformation',
      'com.amazonaws.cloudwatchlogs',
    ]) {
      expect(eager).not.toContain(service);
      expect(lazy).toContain(service);
    }
  });

  it('loads the failure diagnostics only lazily: a run that succeeds never loads them', () => {
    // Words logged by explain-failure.ts and log-tail.ts, found nowhere else in the runner's code.
    const { eager, lazy } = codeByLoading();
    for (const words of ['A diagnosis was cut short at its bound', 'the log stream is empty']) {
      expect(eager).not.toContain(words);
      expect(lazy).toContain(words);
    }
  });

  it("zips the folder's files at the zip root, each as it is in the folder", () => {
    const entries = unzipSync(readFileSync(zipPath));
    expect(Object.keys(entries).sort()).toEqual(readdirSync(dir).sort());
    for (const [name, data] of Object.entries(entries))
      expect(Buffer.from(data).equals(readFileSync(path.join(dir, name)))).toBe(true);
  });
});
