import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * Every relative link in the README, CONTRIBUTING.md, ARCHITECTURE.md and docs/ points at a file that exists, and a
 * `#fragment` into a Markdown page names one of its headings (as the forge turns headings into anchors).
 */
const ROOT = resolve(__dirname, '../..');

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return markdownFiles(path);
    return entry.name.endsWith('.md') ? [path] : [];
  });
}

const PAGES = [
  join(ROOT, 'README.md'),
  join(ROOT, 'CONTRIBUTING.md'),
  join(ROOT, 'ARCHITECTURE.md'),
  join(ROOT, 'CHANGELOG.md'),
  ...markdownFiles(join(ROOT, 'docs')),
];

/** The page without fenced code blocks, whose brackets are code, not links. */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '');
}

/** A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to hyphens; repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const match of prose(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = (match[1] ?? '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    result.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return result;
}

interface Link {
  page: string;
  target: string;
}

function relativeLinks(page: string): Link[] {
  const text = prose(readFileSync(page, 'utf8'));
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1] ?? '')
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target))
    .map((target) => ({ page, target }));
}

function brokenReason({ page, target }: Link): string | undefined {
  const [path = '', fragment] = target.split('#', 2);
  const file = path === '' ? page : resolve(dirname(page), decodeURIComponent(path));
  if (!existsSync(file)) return `${target}: no such file`;
  if (fragment === undefined || !file.endsWith('.md') || statSync(file).isDirectory()) return undefined;
  return anchors(readFileSync(file, 'utf8')).has(fragment) ? undefined : `${target}: no heading with that anchor`;
}

describe('the docs', () => {
  it('have pages to check', () => {
    expect(PAGES.length).toBeGreaterThan(5);
    expect(PAGES.flatMap(relativeLinks).length).toBeGreaterThan(20);
  });

  it.each(PAGES.map((page) => [relative(ROOT, page), page]))(
    '%s links only to files and headings that exist',
    (_, page) => {
      const broken = relativeLinks(page)
        .map((link) => brokenReason(link))
        .filter((reason) => reason !== undefined);
      expect(broken).toEqual([]);
    },
  );

  it('turns headings into the anchors the forge makes', () => {
    expect(anchors('## Attributes (`Fn::GetAtt`)\n## Parameters of `infra/task-runner.yml`\n## A\n## A')).toEqual(
      new Set(['attributes-fngetatt', 'parameters-of-infratask-runneryml', 'a', 'a-1']),
    );
  });
});
