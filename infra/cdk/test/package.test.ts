import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as runnerParser from '../../../src/properties/runner-properties';
import type * as bundledParser from '../parser';
import { RUNNER_BUNDLE_DIR } from '../lib';

const PACKAGE_DIR = path.resolve(__dirname, '..');
const manifest = JSON.parse(readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8')) as {
  main: string;
  types: string;
  files: string[];
  engines: Record<string, string>;
  peerDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  private?: boolean;
};

// Compile-time: the runner's own module satisfies the declarations the package ships for its bundled copy.
const conforms: typeof bundledParser = runnerParser;

describe('the CDK package', () => {
  it('imports nothing outside itself at run time: each relative import of lib/ stays in the package', () => {
    const escaping = readdirSync(path.join(PACKAGE_DIR, 'lib'))
      .filter((file) => file.endsWith('.ts'))
      .flatMap((file) => {
        const source = readFileSync(path.join(PACKAGE_DIR, 'lib', file), 'utf8');
        return [...source.matchAll(/from '(\.[^']*)'/g)]
          .map((match) => path.resolve(PACKAGE_DIR, 'lib', match[1] as string))
          .filter((target) => !target.startsWith(`${PACKAGE_DIR}${path.sep}`))
          .map((target) => `${file} → ${path.relative(PACKAGE_DIR, target)}`);
      });
    expect(escaping).toEqual([]);
  });

  it('ships what it loads: compiled lib/, the bundled parser, the runner’s bundle, the jsii assembly and its README', () => {
    expect(manifest.private).toBeUndefined();
    expect(manifest.main).toBe('lib/index.js');
    expect(manifest.types).toBe('lib/index.d.ts');
    expect(manifest.files).toEqual(
      expect.arrayContaining(['lib/**/*.js', 'lib/**/*.d.ts', 'parser/index.js', 'runner/', '.jsii', 'README.md']),
    );
    expect(path.relative(PACKAGE_DIR, RUNNER_BUNDLE_DIR)).toBe('runner');
    expect(existsSync(path.join(PACKAGE_DIR, 'README.md'))).toBe(true);
  });

  it('bundles the runner’s own parser: the same names and verdicts', () => {
    // Built by `npm run build` (infra/cdk/build.mjs) from src/properties/runner-properties.ts.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const bundled = require('../parser/index.js') as typeof bundledParser;
    expect(bundled.PROPERTY_NAMES).toEqual(conforms.PROPERTY_NAMES);
    expect(bundled.parseRunnerProperties({ Cluster: 'app', TaskDefinition: 'migrate', Count: '11' })).toEqual(
      runnerParser.parseRunnerProperties({ Cluster: 'app', TaskDefinition: 'migrate', Count: '11' }),
    );
  });

  it('ships the repository’s LICENSE, copied by the build', () => {
    expect(manifest.files).toContain('LICENSE');
    expect(readFileSync(path.join(PACKAGE_DIR, 'LICENSE'), 'utf8')).toBe(
      readFileSync(path.join(PACKAGE_DIR, '..', '..', 'LICENSE'), 'utf8'),
    );
  });

  it('claims the Node.js versions aws-cdk-lib claims', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const cdkLib = require('aws-cdk-lib/package.json') as { engines: Record<string, string> };
    const lowestMajor = (range: string | undefined) => /\d+/.exec(range ?? '')?.[0];
    expect(lowestMajor(manifest.engines.node)).toBe(lowestMajor(cdkLib.engines.node));
  });

  it('tests the lowest aws-cdk-lib it claims: the alias the lowest-version test synthesizes against', () => {
    const lowest = manifest.peerDependencies['aws-cdk-lib']?.replace(/^\^/, '');
    expect(manifest.devDependencies['aws-cdk-lib-lowest']).toBe(`npm:aws-cdk-lib@${lowest}`);
  });
});
