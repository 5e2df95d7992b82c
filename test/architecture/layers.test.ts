import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The code map (CONTRIBUTING.md, "Code map"): each folder of src/ may import only from folders below it, so that a
 * lower layer returns facts and a higher one decides what they mean. Folders on the same rank may not import each
 * other.
 */
const RANKS: Record<string, number> = {
  handlers: 10,
  sweep: 9,
  requests: 8,
  run: 7,
  answers: 6,
  diagnostics: 5,
  tasks: 4,
  response: 3,
  properties: 3,
  events: 3,
  aws: 2,
  runtime: 2,
  shared: 1,
};

const ROOT = resolve(__dirname, '../..');

interface Import {
  file: string;
  from: string;
  to: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The folder of src/ (or `handlers`) a file belongs to. */
function layerOf(file: string): string {
  const path = relative(ROOT, file).split('/');
  return path[0] === 'handlers' ? 'handlers' : (path[1] ?? '');
}

function folderImports(): Import[] {
  const files = [...sourceFiles(join(ROOT, 'src')), ...sourceFiles(join(ROOT, 'handlers'))];
  return files.flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map(
      (match) => match[1] as string,
    );
    return specifiers.map((specifier) => ({
      file: relative(ROOT, file),
      from: layerOf(file),
      to: layerOf(resolve(dirname(file), specifier)),
    }));
  });
}

function upwardImports(list: readonly Import[]): string[] {
  return list
    .filter((entry) => entry.from !== entry.to && (RANKS[entry.to] ?? 0) >= (RANKS[entry.from] ?? 0))
    .map((entry) => `${entry.file} imports from ${entry.to}/`);
}

const imports = folderImports();

describe('the code map', () => {
  it('knows every folder of src/', () => {
    const folders = readdirSync(join(ROOT, 'src'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    expect(folders.filter((folder) => RANKS[folder] === undefined)).toEqual([]);
    expect(readdirSync(join(ROOT, 'src')).filter((name) => name.endsWith('.ts'))).toEqual([]);
  });

  it('has imports that only point down a layer', () => {
    expect(upwardImports(imports)).toEqual([]);
  });

  it('has no import cycle between folders', () => {
    const edges = new Map<string, Set<string>>();
    for (const entry of imports)
      if (entry.from !== entry.to) edges.set(entry.from, (edges.get(entry.from) ?? new Set()).add(entry.to));
    const cycles: string[] = [];
    const visit = (folder: string, path: string[]): void => {
      if (path.includes(folder)) {
        cycles.push([...path.slice(path.indexOf(folder)), folder].join(' → '));
        return;
      }
      for (const next of edges.get(folder) ?? []) visit(next, [...path, folder]);
    };
    for (const folder of edges.keys()) visit(folder, []);
    expect(cycles).toEqual([]);
  });

  it('flags an import up a layer or across one rank, and reads the real imports', () => {
    const sample: Import[] = [
      { file: 'src/tasks/start.ts', from: 'tasks', to: 'diagnostics' },
      { file: 'src/response/x.ts', from: 'response', to: 'properties' },
      { file: 'src/run/y.ts', from: 'run', to: 'tasks' },
    ];
    expect(upwardImports(sample)).toEqual([
      'src/tasks/start.ts imports from diagnostics/',
      'src/response/x.ts imports from properties/',
    ]);
    expect(imports).toContainEqual({ file: 'src/run/steps/start-attempt.ts', from: 'run', to: 'tasks' });
  });
});
