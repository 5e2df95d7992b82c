// Child process: imports the bundle (its SDK clients are built at import, so the parent sets the environment
// before this process starts) and runs CloudFormation Create invocations of the handler against the local fake
// endpoints. BENCH_SPEC (JSON): { bundle, endpoint, lanes: [{ concurrency, runs: [{ id, cluster }] }], timeoutMs }.
// Lanes run side by side; within a lane at most `concurrency` invocations run at once.
// Reports one line `BENCH_RESULT <json>` on stdout (the handler's own logs may share stdout).
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';

const spec = JSON.parse(process.env.BENCH_SPEC ?? '{}');
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:bench';
const LAMBDA_TIMEOUT_MS = 900_000;

const importStart = performance.now();
const { handler } = await import(pathToFileURL(spec.bundle).href);
const importMs = performance.now() - importStart;

function createEvent(run) {
  const stackId = `arn:aws:cloudformation:us-east-1:123456789012:stack/bench-${run.id}/${randomUUID()}`;
  return {
    RequestType: 'Create',
    ServiceToken: FUNCTION_ARN,
    ResponseURL: `${spec.endpoint}/response/${encodeURIComponent(run.id)}?X-Amz-Signature=x`,
    StackId: stackId,
    RequestId: randomUUID(),
    LogicalResourceId: 'MigrateTask',
    ResourceType: 'Custom::ECSTaskRunner',
    ResourceProperties: {
      ServiceToken: FUNCTION_ARN,
      Cluster: run.cluster,
      TaskDefinition: 'bench-migrate',
      Subnets: ['subnet-1'],
      SecurityGroups: ['sg-1'],
      LaunchType: 'FARGATE',
    },
  };
}

function createContext() {
  const start = Date.now();
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'bench',
    functionVersion: '$LATEST',
    invokedFunctionArn: FUNCTION_ARN,
    memoryLimitInMB: '128',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/bench',
    logStreamName: 'bench',
    getRemainingTimeInMillis: () => LAMBDA_TIMEOUT_MS - (Date.now() - start),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

async function invoke(run) {
  const started = performance.now();
  try {
    await handler(createEvent(run), createContext());
    return { id: run.id, handlerMs: performance.now() - started };
  } catch (error) {
    return { id: run.id, handlerMs: performance.now() - started, error: String(error) };
  }
}

async function runLane(lane) {
  const queue = [...lane.runs];
  const results = [];
  const worker = async () => {
    for (let run = queue.shift(); run; run = queue.shift()) results.push(await invoke(run));
  };
  await Promise.all(Array.from({ length: Math.max(1, lane.concurrency) }, worker));
  return results;
}

let timer;
const timedOut = new Promise((resolve) => {
  timer = setTimeout(() => resolve('timeout'), spec.timeoutMs ?? 120_000);
});
const outcome = await Promise.race([Promise.all((spec.lanes ?? []).map(runLane)).then((lanes) => lanes.flat()), timedOut]);
clearTimeout(timer);

const usage = process.resourceUsage();
const memory = process.memoryUsage();
process.stdout.write(
  `\nBENCH_RESULT ${JSON.stringify({
    importMs,
    invocations: outcome === 'timeout' ? [] : outcome,
    timedOut: outcome === 'timeout',
    // resourceUsage().maxRSS is in kilobytes.
    maxRssBytes: usage.maxRSS * 1024,
    heapUsedBytes: memory.heapUsed,
  })}\n`,
  // Keep-alive sockets of the SDK clients would hold the process open.
  () => process.exit(0),
);
