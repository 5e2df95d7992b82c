// `npm run bench` (after `npm run build`): measures the bundle's cold import, its chunk sizes, the completion
// latency and DescribeTasks rate of real handler invocations against local fake AWS endpoints, and the peak RSS
// of one invocation. Prints a table and writes bench/results.json. Every loop is bounded in count and time.
import { spawn } from 'node:child_process';
import { readdir, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { DEPROVISIONING_MS, startFakeAws } from './fake-aws.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = path.join(root, 'bench');
const bundleDir = path.join(root, 'dist', 'ecs-task-runner');
const bundle = path.join(bundleDir, 'index.mjs');

const settings = {
  coldImportRuns: 20,
  latencyRuns: 25,
  latencyConcurrency: 5,
  shortExitSeconds: [3, 8],
  longExitSeconds: [60, 70],
  rssExitSeconds: 1,
  childTimeoutMs: 150_000,
  /** The whole benchmark gives up after this (its children are killed): normally it takes about 80 s. */
  overallTimeoutMs: 230_000,
};
const targets = { importRatio: 0.15, entryBytes: 350 * 1024, p95Ms: 3000, callsPerTaskMinute: 24, handOffs: 0, rssBytes: 128 * 1024 * 1024 };

const seed = Number(process.env.BENCH_SEED ?? Date.now() % 2 ** 31);
const random = mulberry32(seed);
const benchStarted = performance.now();
const children = new Set();
setTimeout(() => {
  console.error(`bench: not done after ${settings.overallTimeoutMs / 1000} s; giving up`);
  for (const child of children) child.kill('SIGKILL');
  process.exit(2);
}, settings.overallTimeoutMs).unref();

const awsEnv = (endpoint) => ({
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
  AWS_ENDPOINT_URL_LAMBDA: endpoint,
  AWS_ENDPOINT_URL_CLOUDFORMATION: endpoint,
  AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: endpoint,
  RESPONSE_URL_ALLOWED_HOSTS: '127.0.0.1',
  POWERTOOLS_LOG_LEVEL: 'WARN',
});
const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(NODE_OPTIONS|AWS_.*|POWERTOOLS_.*)$/.test(key)));

const sizes = await measureSizes();
const coldImport = await measureColdImport();
const plans = new Map();
const server = await startFakeAws({ plan: (cluster) => plans.get(cluster) });
let rss;
let latency;
try {
  rss = await measurePeakRss();
  latency = await measureLatency();
} finally {
  await server.close();
}

const rows = [
  row('Cold import, bundle (median, import only)', ms(coldImport.bundle.median.importMs)),
  row('Cold import, SDK baseline (median, import only)', ms(coldImport.baseline.median.importMs)),
  row('Cold import ratio bundle / baseline (import only)', coldImport.ratio.importMs.toFixed(4), `≤ ${targets.importRatio}`, coldImport.ratio.importMs <= targets.importRatio),
  row('  of which Node built-ins the bundle imports (floor)', ms(coldImport.builtins.median.importMs)),
  row('  from process start: bundle / baseline / ratio', `${ms(coldImport.bundle.median.sinceStartMs)} / ${ms(coldImport.baseline.median.sinceStartMs)} / ${coldImport.ratio.sinceStartMs.toFixed(3)}`),
  row('  process wall time: bundle / baseline / ratio', `${ms(coldImport.bundle.median.wallMs)} / ${ms(coldImport.baseline.median.wallMs)} / ${coldImport.ratio.wallMs.toFixed(3)}`),
  row('Entry chunk index.mjs', kb(sizes.entryBytes), `≤ ${kb(targets.entryBytes)}`, sizes.entryBytes <= targets.entryBytes),
  row(`Loaded statically by index.mjs (${sizes.static.length} files)`, kb(sizes.staticBytes)),
  row(`Lazy chunks (${sizes.lazy.length} files; largest ${sizes.lazy[0]?.file ?? '-'} ${kb(sizes.lazy[0]?.bytes ?? 0)})`, kb(sizes.lazyBytes)),
  row(`Completion latency p50 (${latency.runs.length} runs, ${settings.latencyConcurrency} at a time)`, ms(latency.p50Ms)),
  row('Completion latency p95', ms(latency.p95Ms), `≤ ${ms(targets.p95Ms)}`, latency.p95Ms <= targets.p95Ms),
  row(`DescribeTasks per task-minute (${latency.long.describeCalls} calls in ${(latency.long.taskMs / 1000).toFixed(1)} s)`, latency.long.callsPerTaskMinute.toFixed(1), `≤ ${targets.callsPerTaskMinute}`, latency.long.callsPerTaskMinute <= targets.callsPerTaskMinute),
  row('Answered SUCCESS before the task was STOPPED', `${latency.earlyAnswers} / ${latency.answered} runs`, `${latency.expected} / ${latency.expected}`, latency.earlyAnswers === latency.expected),
  row('Hand-offs (Lambda Invoke calls)', String(latency.handOffs), String(targets.handOffs), latency.handOffs === targets.handOffs),
  row('Peak RSS of one invocation (maxRSS)', mb(rss.maxRssBytes), `≤ ${mb(targets.rssBytes)} (Lambda 128 MB)`, rss.maxRssBytes <= targets.rssBytes),
];

