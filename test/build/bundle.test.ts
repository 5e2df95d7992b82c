import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';

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
    for (const match of code.matchAll(/(?:^|[;}\s])(?:import|export)\s*(?:[\w*{}\s,$]*?from\s*)?["']\.\/([\w.-]+\.mjs)["']/g)) {
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
    if (!existsSync(path.join(dir, 'index.mjs'))) throw new Error('dist/ecs-task-runner/index.mjs is missing: run `npm run build` first');
  });

  it('exports handler from an ES module', () => {
    expect(read('index.mjs')).toMatch(/export\s*\{[^}]*\bas handler\b|export\s*\{[^}]*\bhandler\b/);
  });

  it('loads EC2, Lambda, CloudFormation and CloudWatch Logs only lazily', () => {
    // The smithy service namespace of each client appears only in that client's code.
    const eager = [...staticGraph()].map(read).join('\n');
    const lazy = readdirSync(dir)
      .filter((file) => !staticGraph().has(file))
      .map(read)
      .join('\n');
    expect(eager).toContain('com.amazonaws.ecs');
    for (const service of ['com.amazonaws.ec2', 'com.amazonaws.lambda', 'com.amazonaws.cloudformation', 'com.amazonaws.cloudwatchlogs']) {
      expect(eager).not.toContain(service);
      expect(lazy).toContain(service);
    }
  });

  it('zips the folder\'s files at the zip root', () => {
    const zip = readFileSync(zipPath);
    const names: string[] = [];
    for (let offset = 0; zip.readUInt32LE(offset) === 0x04034b50; ) {
      const compressedSize = zip.readUInt32LE(offset + 18);
      const nameLength = zip.readUInt16LE(offset + 26);
      const extraLength = zip.readUInt16LE(offset + 28);
      const name = zip.toString('utf8', offset + 30, offset + 30 + nameLength);
      const dataStart = offset + 30 + nameLength + extraLength;
      if (name === 'index.mjs') {
        expect(inflateRawSync(zip.subarray(dataStart, dataStart + compressedSize)).toString('utf8')).toBe(read('index.mjs'));
      }
      names.push(name);
      offset = dataStart + compressedSize;
    }
    expect(names.sort()).toEqual(readdirSync(dir).sort());
  });
});
