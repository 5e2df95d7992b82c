/**
 * `npm run bench [-- --write]` (after `npm run build`): measures the bundle's cold import, its chunk sizes, the
 * completion latency and DescribeTasks rate of real handler invocations against local fake endpoints, and the peak
 * RSS of one invocation. Prints a table; writes bench/results.json only with --write. Exits 1 when a target is
 * missed or a run went wrong. Every loop is bounded in count and time.
 *
 * The local harness (scripts/local/) provides the Lambda endpoint that takes hand-offs, the ResponseURLs (which
 * check how the answer was PUT) and the Create requests and Lambda contexts; bench/fake-ecs.ts scripts the tasks.
 * The child processes are bundled to plain JavaScript first, so that no TypeScript loader is in the figures.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { BUNDLE, PROJECT_ROOT } from '../scripts/local/bundle';
import type { CloudFormationResponse } from '../scripts/local/cloudformation';
import { type LocalLambdaEndpoint, startLocalLambdaEndpoint } from '../scripts/local/lambda-endpoint';
import {
  type ResponseReceiver,
  type ResponseSlot,
  startHttpResponseReceiver,
} from '../scripts/local/response-receiver';
import { DEPROVISIONING_MS, type FakeEcs, startFakeEcs, type TaskScript } from './fake-ecs';
import { BENCH_RESULT_PREFIX, type BenchRun, type BenchSpec, type ChildReport } from './protocol';
import { markdownTable, row, type Row, verdict } from './report';
import { runScaleBenchmark, SCALE_DEFAULTS } from './scale-bench';
import { seededRandom } from './seeded-random';

const { values: flags } = parseArgs({
  options: {
    write: { type: 'boolean', default: false },
    /** The scale benchmark instead (bench/scale-bench.ts), with its own options. */
    scale: { type: 'boolean', default: false },
    runs: { type: 'string' },
    spread: { type: 'string' },
  },
});

const benchDir = path.join(PROJECT_ROOT, 'bench');
const bundleDir = path.dirname(BUNDLE);
const childDir = path.join(PROJECT_ROOT, 'dist', 'bench');
const resultsFile = path.join(benchDir, 'results.json');

const settings = {
  coldImportRuns: 20,
  latencyRuns: 25,
  latencyConcurrency: 5,
  shortExitSeconds: [3, 8] as const,
  longExitSeconds: [60, 70] as const,
  rssExitSeconds: 1,
  childTimeoutMs: 150_000,
  /** The whole benchmark gives up after this (its children are killed): normally it takes about 80 s. */
  overallTimeoutMs: 230_000,
};
const targets = {
  importRatio: 0.15,
  entryBytes: 350 * 1024,
  p95Ms: 3000,
  callsPerTaskMinute: 24,
  handOffs: 0,
  rssBytes: 128 * 1024 * 1024,
};

interface Chunk {
  file: string;
  bytes: number;
}

/** The fake and local endpoints the invocations run against, and what they counted. */
interface Harness {
  plans: Map<string, TaskScript>;
  ecs: FakeEcs;
  lambda: LocalLambdaEndpoint;
  receiver: ResponseReceiver;
  env: Record<string, string | undefined>;
  /** Lambda Invoke calls so far: every one is a hand-off. */
  handOffs: number;
}

interface ImportSample {
  importMs: number;
  sinceStartMs: number;
  wallMs: number;
}

const seed = Number(process.env.BENCH_SEED ?? Date.now() % 2 ** 31);
const random = seededRandom(seed);
const benchStarted = performance.now();
const children = new Set<ChildProcess>();
setTimeout(() => {
  console.error(`bench: not done after ${settings.overallTimeoutMs / 1000} s; giving up`);
  for (const child of children) child.kill('SIGKILL');
  process.exit(2);
}, settings.overallTimeoutMs).unref();

