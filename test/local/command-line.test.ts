import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../scripts/local/bundle';

/**
 * What a user types into `npm start` and `npm run invoke`: a mistake is one line on stderr and exit code 2, found
 * before moto starts (MOTO_PYTHON names an interpreter that does not exist, so starting moto would fail with exit
 * code 1 and say so), and never a stack trace.
 */
let work: string;

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'command-line-'));
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(script: 'start' | 'invoke', ...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', `scripts/${script}.ts`, ...args], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    env: { ...process.env, MOTO_PYTHON: path.join(work, 'no-python') },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function expectUsageError(result: ReturnType<typeof run>, message: string, help: string) {
  expect({ status: result.status, stderr: result.stderr }).toEqual({
    status: 2,
    stderr: `${message} (${help} for usage)\n`,
  });
  expect(result.stdout).not.toMatch(/Starting moto|Building/);
}

const fixture = (name: string, content: string) => {
  const file = path.join(work, name);
  writeFileSync(file, content);
  return file;
};

/** A request as the invoke fixtures are, with one placeholder nothing fills in. */
const requestWith = (cluster: string) =>
  JSON.stringify({
    RequestType: 'Create',
    ServiceToken: '${FunctionArn}',
    ResponseURL: '${ResponseURL}',
    StackId: '${StackId}',
    RequestId: '${RequestId}',
    LogicalResourceId: 'MigrateTask',
    ResourceType: 'Custom::ECSTaskRunner',
    ResourceProperties: { ServiceToken: '${FunctionArn}', Cluster: cluster, TaskDefinition: '${TaskDefinition}' },
  });

describe('npm start', () => {
  it('prints its usage with --help and exits 0, starting nothing', () => {
    const result = run('start', '--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: npm start \[-- --verbose\]\n[\s\S]*--help {5}print this and exit\n$/);
    expect(result.stderr).toBe('');
  });

  it('refuses an unknown option in one line', () => {
    expectUsageError(run('start', '--bogus'), "Unknown option '--bogus'", 'npm start -- --help');
  });
});

describe('npm run invoke', () => {
  const help = 'npm run invoke -- --help';

  it('prints its usage with --help and exits 0, starting nothing', () => {
    const result = run('invoke', '--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: npm run invoke -- <event.json>[\s\S]*--help {13}print this and exit\n/);
  });

  it('refuses an unknown option in one line', () => {
    expectUsageError(run('invoke', 'event.json', '--bogus'), "Unknown option '--bogus'", help);
  });

  it('names a fixture it cannot read or that is not JSON', () => {
    const missing = path.join(work, 'missing.json');
    expectUsageError(run('invoke', missing, '--local'), `Cannot read ${missing}: there is no such file`, help);
    const broken = fixture('broken.json', '{"RequestType": "Create",');
    const result = run('invoke', broken, '--local');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^${broken} is not JSON: .+ \\(${help} for usage\\)\\n$`));
  });

  it('names a placeholder that nothing fills in, before moto starts', () => {
    const unknown = fixture('unknown-placeholder.json', requestWith('${ClusterName}'));
    expectUsageError(
      run('invoke', unknown, '--local'),
      "The fixture's placeholder ${ClusterName} has no value: give --set ClusterName=…",
      help,
    );
  });
});
