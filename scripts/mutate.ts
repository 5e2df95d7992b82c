/**
 * `npm run mutate [-- --mutate <file>]`: runs StrykerJS (stryker.config.json) over src/ against the unit tests,
 * then prints the mutation score of each folder of src/ and of those the team's target covers, from the JSON
 * report. The score is (killed + timed out) ÷ every valid mutant (survived and uncovered included; mutants that
 * do not compile are not valid).
 *
 * `npm run mutate -- --partial`: the same tally, and the survivors, over the mutants tested so far by a run that is
 * still going or was stopped (Stryker writes its report only at the end; its event recorder writes one file per
 * tested mutant to reports/mutation/events). `--partial <folder> [<folder>…]` tallies the events of several runs
 * together (a mutant tested twice counts once, as its last run saw it).
 *
 * `npm run mutate -- --resume <folder>`: finishes a run that was stopped, from a copy of its events folder (copy it
 * first: a new run empties reports/mutation/events). Stryker is given only the mutants that run did not test, as
 * mutation ranges; a range also selects the mutants nested in it, so a few are tested again. The command ends with
 * the score over both runs. Resume from the same commit the stopped run started from, or the locations name other
 * code.
 *
 * `npm run mutate -- --recheck <folder>`: after tests were added for a finished (or stopped) run's survivors, tests
 * again only the mutants that run left alive (survived or not covered) or saw time out (a timeout under load counts
 * as detected; a second look on a quiet machine says whether it was), from a copy of its events folder, and ends
 * with the score over both runs (a mutant tested twice counts as the second run saw it). The source under test must
 * be the one that run mutated (only tests changed), or the locations name other code.
 *
 * `--tests <folder>` (with any of the above): each mutant is tested by the test files under that folder only, not by
 * every unit test that reaches the mutated file. Much faster for a file many behaviour tests import (each of them
 * loads the whole handler for every mutant), and the score it gives is a lower bound of the score against every
 * unit test: a mutant those tests kill, the others cannot bring back to life.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const REPORT = path.join(ROOT, 'reports/mutation/mutation.json');
const EVENTS = path.join(ROOT, 'reports/mutation/events');
/**
 * The folders whose combined score docs/measurements/mutation.json records (issue 16's target: at least 85 %).
 * requests/, run/ and answers/ were one folder, lifecycle/, when the target was set.
 */
const TARGET_FOLDERS = ['tasks', 'response', 'requests', 'run', 'answers', 'properties'];

/**
 * Where a mutant is. Its report and the onMutantTested events count lines and columns from 1; the plan
 * (onMutationTestingPlanReady) counts both from 0.
 */
interface Location {
  start: { line: number; column: number };
  end: { line: number; column: number };
}

interface Mutant {
  status: string;
  mutatorName?: string;
  replacement?: string;
  location?: Location;
}

interface MutationReport {
  files: Record<string, { mutants: Mutant[] }>;
}

/** What the event recorder writes for each tested mutant (onMutantTested). */
interface TestedMutant extends Mutant {
  id: string;
  fileName: string;
}

/** What the event recorder writes when Stryker has planned the run (onMutationTestingPlanReady). */
interface MutationTestingPlan {
  mutantPlans: { mutant: { id: string; fileName: string; location: Location } }[];
}

interface Tally {
  detected: number;
  valid: number;
}

const DETECTED = new Set(['Killed', 'Timeout']);
const INVALID = new Set(['CompileError', 'RuntimeError', 'Ignored', 'Pending']);

/**
 * A mutated file's path from `src/` on, wherever the run was (its events name files by absolute path, in the
 * checkout that ran it).
 */
function sourcePath(file: string): string {
  const relative = path.relative(ROOT, path.resolve(ROOT, file)).split(path.sep);
  return relative.slice(relative.lastIndexOf('src')).join('/');
}

function tally(report: MutationReport): Map<string, Tally> {
  const folders = new Map<string, Tally>();
  for (const [file, { mutants }] of Object.entries(report.files)) {
    const folder = sourcePath(file).split('/')[1] ?? '';
    const entry = folders.get(folder) ?? { detected: 0, valid: 0 };
    for (const mutant of mutants) {
      if (INVALID.has(mutant.status)) continue;
      entry.valid += 1;
      if (DETECTED.has(mutant.status)) entry.detected += 1;
    }
    folders.set(folder, entry);
  }
  return folders;
}

function percent({ detected, valid }: Tally): string {
  return valid === 0 ? 'n/a' : `${((100 * detected) / valid).toFixed(1)} % (${detected} of ${valid})`;
}

