import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseCommandLine, readJsonFile, UsageError } from '../../scripts/local/cli';
import { refuseUnfilledPlaceholders } from '../../scripts/local/placeholders';

/** The checks behind the local tools' usage errors, in process (test/local/command-line.test.ts runs the tools). */
describe('the command line', () => {
  const parse = (...args: string[]) =>
    parseCommandLine({
      args,
      allowPositionals: true,
      options: { timeout: { type: 'string' }, local: { type: 'boolean' } },
    });

  it('takes the options it declares', () => {
    expect(parse('event.json', '--timeout', '30', '--local')).toMatchObject({
      values: { timeout: '30', local: true },
      positionals: ['event.json'],
    });
  });

  it.each([
    [['--bogus'], "Unknown option '--bogus'."],
    [['--timeout'], "Option '--timeout <value>' argument missing"],
    [['--local=yes'], "Option '--local' does not take an argument"],
  ])('refuses %j as a usage error with the first sentence of what parseArgs says', (args, message) => {
    expect(() => parse(...args)).toThrow(new UsageError(message));
  });

  it('refuses an argument where none is taken', () => {
    expect(() => parseCommandLine({ args: ['create'], options: {} })).toThrow(
      new UsageError("Unexpected argument 'create'."),
    );
  });
});

describe('a JSON file the user names', () => {
  let work: string;
  beforeAll(() => (work = mkdtempSync(path.join(tmpdir(), 'cli-'))));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('is read and parsed', async () => {
    const file = path.join(work, 'ok.json');
    writeFileSync(file, '{"RequestType":"Create"}');
    await expect(readJsonFile(file)).resolves.toEqual({ RequestType: 'Create' });
  });

  it('is a usage error naming the file when missing, a folder or not JSON', async () => {
    const missing = path.join(work, 'missing.json');
    await expect(readJsonFile(missing)).rejects.toThrow(
      new UsageError(`Cannot read ${missing}: there is no such file`),
    );
    await expect(readJsonFile(work)).rejects.toThrow(new UsageError(`Cannot read ${work}: it is a folder`));
    const broken = path.join(work, 'broken.json');
    writeFileSync(broken, '{"RequestType": ');
    await expect(readJsonFile(broken)).rejects.toThrow(new RegExp(`^${broken} is not JSON: `));
    await expect(readJsonFile(broken)).rejects.toBeInstanceOf(UsageError);
  });
});

describe('placeholders nothing fills in', () => {
  const request = {
    ResponseURL: '${ResponseURL}',
    RequestId: '${RequestId}',
    StackId: '${StackId}',
    ResourceProperties: { ServiceToken: '${FunctionArn}', Cluster: '${Cluster}', Image: 'app:${Tag}' },
  };

  it('are refused, named, with the way to fill them in: --local for the sample stack, --set for any', () => {
    expect(() => refuseUnfilledPlaceholders(request, { filledIn: ['ResponseURL'], local: false })).toThrow(
      new UsageError(
        "The fixture's placeholders ${StackId}, ${Cluster}, ${Tag} have no value: run with --local (which fills in StackId, Cluster), or give --set StackId=…",
      ),
    );
    expect(() => refuseUnfilledPlaceholders(request, { filledIn: ['ResponseURL'], local: true })).toThrow(
      new UsageError("The fixture's placeholder ${Tag} has no value: give --set Tag=…"),
    );
  });

  it('pass when the tool, --local and --set fill in every one', () => {
    expect(() => refuseUnfilledPlaceholders(request, { filledIn: ['ResponseURL', 'Tag'], local: true })).not.toThrow();
    expect(() =>
      refuseUnfilledPlaceholders(request, { filledIn: ['ResponseURL', 'Tag', 'StackId', 'Cluster'], local: false }),
    ).not.toThrow();
  });

  it('include ResponseURL when the tool does not serve it', () => {
    expect(() => refuseUnfilledPlaceholders(request, { filledIn: ['Tag'], local: true })).toThrow(
      /placeholder \$\{ResponseURL\} has no value/,
    );
  });
});