const table = markdownTable(rows);
console.log(`\n${table}\n`);
console.log(`Static chunks: ${sizes.static.map((c) => `${c.file} ${kb(c.bytes)}`).join(', ')}`);
console.log(`Lazy chunks:   ${sizes.lazy.map((c) => `${c.file} ${kb(c.bytes)}`).join(', ')}`);
const cpus = os.cpus();
const results = {
  date: new Date().toISOString(),
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  cpus: cpus.length,
  cpuModel: cpus[0]?.model?.trim() ?? 'unknown',
  seed,
  settings,
  targets,
  durationSeconds: round((performance.now() - benchStarted) / 1000),
  table: rows,
  coldImport,
  sizes,
  latency,
  peakRss: rss,
};
await writeFile(path.join(benchDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nWrote bench/results.json (seed ${seed}, ${results.durationSeconds} s)`);
const missed = rows.filter((r) => r.met === false);
if (missed.length > 0) console.log(`Missed: ${missed.map((r) => r.figure).join('; ')}`);
if (latency.problems.length > 0) {
  console.log(`Problems:\n  ${latency.problems.join('\n  ')}`);
  process.exitCode = 1;
}

// ---------------------------------------------------------------------------------------------------------------

/** The entry chunk, what it loads statically (its import statements, followed), and the rest: lazy chunks. */
async function measureSizes() {
  const files = (await readdir(bundleDir)).filter((file) => file.endsWith('.mjs')).sort();
  const bytes = new Map(await Promise.all(files.map(async (file) => [file, (await stat(path.join(bundleDir, file))).size])));
  // esbuild reads the built chunks back and reports every import with its kind (statement or dynamic import()).
  const { metafile } = await build({
    entryPoints: [bundle],
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'node',
    splitting: true,
    outdir: path.join(os.tmpdir(), 'ecs-task-runner-bench-scan'),
    logLevel: 'silent',
  });
  const inputs = Object.fromEntries(Object.entries(metafile.inputs).map(([file, info]) => [path.resolve(root, file), info]));
  const statics = new Set(['index.mjs']);
  const builtins = new Set();
  const queue = ['index.mjs'];
  while (queue.length > 0) {
    const file = queue.shift();
    for (const imported of inputs[path.join(bundleDir, file)]?.imports ?? []) {
      if (imported.kind !== 'import-statement') continue;
      if (imported.external) {
        builtins.add(imported.path);
        continue;
      }
      const sibling = path.relative(bundleDir, path.resolve(root, imported.path));
      if (!statics.has(sibling)) {
        statics.add(sibling);
        queue.push(sibling);
      }
    }
  }
  const describe = (file) => ({ file, bytes: bytes.get(file) ?? 0 });
  const bySize = (a, b) => b.bytes - a.bytes || a.file.localeCompare(b.file);
  const staticFiles = [...statics].map(describe).sort(bySize);
  const lazy = files.filter((file) => !statics.has(file)).map(describe).sort(bySize);
  const sum = (list) => list.reduce((total, c) => total + c.bytes, 0);
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
async function measureColdImport() {
  const env = { ...baseEnv, ...awsEnv('http://127.0.0.1:9') };
  const subjects = { bundle: [bundle], baseline: [], builtins: sizes.builtinsImportedStatically };
  const samples = { bundle: [], baseline: [], builtins: [] };
  for (let i = -1; i < settings.coldImportRuns; i++) {
    const names = Object.keys(subjects);
    const order = names.map((_, k) => names[(k + i + 1) % names.length]);
    for (const what of order) {
      const started = performance.now();
      const { stdout } = await runChild([path.join(benchDir, 'cold-import.mjs'), what, ...subjects[what]], env, 30_000);
      const wallMs = performance.now() - started;
      const report = JSON.parse(stdout.trim().split('\n').pop());
      if (i >= 0) samples[what].push({ importMs: round(report.loadedAt - report.startedAt, 2), sinceStartMs: round(report.loadedAt, 2), wallMs: round(wallMs, 2) });
    }
  }
  const summary = (list) => ({
    median: {
      importMs: round(median(list.map((s) => s.importMs))),
      sinceStartMs: round(median(list.map((s) => s.sinceStartMs))),
      wallMs: round(median(list.map((s) => s.wallMs))),
    },
    samples: list,
  });
  const bundleSummary = summary(samples.bundle);
  const baselineSummary = summary(samples.baseline);
  // From the medians before rounding, so that a ratio just above the target is not rounded onto it.
  const ratio = (key) => round(median(samples.bundle.map((s) => s[key])) / median(samples.baseline.map((s) => s[key])), 4);
  return {
    runs: settings.coldImportRuns,
    importMsIs: 'performance.now() after the import minus performance.now() at the top of the child script (Node bootstrap excluded)',
    sinceStartMsIs: 'performance.now() after the import: from process start',
    baselineIs: "require('@aws-sdk/client-ecs') and require('@aws-sdk/client-ec2') (unbundled), new ECSClient({}), new EC2Client({})",
    builtinsIs: `import of ${sizes.builtinsImportedStatically.join(', ')} only`,
    bundle: bundleSummary,
    baseline: baselineSummary,
    builtins: summary(samples.builtins),
    ratio: { importMs: ratio('importMs'), sinceStartMs: ratio('sinceStartMs'), wallMs: ratio('wallMs') },
  };
}

/** One fresh process, one Create with a short task: the most memory one invocation takes. */
async function measurePeakRss() {
  plans.set('bench-rss', { runId: 'rss', exitAfterMs: settings.rssExitSeconds * 1000 });
  const report = await runInvocations({ lanes: [{ concurrency: 1, runs: [{ id: 'rss', cluster: 'bench-rss' }] }], timeoutMs: 30_000 });
  const response = server.responses.get('rss');
  if (response?.body?.Status !== 'SUCCESS') throw new Error(`The peak-RSS run did not succeed: ${JSON.stringify(response?.body)}`);
  return { maxRssBytes: report.maxRssBytes, heapUsedBytes: report.heapUsedBytes, importMs: round(report.importMs) };
}

/**
 * Short tasks (exit after 3–8 s, a random phase of the poll cycle), `latencyConcurrency` at a time, beside one
 * task of over a minute that gives the DescribeTasks rate. Latency: the scripted exit instant to the arrival of
 * the response PUT, both on this process's clock.
 */
async function measureLatency() {
  const uniform = ([low, high]) => Math.round((low + random() * (high - low)) * 1000);
  const short = Array.from({ length: settings.latencyRuns }, (_, i) => ({ id: `short-${String(i + 1).padStart(2, '0')}`, exitAfterMs: uniform(settings.shortExitSeconds) }));
  const long = { id: 'long', exitAfterMs: uniform(settings.longExitSeconds) };
  for (const run of [...short, long]) plans.set(`bench-${run.id}`, { runId: run.id, exitAfterMs: run.exitAfterMs });
  const toRun = (run) => ({ id: run.id, cluster: `bench-${run.id}` });
  const report = await runInvocations({
    lanes: [
      { concurrency: 1, runs: [toRun(long)] },
      { concurrency: settings.latencyConcurrency, runs: short.map(toRun) },
    ],
    timeoutMs: settings.childTimeoutMs - 10_000,
  });

  const problems = [];
  if (report.timedOut) problems.push('The invocations did not finish in time');
  for (const invocation of report.invocations) if (invocation.error) problems.push(`${invocation.id}: the handler threw ${invocation.error}`);
  for (const request of server.unexpected) problems.push(`Unexpected request to the fake endpoints: ${JSON.stringify(request)}`);
  const measured = [...short, long].map((run) => {
    const task = [...server.tasks.values()].find((t) => t.runId === run.id);
    const response = server.responses.get(run.id);
    if (!task || !response) {
      problems.push(`${run.id}: ${task ? 'no response arrived' : 'RunTask never came'}`);
      return undefined;
    }
    if (response.body?.Status !== 'SUCCESS') problems.push(`${run.id}: answered ${response.body?.Status}: ${response.body?.Reason}`);
    if (response.count !== 1) problems.push(`${run.id}: answered ${response.count} times`);
    // The presigned URL is signed without a content type, and S3 wants the byte length.
    if (response.headers['content-type'] !== '' || response.headers['content-length'] !== String(response.bytes)) {
      problems.push(`${run.id}: the response PUT had content-type ${JSON.stringify(response.headers['content-type'])}, content-length ${response.headers['content-length']} for ${response.bytes} bytes`);
    }
    const calls = server.describeCalls.filter((c) => c.taskArns.includes(task.arn) && c.at >= task.runAt && c.at <= response.at).map((c) => c.at);
    const lastCallBeforeExit = calls.filter((at) => at < task.exitAt).pop() ?? task.runAt;
    return {
      id: run.id,
      exitAfterMs: run.exitAfterMs,
      // How far into the poll cycle the container exited: ms since the last DescribeTasks before the exit.
      exitPhaseMs: round(task.exitAt - lastCallBeforeExit),
      latencyMs: round(response.at - task.exitAt),
      describeCalls: calls.length,
      taskMs: round(response.at - task.runAt),
      status: response.body?.Status,
      answeredBeforeTaskStopped: response.at < task.exitAt + DEPROVISIONING_MS,
    };
  });
  const done = measured.filter((m) => m !== undefined);
  const shortDone = done.filter((m) => m.id !== 'long');
  const latencies = shortDone.map((m) => m.latencyMs);
  const longRun = done.find((m) => m.id === 'long');
  if (!longRun) throw new Error(`The long run gave no result:\n${problems.join('\n')}`);
  if (latencies.length === 0) throw new Error(`No short run gave a result:\n${problems.join('\n')}`);
  return {
    percentiles: 'nearest rank, over the short runs',
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    maxMs: Math.max(...latencies),
    runs: shortDone,
    long: { ...longRun, callsPerTaskMinute: round(longRun.describeCalls / (longRun.taskMs / 60_000), 2) },
    answered: done.length,
    expected: short.length + 1,
    earlyAnswers: done.filter((m) => m.answeredBeforeTaskStopped && m.status === 'SUCCESS').length,
    // Over every invocation of the benchmark, the peak-RSS one included.
    handOffs: server.lambdaInvokes.length,
    calls: { ...server.calls },
    handlerImportMs: round(report.importMs),
    problems,
  };
}

async function runInvocations({ lanes, timeoutMs }) {
  const env = { ...baseEnv, ...awsEnv(server.endpoint), BENCH_SPEC: JSON.stringify({ bundle, endpoint: server.endpoint, lanes, timeoutMs }) };
  const { stdout, stderr } = await runChild([path.join(benchDir, 'invoke.mjs')], env, timeoutMs + 10_000);
  const line = stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
  if (!line) throw new Error(`The invocation child reported nothing.\nstdout:\n${stdout.slice(-3000)}\nstderr:\n${stderr.slice(-3000)}`);
  const logLines = withoutNodeVersionWarning(`${stdout}\n${stderr}`)
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('BENCH_RESULT '));
  if (logLines.length > 0) console.log(`Handler log (warnings and errors):\n  ${logLines.slice(0, 20).join('\n  ')}`);
  return JSON.parse(line.slice('BENCH_RESULT '.length));
}

/** Runs `node <args>` and collects its output; kills it (by its own pid) if it outlives `timeoutMs`. */
function runChild(args, env, timeoutMs) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      children.delete(child);
      clearTimeout(timer);
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`node ${args.map((a) => path.relative(root, a) || a).join(' ')} ended with ${signal ?? `code ${code}`}\n${stderr.slice(-3000)}`));
    });
  });
}

/** The SDK warns on Node 20 that it will soon need Node 22; Lambda (nodejs22.x) never prints it. */
function withoutNodeVersionWarning(text) {
  return text.replace(/\(node:\d+\) Warning: NodeVersionSupportWarning:[\s\S]*?\(Use `node --trace-warnings[^\n]*\n?/g, '');
}

function row(figure, value, target = '—', met = null) {
  return { figure, value, target, met };
}

function markdownTable(list) {
  const cells = list.map((r) => [r.figure, r.value, r.target, r.met === null ? '—' : r.met ? 'yes' : '**no**']);
  const header = ['Figure', 'Value', 'Target', 'Met'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c) => `| ${c.map((v, i) => v.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1];
}

function round(value, digits = 1) {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function ms(value) {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(1)} ms`;
}

function kb(bytes) {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

function mb(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A small seeded generator, so that a run's exit times can be repeated with BENCH_SEED. */
function mulberry32(state) {
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
