/**
 * The runner's AWS ports for the scale benchmark, in-process and in virtual time: ECS is bench/fake-ecs.ts's core
 * behind ECS's documented token buckets (token-bucket.ts), reached through a model of the SDK's retries; Lambda's
 * asynchronous Invoke (the hand-off) starts a fresh invocation a moment later; the other services answer as on a
 * healthy account.
 */
import type { AwsPorts, EcsApi, StateTableApi } from '../src/aws/ports';
import type { FakeEcsCore } from './fake-ecs';
import { FakeAwsError } from './fake-ecs';
import type { EcsThrottle } from './token-bucket';
import type { VirtualTime } from './virtual-time';

/**
 * The SDK's standard retry mode as @smithy/core (the version installed here) implements it: 3 attempts; before a
 * retry after throttling it waits random() × min(1000 ms × 2^retries, 20 s) (util-retry: StandardRetryStrategy,
 * DefaultRetryBackoffStrategy, retries-2026-config). Its retry quota (500 tokens per client) is not modelled.
 */
export const SDK_MAX_ATTEMPTS = 3;
export const SDK_THROTTLING_DELAY_BASE_MS = 1000;
export const SDK_MAX_DELAY_MS = 20_000;

/** From the Lambda function to ECS and back. */
export const CALL_LATENCY_MS = 40;
/** From Lambda's asynchronous Invoke to the new invocation's start. */
export const HAND_OFF_DELAY_MS = 400;

/** What ECS was asked: every attempt, refused or not. */
export interface EcsAttempt {
  action: string;
  at: number;
  refused: boolean;
  taskArns: string[];
}

export interface SimulatedAccount {
  time: VirtualTime;
  ecs: FakeEcsCore;
  throttle: EcsThrottle;
  random: () => number;
  attempts: EcsAttempt[];
  /** Starts a new invocation of the runner with `event` (a hand-off payload). */
  invoke(event: unknown): void;
  /** The state table (STATE_TABLE_NAME); none: the runner runs without one. */
  stateTable?: StateTableApi;
  /** Told after every call ECS answered: what it may have changed (a task started or stopped). */
  afterEcsCall?: (action: string) => void;
}

const TIMESTAMPS = new Set(['createdAt', 'startedAt', 'stoppingAt', 'stoppedAt', 'pullStartedAt', 'pullStoppedAt']);

/** The JSON protocol's answer as the SDK returns it: timestamps as Dates, with `$metadata`. */
export function asSdkOutput(answer: unknown): unknown {
  const convert = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(convert);
    if (typeof value !== 'object' || value === null) return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [
        key,
        TIMESTAMPS.has(key) && typeof inner === 'number' ? new Date(inner * 1000) : convert(inner),
      ]),
    );
  };
  return { ...(convert(answer) as object), $metadata: { httpStatusCode: 200 } };
}

function sdkError(type: string, message: string): Error {
  return Object.assign(new Error(message), { name: type, $metadata: { httpStatusCode: 400 }, $fault: 'client' });
}

function taskArnsOf(action: string, input: Record<string, unknown>): string[] {
  if (action === 'DescribeTasks' && Array.isArray(input.tasks)) return input.tasks.map(String);
  if (action === 'StopTask' && typeof input.task === 'string') return [input.task];
  return [];
}

function ecsPort(account: SimulatedAccount): EcsApi {
  const { time, ecs, throttle, random, attempts } = account;
  const once = async (action: string, input: Record<string, unknown>): Promise<unknown> => {
    await time.sleep(CALL_LATENCY_MS / 2);
    const at = time.now();
    const tasks = action === 'RunTask' ? Number(input.count ?? 1) : 1;
    const admitted = throttle.admit(action, at, tasks);
    attempts.push({ action, at, refused: !admitted, taskArns: taskArnsOf(action, input) });
    await time.sleep(CALL_LATENCY_MS / 2);
    if (!admitted) throw sdkError('ThrottlingException', 'Rate exceeded');
    try {
      const answer = ecs.answer(action, input, at);
      if (answer === undefined) throw sdkError('UnknownOperationException', `${action} is not scripted`);
      account.afterEcsCall?.(action);
      return answer;
    } catch (error) {
      if (error instanceof FakeAwsError) throw sdkError(error.type, error.message);
      throw error;
    }
  };
  const call = async <T>(action: string, input: object): Promise<T> => {
    for (let retries = 0; ; retries++) {
      try {
        return asSdkOutput(await once(action, input as Record<string, unknown>)) as T;
      } catch (error) {
        const throttled = error instanceof Error && error.name === 'ThrottlingException';
        if (!throttled || retries + 1 >= SDK_MAX_ATTEMPTS) throw error;
        await time.sleep(
          Math.floor(random() * Math.min(SDK_THROTTLING_DELAY_BASE_MS * 2 ** retries, SDK_MAX_DELAY_MS)),
        );
      }
    }
  };
  return {
    runTask: (input) => call('RunTask', input),
    describeTasks: (input) => call('DescribeTasks', input),
    stopTask: (input) => call('StopTask', input),
    listTasks: (input) => call('ListTasks', input),
    describeTaskDefinition: (input) => call('DescribeTaskDefinition', input),
    listContainerInstances: (input) => call('ListContainerInstances', input),
    describeContainerInstances: (input) => call('DescribeContainerInstances', input),
  };
}

/** The ports of one account: every run of the benchmark shares its ECS buckets. */
export function simulatedPorts(account: SimulatedAccount, stackStatus: string): AwsPorts {
  const nothing = async () => ({ $metadata: {} });
  const ecs = ecsPort(account);
  return {
    ecs,
    // Polling is measured without the state table (STATE_TABLE_NAME unset), events with one.
    stateTable: async () => account.stateTable,
    ec2: async () => ({
      describeSubnets: nothing,
      describeSecurityGroups: nothing,
      describeRouteTables: nothing,
      describeVpcEndpoints: nothing,
      describeInstances: nothing,
      describeInstanceTypes: nothing,
    }),
    lambda: async () => ({
      invokeAsync: async (_functionArn: string, payload: string) => {
        account.invoke(JSON.parse(payload));
      },
      recursiveLoop: async () => 'Allow',
    }),
    // Requests come straight to the function, never through the topic: no resource is confirmed.
    cloudFormation: async () => ({ stackStatus: async () => stackStatus, stackResource: async () => undefined }),
    cloudFormationAs: async () => ({ stackStatus: async () => stackStatus, stackResource: async () => undefined }),
    logs: async () => ({
      lastLines: async () => [],
      pageBackward: async () => ({ events: [] }),
    }),
  };
}

/** The request's stack is still being created: nothing else would make the runner refuse it. */
export const CREATING = 'CREATE_IN_PROGRESS';
