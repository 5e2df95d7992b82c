// npm run release: builds the runner and writes dist/release/, what a user deploys without building:
//   ecs-task-runner-VERSION.zip      the Lambda code (the same bytes for the same commit)
//   ecs-task-runner-VERSION.yml      infra/task-runner.yml reading that zip from the parameters CodeBucket and CodeKey
//   ecs-task-runner-VERSION.sar.yml  the same naming the zip beside it, for `sam package` and `sam publish` to the
//                                    AWS Serverless Application Repository (with LICENSE and README.md beside it)
//   README.md                        docs/release-README.md: for whoever downloaded the release (and the
//                                    Serverless Application Repository's page), its links absolute or to the release
//   SHA256SUMS                       `sha256sum -c SHA256SUMS` checks every file above
// `--skip-build` packages the bundle that `npm run build` wrote, instead of building it again; `--out DIR` writes
// the release to DIR instead.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { zipFolder } from './scripts/zip-folder.mjs';

const BUNDLE_DIR = 'dist/ecs-task-runner';
const out = process.argv.indexOf('--out');
const RELEASE_DIR = out > 0 && process.argv[out + 1] ? process.argv[out + 1] : 'dist/release';
const SOURCE_TEMPLATE = 'infra/task-runner.yml';

const { version, description } = JSON.parse(await readFile('package.json', 'utf8'));
const zipName = `ecs-task-runner-${version}.zip`;

if (!process.argv.includes('--skip-build')) {
  const build = spawnSync(process.execPath, ['build.mjs'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

await rm(RELEASE_DIR, { recursive: true, force: true });
await mkdir(RELEASE_DIR, { recursive: true });
await zipFolder(BUNDLE_DIR, path.join(RELEASE_DIR, zipName));
const source = await readFile(SOURCE_TEMPLATE, 'utf8');
await writeFile(path.join(RELEASE_DIR, `ecs-task-runner-${version}.yml`), releasedTemplate(source, 'parameters'));
await writeFile(path.join(RELEASE_DIR, `ecs-task-runner-${version}.sar.yml`), releasedTemplate(source, 'beside'));
// The Serverless Application Repository metadata names them relative to the template; `sam package` uploads them.
await copyFile('LICENSE', path.join(RELEASE_DIR, 'LICENSE'));
// Not the repository's README.md: its links to docs/ and CONTRIBUTING.md lead nowhere from a downloaded release.
await copyFile('docs/release-README.md', path.join(RELEASE_DIR, 'README.md'));

const files = (await readdir(RELEASE_DIR)).sort();
const sums = await Promise.all(
  files.map(async (file) => {
    const digest = createHash('sha256')
      .update(await readFile(path.join(RELEASE_DIR, file)))
      .digest('hex');
    return `${digest}  ${file}\n`;
  }),
);
await writeFile(path.join(RELEASE_DIR, 'SHA256SUMS'), sums.join(''));
console.log(`released ${version} in ${RELEASE_DIR}/\n  ${[...files, 'SHA256SUMS'].join('\n  ')}`);

/**
 * infra/task-runner.yml as released: the function's code comes from the released zip, and the template carries the
 * Serverless Application Repository's metadata. `code` says where the zip is: `parameters`, in the bucket and key
 * the deployer gives (CodeBucket, CodeKey); `beside`, next to the template, for a packager to upload.
 * The rest of the template is left as it is, comments included.
 */
function releasedTemplate(text, code) {
  const document = parseDocument(text);
  if (document.errors.length > 0) throw new Error(`${SOURCE_TEMPLATE}: ${document.errors[0].message}`);
  const where =
    code === 'parameters'
      ? `Deploy with the parameters CodeBucket and CodeKey naming ${zipName} in an S3 bucket of the stack's region.`
      : `Package with \`sam package\` (it uploads ${zipName}, LICENSE and README.md), then \`sam publish\`.`;
  const summary = String(document.get('Description')).replace(/\s*Package with .*$/s, '');
  document.set('Description', `${summary} Release ${version}. ${where}`);

  const functionProperties = document.getIn(['Resources', 'Function', 'Properties'], true);
  const codePair = functionProperties.items.find((pair) => pair.key.value === 'Code');
  if (!codePair) throw new Error(`${SOURCE_TEMPLATE}: Resources.Function.Properties has no Code`);
  if (code === 'parameters') {
    codePair.value = document.createNode({ S3Bucket: { Ref: 'CodeBucket' }, S3Key: { Ref: 'CodeKey' } });
    codePair.key.commentBefore = ` The released zip, ${zipName}, where the deployer put it.`;
    // "This code may only work with 'package' cli command" no longer applies: the code is in S3.
    dropCfnLintIgnore(document, ['Resources', 'Function', 'Metadata'], 'W3002');
  } else {
    codePair.value = document.createNode(zipName);
    codePair.key.commentBefore = ` Relative to this template: \`sam package\` uploads the released zip beside it.`;
  }

  const parameters = document.get('Parameters', true);
  if (code === 'parameters') {
    parameters.items.unshift(
      document.createPair('CodeBucket', {
        Type: 'String',
        AllowedPattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$',
        ConstraintDescription: 'must be an S3 bucket name',
        Description: `S3 bucket, in this stack's region, that holds ${zipName} (Lambda reads the code from it when it creates or updates the function).`,
      }),
      document.createPair('CodeKey', {
        Type: 'String',
        AllowedPattern: '^\\S+\\.zip$',
        ConstraintDescription: 'must be the key of a .zip object',
        Description: `Key of the released zip in CodeBucket, e.g. ${zipName}. Give it on every deployment: a new key is what makes CloudFormation update the function's code (aws cloudformation deploy keeps the previous value of a parameter it is not given).`,
      }),
    );
  }

  // Top-level Metadata, after the Description, as the Serverless Application Repository reads it. No intrinsic
  // functions are allowed here (AWS SAM Developer Guide, "AWS SAM template Metadata section properties").
  const metadata = document.createPair('Metadata', {
    'AWS::ServerlessRepo::Application': {
      Name: 'ecs-task-runner',
      Description: description.slice(0, 256),
      Author: 'ecs-task-runner-contributors',
      SpdxLicenseId: 'MIT',
      LicenseUrl: 'LICENSE',
      ReadmeUrl: 'README.md',
      Labels: ['ecs', 'cloudformation', 'custom-resource', 'migration'],
      SemanticVersion: version,
    },
  });
  const top = document.contents.items;
  const afterDescription = top.findIndex((pair) => pair.key.value === 'Description') + 1;
  top.splice(afterDescription, 0, metadata);
  return document.toString({ lineWidth: 120 });
}

/** Removes `check` from the cfn-lint `ignore_checks` in the Metadata at `at`, and whatever that leaves empty. */
function dropCfnLintIgnore(document, at, check) {
  const ignored = document.getIn([...at, 'cfn-lint', 'config', 'ignore_checks'], true);
  if (!ignored) return;
  ignored.items = ignored.items.filter((item) => item.value !== check);
  for (const path of [
    [...at, 'cfn-lint', 'config', 'ignore_checks'],
    [...at, 'cfn-lint', 'config'],
    [...at, 'cfn-lint'],
    at,
  ]) {
    const node = document.getIn(path, true);
    if (node?.items?.length === 0) document.deleteIn(path);
  }
}
