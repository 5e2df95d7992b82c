import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { ensureBundle, PROJECT_ROOT } from '../../scripts/local/bundle';
import { findCfnLint } from '../infra/cfn-lint-command';
import { evaluate, isRecord, parseCfnYaml, type Template } from '../infra/cfn-yaml';

/**
 * `npm run release` (release.mjs), from the bundle `npm run build` wrote (built here when missing or stale): run
 * twice, in two time zones, into two folders, it must write the same bytes, with checksums that hold, and
 * templates that deploy the released zip and pass cfn-lint.
 */
const { version } = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };
const ZIP = `ecs-task-runner-${version}.zip`;
const TEMPLATE = `ecs-task-runner-${version}.yml`;
const SAR_TEMPLATE = `ecs-task-runner-${version}.sar.yml`;
const IN_CI = process.env.CI === 'true';

let work: string;
const releases: string[] = [];

function release(out: string, timeZone: string) {
  return spawnSync(process.execPath, ['release.mjs', '--skip-build', '--out', out], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    env: { ...process.env, TZ: timeZone },
  });
}

const without = (record: Record<string, unknown>, ...keys: string[]) =>
  Object.fromEntries(Object.entries(record).filter(([key]) => !keys.includes(key)));
const read = (release: string, file: string) => readFileSync(path.join(release, file));
const template = (release: string, file: string) => parseCfnYaml(read(release, file).toString('utf8')) as Template;