const awsEnv = (endpoint: string, lambdaEndpoint: string, responseHost: string): Record<string, string> => ({
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  // Nothing from this machine's AWS configuration may change what is measured or where calls go.
  AWS_CONFIG_FILE: path.join(benchDir, 'no-aws-config'),
  AWS_SHARED_CREDENTIALS_FILE: path.join(benchDir, 'no-aws-credentials'),
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_ENDPOINT_URL_ECS: endpoint,
  AWS_ENDPOINT_URL_EC2: endpoint,
  AWS_ENDPOINT_URL_LAMBDA: lambdaEndpoint,
  AWS_ENDPOINT_URL_CLOUDFORMATION: endpoint,
  AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: endpoint,
  RESPONSE_URL_ALLOWED_HOSTS: responseHost,
  POWERTOOLS_LOG_LEVEL: 'WARN',
});
// The children start as Lambda's nodejs22.x starts a function: nothing from this machine's Node, AWS or Powertools
// settings. NODE_EXTRA_CA_CERTS above all: Lambda sets it for no Node.js 20 or later function ("CA certificate
// loading", https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html), and a machine that sets it (this one
// names its whole CA bundle) adds some 10 ms of certificate loading to every cold import that creates a client.
const baseEnv = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !/^(NODE_OPTIONS|NODE_EXTRA_CA_CERTS|AWS_.*|POWERTOOLS_.*)$/.test(key)),
);

async function main(): Promise<number> {
  await buildChildren();
  const sizes = await measureSizes();
  const coldImport = await measureColdImport(sizes.builtinsImportedStatically);
  const plans = new Map<string, TaskScript>();
  const ecs = await startFakeEcs((cluster) => plans.get(cluster));
  const lambda = await startLocalLambdaEndpoint();
  const receiver = await startHttpResponseReceiver();
  const harness: Harness = {
    plans,
    ecs,
    lambda,
    receiver,
    env: { ...baseEnv, ...awsEnv(ecs.endpoint, lambda.url, receiver.host) },
    handOffs: 0,
  };
  let rss: Awaited<ReturnType<typeof measurePeakRss>>;
  let latency: Awaited<ReturnType<typeof measureLatency>>;
  try {
    rss = await measurePeakRss(harness);
    latency = await measureLatency(harness);
  } finally {
    await Promise.all([ecs.close(), lambda.close(), receiver.close()]);
  }

  const rows: Row[] = [
    row('Cold import, bundle (median, import only)', ms(coldImport.bundle.median.importMs)),
    row('Cold import, SDK baseline (median, import only)', ms(coldImport.baseline.median.importMs)),
    row(
      'Cold import ratio bundle / baseline (import only)',
      coldImport.ratio.importMs.toFixed(4),
      `≤ ${targets.importRatio}`,
      coldImport.ratio.importMs <= targets.importRatio,
    ),
    row('  of which Node built-ins the bundle imports (floor)', ms(coldImport.builtins.median.importMs)),
    row(
      '  from process start: bundle / baseline / ratio',
      `${ms(coldImport.bundle.median.sinceStartMs)} / ${ms(coldImport.baseline.median.sinceStartMs)} / ${coldImport.ratio.sinceStartMs.toFixed(3)}`,
    ),
    row(
      '  process wall time: bundle / baseline / ratio',
      `${ms(coldImport.bundle.median.wallMs)} / ${ms(coldImport.baseline.median.wallMs)} / ${coldImport.ratio.wallMs.toFixed(3)}`,
    ),
    row(
      'Entry chunk index.mjs',
      kb(sizes.entryBytes),
      `≤ ${kb(targets.entryBytes)}`,
      sizes.entryBytes <= targets.entryBytes,
    ),
    row(`Loaded statically by index.mjs (${sizes.static.length} files)`, kb(sizes.staticBytes)),
    row(
      `Lazy chunks (${sizes.lazy.length} files; largest ${sizes.lazy[0]?.file ?? '-'} ${kb(sizes.lazy[0]?.bytes ?? 0)})`,
      kb(sizes.lazyBytes),
    ),
    row(
      `Completion latency p50 (${latency.runs.length} runs, ${settings.latencyConcurrency} at a time)`,
      ms(latency.p50Ms),
    ),
    row('Completion latency p95', ms(latency.p95Ms), `≤ ${ms(targets.p95Ms)}`, latency.p95Ms <= targets.p95Ms),
    row(
      `DescribeTasks per task-minute (${latency.long.describeCalls} calls in ${(latency.long.taskMs / 1000).toFixed(1)} s)`,
      latency.long.callsPerTaskMinute.toFixed(1),
      `≤ ${targets.callsPerTaskMinute}`,
      latency.long.callsPerTaskMinute <= targets.callsPerTaskMinute,
    ),
    row(
      'Answered SUCCESS before the task was STOPPED',
      `${latency.earlyAnswers} / ${latency.answered} runs`,
      `${latency.expected} / ${latency.expected}`,
      latency.earlyAnswers === latency.expected,
    ),
    row(
      'Hand-offs (Lambda Invoke calls)',
      String(latency.handOffs),
      String(targets.handOffs),
      latency.handOffs === targets.handOffs,
    ),
    row(
      'Peak RSS of one invocation (maxRSS)',
      mb(rss.maxRssBytes),
      `≤ ${mb(targets.rssBytes)} (Lambda 128 MB)`,
      rss.maxRssBytes <= targets.rssBytes,
    ),
  ];

  console.log(`\n${markdownTable(rows)}\n`);
  console.log(`Static chunks: ${sizes.static.map((chunk) => `${chunk.file} ${kb(chunk.bytes)}`).join(', ')}`);
  console.log(`Lazy chunks:   ${sizes.lazy.map((chunk) => `${chunk.file} ${kb(chunk.bytes)}`).join(', ')}`);
  const cpus = os.cpus();
  const durationSeconds = round((performance.now() - benchStarted) / 1000);
  if (flags.write) {
    // The scale benchmark's figures (`--scale --write`) stay.
    const { scale } = await recordedResults();
    const results = {
      date: new Date().toISOString(),
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      cpus: cpus.length,
      cpuModel: cpus[0]?.model.trim() ?? 'unknown',
      seed,
      settings,
      targets,
      durationSeconds,
      table: rows,
      coldImport,
      sizes,
      latency,
      peakRss: rss,
      ...(scale === undefined ? {} : { scale }),
    };
    await writeFile(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`\nWrote bench/results.json (seed ${seed}, ${durationSeconds} s)`);
  } else {
    console.log(
      `\nSeed ${seed}, ${durationSeconds} s. bench/results.json is left as it was: \`npm run bench -- --write\` records this run there.`,
    );
  }
  const { exitCode, lines } = verdict(rows, latency.problems);
  for (const line of lines) console.log(line);
  return exitCode;
}

