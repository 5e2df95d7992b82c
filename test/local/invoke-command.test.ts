import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../scripts/local/bundle';

describe('npm run invoke', () => {
  let work: string;

  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), 'invoke-command-'));
  });

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('refuses an event that is not a CloudFormation request at once, saying what it is, before moto starts', () => {
    const fixture = path.join(work, 'eventbridge.json');
    writeFileSync(
      fixture,
      JSON.stringify({
        version: '0',
        id: '1',
        'detail-type': 'ECS Task State Change',
        source: 'aws.ecs',
        detail: { lastStatus: 'STOPPED' },
      }),
    );

    // With an interpreter that does not exist, starting moto would fail with exit code 1 and say so.
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/invoke.ts', fixture, '--local'], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      env: { ...process.env, MOTO_PYTHON: path.join(work, 'no-python') },
    });

    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      `${fixture} is not a CloudFormation custom resource request: it is an EventBridge event (source "aws.ecs", detail-type "ECS Task State Change")`,
    );
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/Starting moto|MOTO_PYTHON is/);
  }, 30_000);
});
