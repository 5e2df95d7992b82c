/**
 * Child process (bundled to dist/bench/ by run.ts and run with plain node, so that no TypeScript loader is in the
 * figures): imports the bundle (its SDK clients are built at import, so the parent sets the environment before this
 * process starts) and runs CloudFormation Create invocations of the handler against the local fake endpoints.
 * Lanes run side by side; within a lane at most `concurrency` invocations run at once. Reports one line
 * `BENCH_RESULT <json>` on stdout (the handler's own logs may share stdout).
 */
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { createRequest } from '../scripts/local/cloudformation';
import { lambdaContext } from '../scripts/local/lambda-context';
import {
  BENCH_FUNCTION_ARN,
  BENCH_RESULT_PREFIX,
  type BenchRun,
  type BenchSpec,
  type ChildInvocation,
  type ChildReport,
} from './protocol';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

const LAMBDA_TIMEOUT_MS = 900_000;

async function main(): Promise<ChildReport> {
  const spec = JSON.parse(process.env.BENCH_SPEC ?? '{}') as BenchSpec;
  const importStart = performance.now();
  const { handler } = (await import(pathToFileURL(spec.bundle).href)) as { handler: Handler };
  const importMs = performance.now() - importStart;

  const invoke = async (run: BenchRun): Promise<ChildInvocation> => {
    const event = createRequest({
      serviceToken: BENCH_FUNCTION_ARN,
      responseUrl: run.responseUrl,
      stackId: `arn:aws:cloudformation:us-east-1:123456789012:stack/bench-${run.id}/${run.id}`,
      logicalResourceId: 'MigrateTask',
      properties: {
        Cluster: run.cluster,
        TaskDefinition: 'bench-migrate',
        Subnets: ['subnet-1'],
        SecurityGroups: ['sg-1'],
        LaunchType: 'FARGATE',
      },
    });
    const started = performance.now();
    try {
      await handler(
        event,
        lambdaContext({ functionArn: BENCH_FUNCTION_ARN, timeoutMs: LAMBDA_TIMEOUT_MS, memoryLimitInMB: '128' }),
      );
      return { id: run.id, handlerMs: performance.now() - started };
    } catch (error) {
      return { id: run.id, handlerMs: performance.now() - started, error: String(error) };
    }
  };

  const runLane = async (lane: BenchSpec['lanes'][number]): Promise<ChildInvocation[]> => {
    const queue = [...lane.runs];
    const results: ChildInvocation[] = [];
    const worker = async (): Promise<void> => {
      for (let run = queue.shift(); run; run = queue.shift()) results.push(await invoke(run));
    };
    await Promise.all(Array.from({ length: Math.max(1, lane.concurrency) }, worker));
    return results;
  };

  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), spec.timeoutMs);
  });
  const outcome = await Promise.race([Promise.all(spec.lanes.map(runLane)).then((lanes) => lanes.flat()), timedOut]);
  clearTimeout(timer);
  return {
    importMs,
    invocations: outcome === 'timeout' ? [] : outcome,
    timedOut: outcome === 'timeout',
    // resourceUsage().maxRSS is in kilobytes.
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    heapUsedBytes: process.memoryUsage().heapUsed,
  };
}

main().then(
  (report) =>
    // Keep-alive sockets of the SDK clients would hold the process open.
    process.stdout.write(`\n${BENCH_RESULT_PREFIX}${JSON.stringify(report)}\n`, () => process.exit(0)),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