/**
 * `--scale`: the scale benchmark in virtual time (no child processes, no bundle). Prints its table; with --write
 * records it under `scale` in bench/results.json, beside the other figures.
 */
async function scaleMain(): Promise<number> {
  const runs = Number(flags.runs ?? SCALE_DEFAULTS.runs);
  const spreadMinutes = Number(flags.spread ?? SCALE_DEFAULTS.spreadMinutes);
  if (!Number.isInteger(runs) || runs < 1 || runs > 2000) throw new Error('--runs must be a whole number, 1 to 2000');
  if (!(spreadMinutes >= 1 && spreadMinutes <= 120)) throw new Error('--spread must be 1 to 120 minutes');
  const { rows, problems, record } = await runScaleBenchmark({ runs, spreadMinutes, seed });
  console.log(`\n${markdownTable(rows)}\n`);
  const durationSeconds = round((performance.now() - benchStarted) / 1000);
  if (flags.write) {
    const scale = {
      date: new Date().toISOString(),
      node: process.version,
      seed,
      durationSeconds,
      table: rows,
      ...record,
    };
    await writeFile(resultsFile, `${JSON.stringify({ ...(await recordedResults()), scale }, null, 2)}\n`);
    console.log(`Wrote the scale figures to bench/results.json (seed ${seed}, ${durationSeconds} s)`);
  } else {
    console.log(`Seed ${seed}, ${durationSeconds} s. \`npm run bench -- --scale --write\` records this run.`);
  }
  const { exitCode, lines } = verdict(rows, problems);
  for (const line of lines) console.log(line);
  return exitCode;
}

/** What bench/results.json holds now: each benchmark rewrites its own part and keeps the other's. */
async function recordedResults(): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(await readFile(resultsFile, 'utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

(flags.scale ? scaleMain() : main()).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    for (const child of children) child.kill('SIGKILL');
    process.exitCode = 1;
  },
);

// ---------------------------------------------------------------------------------------------------------------

/** The child scripts as plain ES modules: a TypeScript loader in the child would be part of what it measures. */
async function buildChildren(): Promise<void> {
  await build({
    entryPoints: {
      'invoke-child': path.join(benchDir, 'invoke-child.ts'),
      'cold-import': path.join(benchDir, 'cold-import.ts'),
    },
    outdir: childDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
  });
}