function printScores(folders: Map<string, Tally>): void {
  console.log('\nMutation score by folder of src/ (killed + timed out ÷ valid mutants):');
  for (const [folder, entry] of [...folders].sort()) console.log(`  src/${folder.padEnd(12)} ${percent(entry)}`);
  const target = TARGET_FOLDERS.map((folder) => folders.get(folder)).filter(
    (entry): entry is Tally => entry !== undefined,
  );
  const combined = target.reduce(
    (sum, entry) => ({ detected: sum.detected + entry.detected, valid: sum.valid + entry.valid }),
    { detected: 0, valid: 0 },
  );
  console.log(`  ${TARGET_FOLDERS.map((folder) => `src/${folder}`).join(' + ')}: ${percent(combined)}`);
}

function eventsOf(folder: string, suffix: string): string[] {
  if (!existsSync(folder)) {
    console.error(`No events at ${path.relative(ROOT, folder) || folder}: start a run with npm run mutate first`);
    process.exit(1);
  }
  return readdirSync(folder)
    .filter((file) => file.endsWith(suffix))
    .sort()
    .map((file) => readFileSync(path.join(folder, file), 'utf8'));
}

function testedIn(folder: string): TestedMutant[] {
  return eventsOf(folder, '-onMutantTested.json').map((text) => JSON.parse(text) as TestedMutant);
}

/** A tested mutant's place and change, the same in every run of the same source. */
function changeAt({ fileName, location, mutatorName, replacement }: TestedMutant): string {
  const place =
    location === undefined
      ? ''
      : `${location.start.line}:${location.start.column}-${location.end.line}:${location.end.column}`;
  return `${sourcePath(fileName)}:${place} ${mutatorName} ${replacement}`;
}

/**
 * A planned mutant as a mutation range: `file:line:column-line:column`, lines from 1 and columns from 0 (what
 * Stryker's `--mutate` reads), from the plan's place, where both count from 0.
 */
function rangeOf(file: string, { start, end }: Location): string {
  return `${sourcePath(file)}:${start.line + 1}:${start.column}-${end.line + 1}:${end.column}`;
}

/**
 * The mutants the runs recorded in these event folders tested, grouped by file as in the JSON report. A mutant
 * tested by more than one run (the same change at the same place) counts once, as the last folder has it.
 */
function testedSoFar(folders: string[]): MutationReport {
  const latest = new Map<string, TestedMutant>();
  for (const mutant of folders.flatMap(testedIn)) {
    latest.set(changeAt(mutant), mutant);
  }
  const files: MutationReport['files'] = {};
  for (const mutant of latest.values()) (files[sourcePath(mutant.fileName)] ??= { mutants: [] }).mutants.push(mutant);
  return { files };
}

function printSurvivors(report: MutationReport): void {
  const survivors = Object.entries(report.files).flatMap(([file, { mutants }]) =>
    mutants
      .filter((mutant) => mutant.status === 'Survived' || mutant.status === 'NoCoverage')
      .map(
        (mutant) =>
          `  ${sourcePath(file)}:${mutant.location?.start.line ?? '?'} ${mutant.mutatorName ?? ''} → ` +
          `${JSON.stringify(mutant.replacement ?? '')} (${mutant.status})`,
      ),
  );
  console.log(`\nSurvivors so far (${survivors.length}):\n${survivors.sort().join('\n')}`);
}

function printTested(folders: string[]): void {
  const report = testedSoFar(folders);
  const tested = Object.values(report.files).reduce((sum, { mutants }) => sum + mutants.length, 0);
  console.log(`${tested} mutants tested so far (compile errors included).`);
  printScores(tally(report));
  printSurvivors(report);
}

/** Where `--tests` writes the Stryker configuration it runs with: stryker.config.json with the tests narrowed. */
const NARROWED_CONFIG = path.join(ROOT, 'reports/mutation/stryker.tests.json');

/**
 * Stryker's arguments with `--tests <folder>` replaced by a configuration whose jest runs only the test files under
 * that folder (Stryker's `jest.config` is laid over jest.unit.config.js).
 */
function withNarrowedTests(args: string[]): string[] {
  const at = args.indexOf('--tests');
  if (at === -1) return args;
  const folder = args[at + 1];
  if (folder === undefined || folder.startsWith('--') || !existsSync(path.join(ROOT, folder))) {
    console.error('Usage: --tests <folder>, a folder of test files such as test/diagnostics');
    process.exit(1);
  }
  const base = JSON.parse(readFileSync(path.join(ROOT, 'stryker.config.json'), 'utf8')) as {
    $schema?: string;
    jest: Record<string, unknown>;
  };
  // Its path is relative to stryker.config.json, and the narrowed configuration is written elsewhere.
  delete base.$schema;
  const testMatch = [
    `<rootDir>/${path.relative(ROOT, path.join(ROOT, folder)).split(path.sep).join('/')}/**/*.test.ts`,
  ];
  mkdirSync(path.dirname(NARROWED_CONFIG), { recursive: true });
  writeFileSync(NARROWED_CONFIG, JSON.stringify({ ...base, jest: { ...base.jest, config: { testMatch } } }, null, 2));
  console.log(`Each mutant is tested by ${testMatch[0] ?? ''} only (a lower bound of the score).`);
  return [path.relative(ROOT, NARROWED_CONFIG), ...args.slice(0, at), ...args.slice(at + 2)];
}

