import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { INFRA_DIR } from './cfn-yaml';
import { findCfnLint } from './cfn-lint-command';

const ROOT = path.resolve(INFRA_DIR, '..');
const IN_CI = process.env.CI === 'true';

const cfnLint = findCfnLint();
if (!cfnLint && !IN_CI) {
  console.warn(
    'SKIPPED: cfn-lint is not installed, so infra/*.yml were not linted. Install it with `pip install cfn-lint`.',
  );
}

// In CI a missing cfn-lint fails the test instead of skipping it: the templates must not go unchecked there.
const lintTest = cfnLint || IN_CI ? it : it.skip;

describe('infra templates', () => {
  lintTest(
    'pass cfn-lint without errors, warnings or informational findings',
    () => {
      if (!cfnLint)
        throw new Error('cfn-lint is not installed: install it with `pip install cfn-lint` (CI must lint infra/*.yml)');
      const templates = readdirSync(INFRA_DIR)
        .filter((name) => name.endsWith('.yml'))
        .map((name) => path.join('infra', name));
      expect(templates.length).toBeGreaterThan(0);

      const [command, ...args] = cfnLint;
      // Informational findings too (I3011 DeletionPolicy, I3013 BackupRetentionPeriod, ...): each is answered in the
      // templates. `--` ends the list that --include-checks takes.
      const result = spawnSync(command, [...args, '--include-checks', 'I', '--', ...templates], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      expect({ status: result.status, output: `${result.stdout}${result.stderr}`.trim() }).toEqual({
        status: 0,
        output: '',
      });
    },
    120_000,
  );
});