/** The entry chunk, what it loads statically (its import statements, followed), and the rest: lazy chunks. */
async function measureSizes() {
  const files = (await readdir(bundleDir)).filter((file) => file.endsWith('.mjs')).sort();
  const bytes = new Map(
    await Promise.all(files.map(async (file) => [file, (await stat(path.join(bundleDir, file))).size] as const)),
  );
  // esbuild reads the built chunks back and reports every import with its kind (statement or dynamic import()).
  const { metafile } = await build({
    entryPoints: [BUNDLE],
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'node',
    splitting: true,
    outdir: path.join(os.tmpdir(), 'ecs-task-runner-bench-scan'),
    logLevel: 'silent',
  });
  const inputs = new Map(
    Object.entries(metafile.inputs).map(([file, info]) => [path.resolve(PROJECT_ROOT, file), info]),
  );
  const statics = new Set(['index.mjs']);
  const builtins = new Set<string>();
  const queue = ['index.mjs'];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    for (const imported of inputs.get(path.join(bundleDir, file))?.imports ?? []) {
      if (imported.kind !== 'import-statement') continue;
      if (imported.external) {
        builtins.add(imported.path);
        continue;
      }
      const sibling = path.relative(bundleDir, path.resolve(PROJECT_ROOT, imported.path));
      if (!statics.has(sibling)) {
        statics.add(sibling);
        queue.push(sibling);
      }
    }
  }
  const describe = (file: string): Chunk => ({ file, bytes: bytes.get(file) ?? 0 });
  const bySize = (a: Chunk, b: Chunk): number => b.bytes - a.bytes || a.file.localeCompare(b.file);
  const staticFiles = [...statics].map(describe).sort(bySize);
  const lazy = files
    .filter((file) => !statics.has(file))
    .map(describe)
    .sort(bySize);
  const sum = (list: Chunk[]): number => list.reduce((total, chunk) => total + chunk.bytes, 0);
  return {
    entryBytes: bytes.get('index.mjs') ?? 0,
    staticBytes: sum(staticFiles),
    lazyBytes: sum(lazy),
    static: staticFiles,
    lazy,
    builtinsImportedStatically: [...builtins].sort(),
  };
}

/**
 * Fresh `node` processes, bundle and baseline alternated (the order turned every round), after one warm-up round.
 * A third subject imports only the Node built-ins the bundle imports statically: the floor no bundling removes.
 */
async function measureColdImport(builtins: string[]) {
  const childEnv = { ...baseEnv, ...awsEnv('http://127.0.0.1:9', 'http://127.0.0.1:9', '127.0.0.1') };
  const subjects: Record<'bundle' | 'baseline' | 'builtins', string[]> = { bundle: [BUNDLE], baseline: [], builtins };
  const names = Object.keys(subjects) as (keyof typeof subjects)[];
  const samples: Record<keyof typeof subjects, ImportSample[]> = { bundle: [], baseline: [], builtins: [] };
  for (let round_ = -1; round_ < settings.coldImportRuns; round_++) {
    const order = names.map((_, k) => names[(k + round_ + 1) % names.length] ?? 'bundle');
    for (const what of order) {
      const started = performance.now();
      const { stdout } = await runChild(
        [path.join(childDir, 'cold-import.mjs'), what, ...subjects[what]],
        childEnv,
        30_000,
      );
      const wallMs = performance.now() - started;
      const report = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { startedAt: number; loadedAt: number };
      if (round_ >= 0)
        samples[what].push({
          importMs: round(report.loadedAt - report.startedAt, 2),
          sinceStartMs: round(report.loadedAt, 2),
          wallMs: round(wallMs, 2),
        });
    }
  }
  const summary = (list: ImportSample[]) => ({
    median: {
      importMs: round(median(list.map((sample) => sample.importMs))),
      sinceStartMs: round(median(list.map((sample) => sample.sinceStartMs))),
      wallMs: round(median(list.map((sample) => sample.wallMs))),
    },
    samples: list,
  });
  // From the medians before rounding, so that a ratio just above the target is not rounded onto it.
  const ratio = (key: keyof ImportSample): number =>
    round(
      median(samples.bundle.map((sample) => sample[key])) / median(samples.baseline.map((sample) => sample[key])),
      4,
    );
  return {
    runs: settings.coldImportRuns,
    importMsIs:
      'performance.now() after the import minus performance.now() at the top of the child script (Node bootstrap excluded)',
    sinceStartMsIs: 'performance.now() after the import: from process start',
    baselineIs:
      "require('@aws-sdk/client-ecs') and require('@aws-sdk/client-ec2') (unbundled), new ECSClient({}), new EC2Client({})",
    builtinsIs: `import of ${builtins.join(', ')} only`,
    bundle: summary(samples.bundle),
    baseline: summary(samples.baseline),
    builtins: summary(samples.builtins),
    ratio: { importMs: ratio('importMs'), sinceStartMs: ratio('sinceStartMs'), wallMs: ratio('wallMs') },
  };
}

