/** What run.ts and its invocation child (invoke-child.ts) say to each other. */

export const BENCH_FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:bench';
export const BENCH_RESULT_PREFIX = 'BENCH_RESULT ';

/** One Create: its task runs in `cluster` (scripted by the fake ECS), its answer goes to `responseUrl`. */
export interface BenchRun {
  id: string;
  cluster: string;
  responseUrl: string;
}

/** BENCH_SPEC, as JSON in the child's environment. */
export interface BenchSpec {
  bundle: string;
  lanes: { concurrency: number; runs: BenchRun[] }[];
  timeoutMs: number;
}

export interface ChildInvocation {
  id: string;
  handlerMs: number;
  error?: string;
}

export interface ChildReport {
  importMs: number;
  invocations: ChildInvocation[];
  timedOut: boolean;
  maxRssBytes: number;
  heapUsedBytes: number;
}