/** Runs Stryker with these arguments; exits as it does when it fails. */
function runStryker(given: string[]): void {
  const args = withNarrowedTests(given);
  // The package's exports hide its bin script from require.resolve: run it from node_modules/.bin, as npm would.
  const stryker = path.join(ROOT, 'node_modules', '.bin', process.platform === 'win32' ? 'stryker.cmd' : 'stryker');
  const run = spawnSync(stryker, ['run', ...args], { cwd: ROOT, stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
}

/** The mutation ranges (`file:line:column-line:column`, lines from 1) of the mutants a stopped run did not test. */
function untestedRanges(folder: string): { planned: number; untested: number; ranges: string[] } {
  const [plan] = eventsOf(folder, '-onMutationTestingPlanReady.json');
  if (plan === undefined) {
    console.error(`${folder} holds no plan (onMutationTestingPlanReady): was it a run's events folder?`);
    process.exit(1);
  }
  const planned = (JSON.parse(plan) as MutationTestingPlan).mutantPlans.map(({ mutant }) => mutant);
  const tested = new Set(testedIn(folder).map((mutant) => mutant.id));
  const untested = planned.filter((mutant) => !tested.has(mutant.id));
  return {
    planned: planned.length,
    untested: untested.length,
    ranges: [...new Set(untested.map((mutant) => rangeOf(mutant.fileName, mutant.location)))],
  };
}

/** Statuses a recheck tests again: what a run left alive, and timeouts, which load alone can cause. */
const RECHECKED = new Set(['Survived', 'NoCoverage', 'Timeout']);

/** The mutation ranges of the mutants a run left alive or saw time out, from its plan's places. */
function survivorRanges(folder: string): { alive: number; ranges: string[] } {
  const [plan] = eventsOf(folder, '-onMutationTestingPlanReady.json');
  if (plan === undefined) {
    console.error(`${folder} holds no plan (onMutationTestingPlanReady): was it a run's events folder?`);
    process.exit(1);
  }
  const planned = new Map(
    (JSON.parse(plan) as MutationTestingPlan).mutantPlans.map(({ mutant }) => [mutant.id, mutant] as const),
  );
  const alive = testedIn(folder).filter((mutant) => RECHECKED.has(mutant.status));
  const ranges = alive.flatMap((mutant) => {
    const place = planned.get(mutant.id);
    return place === undefined ? [] : [rangeOf(place.fileName, place.location)];
  });
  return { alive: alive.length, ranges: [...new Set(ranges)] };
}

/** A copy of a run's events folder named on the command line, never the one a new run empties. */
function eventsCopy(folder: string | undefined, command: string): string {
  if (folder === undefined || path.resolve(folder) === EVENTS) {
    console.error(
      `Usage: npm run mutate -- ${command} <folder>, where <folder> is a copy of that run's ` +
        'reports/mutation/events (the new run empties that folder)',
    );
    process.exit(1);
  }
  return path.resolve(folder);
}

const [command, ...rest] = process.argv.slice(2);
if (command === '--partial') {
  printTested(rest.length === 0 ? [EVENTS] : rest.map((folder) => path.resolve(folder)));
} else if (command === '--recheck') {
  const [given, ...strykerArgs] = rest;
  const folder = eventsCopy(given, command);
  const { alive, ranges } = survivorRanges(folder);
  if (alive === 0) {
    console.log(`The run in ${given ?? folder} left no mutant alive and saw none time out.`);
    process.exit(0);
  }
  console.log(
    `${alive} mutants the run in ${given ?? folder} left alive or saw time out are tested again (${ranges.length} places).`,
  );
  runStryker(['--mutate', ranges.join(','), ...strykerArgs]);
  console.log(`\nThe two runs together (${given ?? folder} and ${path.relative(ROOT, EVENTS)}):`);
  printTested([folder, EVENTS]);
} else if (command === '--resume') {
  const [given, ...strykerArgs] = rest;
  const folder = eventsCopy(given, command);
  const { planned, untested, ranges } = untestedRanges(folder);
  if (untested === 0) {
    console.log(`The run in ${given ?? folder} tested all of its ${planned} mutants.`);
    printTested([folder]);
    process.exit(0);
  }
  console.log(
    `${untested} of the ${planned} mutants of the run in ${given ?? folder} are left to test (${ranges.length} places).`,
  );
  runStryker(['--mutate', ranges.join(','), ...strykerArgs]);
  console.log(`\nThe two runs together (${given ?? folder} and ${path.relative(ROOT, EVENTS)}):`);
  printTested([folder, EVENTS]);
} else {
  runStryker(process.argv.slice(2));
  if (!existsSync(REPORT)) {
    console.error(`No report at ${path.relative(ROOT, REPORT)}`);
    process.exit(1);
  }
  printScores(tally(JSON.parse(readFileSync(REPORT, 'utf8')) as MutationReport));
}