beforeAll(() => {
  ensureBundle();
  work = mkdtempSync(path.join(tmpdir(), 'release-'));
  for (const [name, timeZone] of [
    ['first', 'UTC'],
    ['second', 'Pacific/Auckland'],
  ] as const) {
    const out = path.join(work, name);
    const run = release(out, timeZone);
    if (run.status !== 0) throw new Error(`release.mjs failed:\n${run.stdout}${run.stderr}`);
    releases.push(out);
  }
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm run release', () => {
  it('writes the zip, both templates, LICENSE, README.md and SHA256SUMS', () => {
    expect(readdirSync(releases[0] as string).sort()).toEqual(
      ['LICENSE', 'README.md', 'SHA256SUMS', SAR_TEMPLATE, TEMPLATE, ZIP].sort(),
    );
  });

  it('writes a README for whoever downloaded the release: every link absolute, or to a file of the release', () => {
    const [first] = releases as [string];
    const readme = read(first, 'README.md').toString('utf8');
    expect(readme).toBe(readFileSync(path.join(PROJECT_ROOT, 'docs', 'release-README.md'), 'utf8'));
    const targets = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] as string);
    expect(targets.length).toBeGreaterThan(0);
    const broken = targets.filter((target) => {
      if (/^https:\/\//.test(target)) return false;
      const file = target.replace(/#.*$/, '');
      // A relative link must name a file of the release folder itself (or a heading of this README).
      return file !== '' && (file.includes('/') || !existsSync(path.join(first, file)));
    });
    expect(broken).toEqual([]);
  });

  it('writes the same bytes every time, whatever the time zone', () => {
    const [first, second] = releases as [string, string];
    for (const file of readdirSync(first))
      expect({ file, same: read(first, file).equals(read(second, file)) }).toEqual({ file, same: true });
  });

  it("zips the bundle's files at the zip root, as the build's own zip does", () => {
    const [first] = releases as [string];
    const bundleDir = path.join(PROJECT_ROOT, 'dist', 'ecs-task-runner');
    const entries = unzipSync(read(first, ZIP));
    expect(Object.keys(entries).sort()).toEqual(readdirSync(bundleDir).sort());
    expect(Object.keys(entries)).toContain('index.mjs');
    expect(read(first, ZIP).equals(readFileSync(path.join(PROJECT_ROOT, 'dist', 'ecs-task-runner.zip')))).toBe(true);
  });

  it('lists every other file in SHA256SUMS with its digest, in the format sha256sum -c reads', () => {
    const [first] = releases as [string];
    const lines = read(first, 'SHA256SUMS').toString('utf8').trimEnd().split('\n');
    const listed = lines.map((line) => {
      const match = /^([0-9a-f]{64}) {2}(\S+)$/.exec(line);
      if (!match) throw new Error(`not a sha256sum line: ${line}`);
      return [match[2], match[1]];
    });
    const expected = readdirSync(first)
      .filter((file) => file !== 'SHA256SUMS')
      .sort()
      .map((file) => [file, createHash('sha256').update(read(first, file)).digest('hex')]);
    expect(listed).toEqual(expected);
  });

  it('deploys the released zip from CodeBucket and CodeKey, and is otherwise infra/task-runner.yml', () => {
    const [first] = releases as [string];
    const released = template(first, TEMPLATE);
    const source = parseCfnYaml(readFileSync(path.join(PROJECT_ROOT, 'infra', 'task-runner.yml'), 'utf8')) as Template;
    const fn = released.Resources.Function;

    expect(fn?.Properties?.Code).toEqual({ S3Bucket: { Ref: 'CodeBucket' }, S3Key: { Ref: 'CodeKey' } });
    expect(released.Parameters?.CodeKey).toMatchObject({ Type: 'String' });
    expect(released.Parameters?.CodeKey?.Default).toBeUndefined();
    expect(ZIP).toMatch(new RegExp(String(released.Parameters?.CodeKey?.AllowedPattern)));
    expect(released.Parameters?.CodeBucket).toMatchObject({ Type: 'String' });
    expect(fn?.Metadata).toBeUndefined();

    expect(without(released.Parameters ?? {}, 'CodeBucket', 'CodeKey')).toEqual(source.Parameters);
    expect(without(fn?.Properties ?? {}, 'Code')).toEqual(without(source.Resources.Function?.Properties ?? {}, 'Code'));
    const others = (resources: Template['Resources']) =>
      Object.fromEntries(Object.entries(resources).filter(([id]) => id !== 'Function'));
    expect(others(released.Resources)).toEqual(others(source.Resources));
    expect([released.Conditions, released.Outputs, released.Rules]).toEqual([
      source.Conditions,
      source.Outputs,
      source.Rules,
    ]);
  });

  it("carries the Serverless Application Repository metadata, the version being package.json's", () => {
    const [first] = releases as [string];
    for (const file of [TEMPLATE, SAR_TEMPLATE]) {
      const metadata = (template(first, file) as Template & { Metadata?: Record<string, unknown> }).Metadata?.[
        'AWS::ServerlessRepo::Application'
      ];
      if (!isRecord(metadata)) throw new Error(`${file} has no AWS::ServerlessRepo::Application metadata`);
      // The constraints of the AWS SAM Developer Guide, "AWS SAM template Metadata section properties".
      expect(metadata).toMatchObject({
        Name: expect.stringMatching(/^[a-zA-Z0-9-]{1,140}$/),
        Author: expect.stringMatching(/^[a-z0-9](([a-z0-9]|-(?!-))*[a-z0-9])?$/),
        SpdxLicenseId: 'MIT',
        SemanticVersion: version,
      });
      expect(String(metadata.Description).length).toBeLessThanOrEqual(256);
      for (const local of [metadata.LicenseUrl, metadata.ReadmeUrl])
        expect(existsSync(path.join(first, String(local)))).toBe(true);
    }
    expect(template(first, SAR_TEMPLATE).Resources.Function?.Properties?.Code).toBe(ZIP);
  });

  it("is what the README's quick start deploys: its template, every parameter it needs, the log group it tails", () => {
    const [first] = releases as [string];
    const readme = readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
    const quickStart = /^## Quick start on AWS\n([\s\S]*?)^## /m.exec(readme)?.[1] ?? '';
    // Shell lines as the shell reads them: continuations joined, $VERSION as the release's.
    const commands = quickStart
      .replace(/\\\n\s*/g, '')
      .split('\n')
      .map((line) => line.trim().replaceAll('$VERSION', version));
    const deploy = commands.find((line) => line.startsWith('aws cloudformation deploy --stack-name ecs-task-runner '));
    if (!deploy)
      throw new Error(
        'the quick start has no runner deployment (aws cloudformation deploy --stack-name ecs-task-runner ...)',
      );
    const words = deploy.split(/\s+/);
    const after = (flag: string) => words[words.indexOf(flag) + 1] ?? '';

    expect(after('--template-file')).toBe(`dist/release/${TEMPLATE}`);
    expect(commands).toContain(`aws s3 cp dist/release/${ZIP} s3://${/CodeBucket=(\S+)/.exec(deploy)?.[1]}/`);
    const overrides = Object.fromEntries(
      words.slice(words.indexOf('--parameter-overrides') + 1).map((word) => word.split('=', 2) as [string, string]),
    );
    const released = template(first, TEMPLATE);
    const parameters = released.Parameters ?? {};
    const required = Object.keys(parameters).filter((name) => parameters[name]?.Default === undefined);
    expect(Object.keys(overrides).filter((name) => !(name in parameters))).toEqual([]);
    expect(required.filter((name) => !(name in overrides))).toEqual([]);
    expect(overrides.CodeKey).toBe(ZIP);

    const functionName = evaluate(released.Resources.Function?.Properties?.FunctionName, {
      values: { 'AWS::StackName': after('--stack-name'), FunctionName: overrides.FunctionName ?? '' },
      conditions: { NamedAfterStack: (overrides.FunctionName ?? '') === '' },
    });
    const tail = commands.find((line) => line.startsWith('aws logs tail '));
    expect(tail?.split(/\s+/)[3]).toBe(`/aws/lambda/${String(functionName)}`);
  });

  const cfnLint = findCfnLint();
  (cfnLint || IN_CI ? it : it.skip)(
    'writes templates that pass cfn-lint, informational findings included',
    () => {
      if (!cfnLint) throw new Error('cfn-lint is not installed: install it with `pip install cfn-lint`');
      const [first] = releases as [string];
      const [command, ...args] = cfnLint;
      const result = spawnSync(
        command,
        [...args, '--include-checks', 'I', '--', path.join(first, TEMPLATE), path.join(first, SAR_TEMPLATE)],
        { encoding: 'utf8' },
      );
      expect({ status: result.status, output: `${result.stdout}${result.stderr}`.trim() }).toEqual({
        status: 0,
        output: '',
      });
    },
    120_000,
  );
});