/** One fresh process, one Create with a short task: the most memory one invocation takes. */
async function measurePeakRss(harness: Harness) {
  harness.plans.set('bench-rss', { runId: 'rss', exitAfterMs: settings.rssExitSeconds * 1000 });
  const slot = await harness.receiver.slot('rss');
  const report = await runInvocations(
    harness,
    [{ concurrency: 1, runs: [{ id: 'rss', cluster: 'bench-rss', responseUrl: slot.url }] }],
    30_000,
  );
  const { response } = await readAnswer(slot);
  if (response?.Status !== 'SUCCESS') throw new Error(`The peak-RSS run did not succeed: ${JSON.stringify(response)}`);
  return { maxRssBytes: report.maxRssBytes, heapUsedBytes: report.heapUsedBytes, importMs: round(report.importMs) };
}

/**
 * Short tasks (exit after 3–8 s, a random phase of the poll cycle), `latencyConcurrency` at a time, beside one
 * task of over a minute that gives the DescribeTasks rate. Latency: the scripted exit instant to the arrival of
 * the response PUT, both on this process's clock.
 */
async function measureLatency(harness: Harness) {
  const { plans, receiver, ecs } = harness;
  const uniform = ([low, high]: readonly [number, number]): number =>
    Math.round((low + random() * (high - low)) * 1000);
  const short = Array.from({ length: settings.latencyRuns }, (_, i) => ({
    id: `short-${String(i + 1).padStart(2, '0')}`,
    exitAfterMs: uniform(settings.shortExitSeconds),
  }));
  const long = { id: 'long', exitAfterMs: uniform(settings.longExitSeconds) };
  const slots = new Map<string, ResponseSlot>();
  for (const run of [...short, long]) {
    plans.set(`bench-${run.id}`, { runId: run.id, exitAfterMs: run.exitAfterMs });
    slots.set(run.id, await receiver.slot(run.id));
  }
  const toRun = (run: { id: string }): BenchRun => ({
    id: run.id,
    cluster: `bench-${run.id}`,
    responseUrl: slots.get(run.id)?.url ?? '',
  });
  const report = await runInvocations(
    harness,
    [
      { concurrency: 1, runs: [toRun(long)] },
      { concurrency: settings.latencyConcurrency, runs: short.map(toRun) },
    ],
    settings.childTimeoutMs - 10_000,
  );

  const problems: string[] = [];
  if (report.timedOut) problems.push('The invocations did not finish in time');
  for (const invocation of report.invocations)
    if (invocation.error) problems.push(`${invocation.id}: the handler threw ${invocation.error}`);
  for (const request of ecs.unexpected)
    problems.push(`Unexpected request to the fake endpoints: ${JSON.stringify(request)}`);
  const measured = [];
  for (const run of [...short, long]) {
    const task = [...ecs.tasks.values()].find((candidate) => candidate.runId === run.id);
    const slot = slots.get(run.id);
    const answer = slot ? await readAnswer(slot) : undefined;
    if (!task || answer?.receivedAt === undefined) {
      problems.push(`${run.id}: ${task ? 'no response arrived' : 'RunTask never came'}`);
      continue;
    }
    const { response, receivedAt } = answer;
    if (response?.Status !== 'SUCCESS')
      problems.push(`${run.id}: answered ${String(response?.Status)}: ${String(response?.Reason)}`);
    // Answered more than once, or PUT with headers the presigned S3 URL would refuse.
    for (const problem of answer.problems) problems.push(`${run.id}: ${problem}`);
    const calls = ecs.describeCalls
      .filter((call) => call.taskArns.includes(task.arn) && call.at >= task.runAt && call.at <= receivedAt)
      .map((call) => call.at);
    const lastCallBeforeExit = calls.filter((at) => at < task.exitAt).pop() ?? task.runAt;
    measured.push({
      id: run.id,
      exitAfterMs: run.exitAfterMs,
      // How far into the poll cycle the container exited: ms since the last DescribeTasks before the exit.
      exitPhaseMs: round(task.exitAt - lastCallBeforeExit),
      latencyMs: round(receivedAt - task.exitAt),
      describeCalls: calls.length,
      taskMs: round(receivedAt - task.runAt),
      status: response?.Status,
      answeredBeforeTaskStopped: receivedAt < task.exitAt + DEPROVISIONING_MS,
    });
  }
  const shortDone = measured.filter((result) => result.id !== 'long');
  const latencies = shortDone.map((result) => result.latencyMs);
  const longRun = measured.find((result) => result.id === 'long');
  if (!longRun) throw new Error(`The long run gave no result:\n${problems.join('\n')}`);
  if (latencies.length === 0) throw new Error(`No short run gave a result:\n${problems.join('\n')}`);
  return {
    percentiles: 'nearest rank, over the short runs',
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    maxMs: Math.max(...latencies),
    runs: shortDone,
    long: { ...longRun, callsPerTaskMinute: round(longRun.describeCalls / (longRun.taskMs / 60_000), 2) },
    answered: measured.length,
    expected: short.length + 1,
    earlyAnswers: measured.filter((result) => result.answeredBeforeTaskStopped && result.status === 'SUCCESS').length,
    // Over every invocation of the benchmark, the peak-RSS one included.
    handOffs: harness.handOffs,
    calls: { ...ecs.calls, 'lambda:Invoke': harness.handOffs },
    handlerImportMs: round(report.importMs),
    problems,
  };
}

/** What reached a ResponseURL, parsed. */
async function readAnswer(
  slot: ResponseSlot,
): Promise<{ response?: CloudFormationResponse; problems: string[]; receivedAt?: number }> {
  const delivery = await slot.read();
  const response = delivery.body === undefined ? undefined : (JSON.parse(delivery.body) as CloudFormationResponse);
  return {
    ...(response ? { response } : {}),
    problems: delivery.problems,
    ...(delivery.receivedAt === undefined ? {} : { receivedAt: delivery.receivedAt }),
  };
}

async function runInvocations(harness: Harness, lanes: BenchSpec['lanes'], timeoutMs: number): Promise<ChildReport> {
  const spec: BenchSpec = { bundle: BUNDLE, lanes, timeoutMs };
  const { stdout, stderr } = await runChild(
    [path.join(childDir, 'invoke-child.mjs')],
    { ...harness.env, BENCH_SPEC: JSON.stringify(spec) },
    timeoutMs + 10_000,
  );
  harness.handOffs += harness.lambda.take().length;
  const line = stdout.split('\n').find((candidate) => candidate.startsWith(BENCH_RESULT_PREFIX));
  if (!line)
    throw new Error(
      `The invocation child reported nothing.\nstdout:\n${stdout.slice(-3000)}\nstderr:\n${stderr.slice(-3000)}`,
    );
  const logLines = withoutNodeVersionWarning(`${stdout}\n${stderr}`)
    .split('\n')
    // The handler's EMF lines (src/runtime/metrics.ts) are figures, not warnings.
    .filter(
      (candidate) =>
        candidate.trim() && !candidate.startsWith(BENCH_RESULT_PREFIX) && !candidate.startsWith('{"_aws":'),
    );
  if (logLines.length > 0) console.log(`Handler log (warnings and errors):\n  ${logLines.slice(0, 20).join('\n  ')}`);
  return JSON.parse(line.slice(BENCH_RESULT_PREFIX.length)) as ChildReport;
}

/** Runs `node <args>` and collects its output; kills it (by its own pid) if it outlives `timeoutMs`. */
function runChild(
  args: string[],
  childEnv: Record<string, string | undefined>,
  timeoutMs: number,
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: PROJECT_ROOT,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      children.delete(child);
      clearTimeout(timer);
      if (code === 0) resolve({ stdout, stderr });
      else
        reject(
          new Error(
            `node ${args.map((arg) => path.relative(PROJECT_ROOT, arg) || arg).join(' ')} ended with ${signal ?? `code ${code}`}\n${stderr.slice(-3000)}`,
          ),
        );
    });
  });
}

/** The SDK warns on Node 20 that it will soon need Node 22; Lambda (nodejs22.x) never prints it. */
function withoutNodeVersionWarning(text: string): string {
  return text.replace(
    /\(node:\d+\) Warning: NodeVersionSupportWarning:[\s\S]*?\(Use `node --trace-warnings[^\n]*\n?/g,
    '',
  );
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1] ?? 0;
}

function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function ms(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(1)} ms`;
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
