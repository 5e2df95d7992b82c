/**
 * `npm run bench -- --scale`: many stacks of one account migrating at once (a platform team's release train). Every
 * run is a real Create through the runner's core (answerCloudFormation, hand-offs included) against the benchmark's
 * fake ECS behind ECS's documented token buckets, in virtual time: 40-minute tasks take seconds to simulate.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import type { Task } from '@aws-sdk/client-ecs';
import { answerCloudFormation } from '../src/requests/answer-cloudformation';
import { answerEcsEvent } from '../src/requests/answer-ecs-event';
import { deliveryOf } from '../src/runtime/sns-notification';
import { SWEEP_INPUT } from '../src/runtime/sweep-input';
import { sweep } from '../src/sweep/sweep';
import type { HttpPut } from '../src/response/http-put';
import type { Log } from '../src/runtime/log';
import { createRequest } from '../scripts/local/cloudformation';
import { taskStateChange } from '../scripts/local/task-state-change';
// The runner's tests keep the state table in memory with DynamoDB's conditional write; the benchmark uses the same.
import { MemoryStateTable } from '../test/support/fakes';
import { EVENT_DELIVERY, type EventDeliveryModel, planEventDeliveries } from './event-delivery';
import { createFakeEcsCore, type FakeTask, taskTransitions, type TaskScript, view } from './fake-ecs';
import {
  type ArrivalLatency,
  type BandCalls,
  type BandLatency,
  callsAfterAge,
  callsByAge,
  type DescribeAttempt,
  latencyByAge,
  latencyFromArrival,
  percentile,
  type WatchedTask,
} from './scale-accounting';
import {
  asSdkOutput,
  CREATING,
  type EcsAttempt,
  HAND_OFF_DELAY_MS,
  type SimulatedAccount,
  simulatedPorts,
} from './scale-ports';
import { seededRandom } from './seeded-random';
import { EcsThrottle } from './token-bucket';
import { VirtualTime } from './virtual-time';

const START = Date.UTC(2026, 10, 25, 12, 0, 0);
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:ecs-task-runner';
const LAMBDA_TIMEOUT_MS = 900_000;
/** The simulation gives up after this much simulated time: every run has answered long before. */
const SIMULATED_LIMIT_MS = 3 * 3_600_000;
const MINUTE = 60_000;
/**
 * With events, a run is watched by the invocation that started it for about a minute, then parked: DescribeTasks
 * calls about older tasks are the ones parking should save.
 */
export const PARKED_FROM_AGE_MS = 60_000;
/** Lambda's asynchronous invocation: two retries, after about one minute and then two. */
const LAMBDA_ASYNC_RETRY_DELAYS_MS = [MINUTE, 2 * MINUTE];
/** infra/task-runner.yml's SweepSchedule: rate(5 minutes). */
const SWEEP_EVERY_MS = 5 * MINUTE;
/** Whose Lambda time a sweep's invocation is: no run's. */
const SWEEP = 'sweep';
/** The target: answered within this long of the event's arrival. */
export const ANSWER_AFTER_ARRIVAL_MS = 3000;

/** How a run learns that its task stopped: by polling (no state table, no events), or by ECS events. */
export type Completion = 'polling' | 'events';

export interface ScaleSettings {
  runs: number;
  /** Runs start at random instants within this many minutes. */
  spreadMinutes: number;
  seed: number;
  /** Every run's PollInterval property; undefined: not set (the default schedule). */
  pollInterval?: string;
  /** Default polling. */
  completion?: Completion;
  /** With events: how they are delivered; default EVENT_DELIVERY. */
  eventDelivery?: EventDeliveryModel;
}

/** How long the tasks run: most migrations are short, some long. */
export const TASK_LENGTH_MIX = [
  { share: 0.5, fromMinutes: 0.2, toMinutes: 5 },
  { share: 0.3, fromMinutes: 5, toMinutes: 30 },
  { share: 0.2, fromMinutes: 30, toMinutes: 40 },
] as const;

export interface RunPlan {
  id: string;
  cluster: string;
  startAt: number;
  exitAfterMs: number;
}

export interface RunResult {
  id: string;
  exitAfterMs: number;
  status?: string;
  reason?: string;
  /** The runner called StopTask on the run's task. */
  stopped: boolean;
}

export interface ScaleOutcome {
  settings: ScaleSettings;
  simulatedMinutes: number;
  wallSeconds: number;
  /** Calls ECS refused (ThrottlingException), by action; every attempt of the SDK's retries counts. */
  refused: Record<string, number>;
  accepted: Record<string, number>;
  /** Runs answered FAILED, not answered, or whose task the runner stopped. */
  failedOrStopped: RunResult[];
  /** Of those, the ones whose Reason names throttling. */
  failedByThrottling: number;
  handOffs: number;
  callsByAge: BandCalls[];
  latencyByAge: BandLatency[];
  /** Warnings and errors the runner logged, by message. */
  logged: Record<string, number>;
  errors: string[];
  /** DescribeTasks about tasks older than PARKED_FROM_AGE_MS, per task-minute at that age. */
  describeAfterParking: { calls: number; afterTheAnswer: number; taskMinutes: number; callsPerTaskMinute: number };
  /** Lambda time per run: its request's invocation, its hand-offs and the invocations its task's events started. */
  invocationSecondsPerRun: { mean: number; p95: number; max: number };
  /** How many answers each run got: exactly one is the only right number. */
  answersPerRun: { none: number; one: number; more: number };
  /** With events: what the model delivered, and how soon after the first event of the exit each run was answered. */
  events?: {
    delivered: number;
    duplicates: number;
    lost: number;
    invocations: number;
    /** Invocations that threw and that Lambda's asynchronous retries delivered again. */
    retried: number;
    latencyFromArrival: ArrivalLatency;
  };
}

export function planRuns(settings: ScaleSettings, random: () => number): RunPlan[] {
  return Array.from({ length: settings.runs }, (_, i) => {
    let pick = random();
    // The last band, should rounding leave the shares short of 1.
    const length = TASK_LENGTH_MIX.find((candidate) => (pick -= candidate.share) < 0) ?? TASK_LENGTH_MIX[2];
    const minutes = length.fromMinutes + random() * (length.toMinutes - length.fromMinutes);
    const id = `run-${String(i + 1).padStart(3, '0')}`;
    return {
      id,
      cluster: `scale-${id}`,
      startAt: START + Math.round(random() * settings.spreadMinutes * MINUTE),
      exitAfterMs: Math.round(minutes * MINUTE),
    };
  });
}

export async function simulateScale(settings: ScaleSettings): Promise<ScaleOutcome> {
  const wallStart = performance.now();
  const random = seededRandom(settings.seed);
  const time = new VirtualTime(START);
  const plans = planRuns(settings, random);
  const scripts = new Map<string, TaskScript>(
    plans.map((plan) => [plan.cluster, { runId: plan.id, exitAfterMs: plan.exitAfterMs }]),
  );
  const ecs = createFakeEcsCore((cluster) => scripts.get(cluster));
  const throttle = new EcsThrottle(START);
  const attempts: EcsAttempt[] = [];
  const answers = new Map<string, { at: number; body: string }>();
  const answerCounts = new Map<string, number>();
  const runByPath = new Map<string, string>();
  const events = settings.completion === 'events';
  // Which run an invocation works for: a hand-off inherits it from the invocation that made it.
  const working = new AsyncLocalStorage<string>();
  const invocationMs = new Map<string, number>();
  const logged: Record<string, number> = {};
  let handOffs = 0;

  const log: Log = {
    debug: () => {},
    info: () => {},
    warn: (message) => {
      logged[message] = (logged[message] ?? 0) + 1;
    },
    error: (message) => {
      logged[message] = (logged[message] ?? 0) + 1;
    },
  };
  const http: HttpPut = async (url, body) => {
    const id = runByPath.get(url.pathname);
    if (id !== undefined) answerCounts.set(id, (answerCounts.get(id) ?? 0) + 1);
    if (id !== undefined && !answers.has(id)) answers.set(id, { at: time.now(), body });
    return { statusCode: 200, body: '' };
  };
  const account: SimulatedAccount = {
    time,
    ecs,
    throttle,
    random,
    attempts,
    invoke: (event) => {
      handOffs += 1;
      const runId = working.getStore() ?? 'unknown';
      time.spawn(time.now() + HAND_OFF_DELAY_MS, () => invocation(runId, event));
    },
    ...(events ? { stateTable: new MemoryStateTable(), afterEcsCall: () => scheduleEvents() } : {}),
  };
  const aws = simulatedPorts(account, CREATING);
  /** One invocation of the handler, routed as handlers/ecs-task-runner.ts routes it. */
  const invocation = async (runId: string, event: unknown): Promise<void> => {
    const began = time.now();
    const deps = {
      aws,
      clock: time,
      invocation: { functionArn: FUNCTION_ARN, remainingTimeMs: () => began + LAMBDA_TIMEOUT_MS - time.now() },
      log,
      http,
      // EVENT_DRIVEN_COMPLETION: 'true' with events, as the template sets it; polling runs have no table anyway.
      eventDriven: events,
    };
    try {
      await working.run(runId, async () => {
        const delivery = deliveryOf(event);
        if (delivery.kind === 'ecs-event') await answerEcsEvent(delivery.event, deps);
        else if (delivery.kind === 'sweep')
          // With events, the sweep also wakes parked runs not heard from (a lost event), as the handler has it.
          await sweep({
            ecs: aws.ecs,
            clock: time,
            log,
            clusters: sweepClusters,
            ...(events ? { parkedRuns: deps } : {}),
          });
        else await answerCloudFormation(delivery.kind === 'topic' ? delivery.message : delivery.event, deps);
      });
    } finally {
      invocationMs.set(runId, (invocationMs.get(runId) ?? 0) + time.now() - began);
    }
  };

  // Events: each task's deliveries are planned when it starts, and again when a StopTask moves its exit.
  const plannedExit = new Map<string, number>();
  const eventCounts = { delivered: 0, duplicates: 0, lost: 0, invocations: 0, retried: 0 };
  const firstArrival = new Map<string, number>();
  /**
   * Lambda's asynchronous invocation retries an event whose invocation threw twice, about a minute and then two
   * after ("Error handling and automatic retries in Lambda"); the runner throws when an AWS call failed before it
   * recorded anything, so that the event comes again.
   */
  const invokeForEvent = async (runId: string, event: unknown, retries: number): Promise<void> => {
    eventCounts.invocations += 1;
    try {
      await invocation(runId, event);
    } catch (error) {
      if (retries >= LAMBDA_ASYNC_RETRY_DELAYS_MS.length) throw error;
      eventCounts.retried += 1;
      time.spawn(time.now() + (LAMBDA_ASYNC_RETRY_DELAYS_MS[retries] ?? 0), () =>
        invokeForEvent(runId, event, retries + 1),
      );
    }
  };
  const scheduleEvents = (): void => {
    for (const task of ecs.tasks.values()) {
      if (plannedExit.get(task.arn) === task.exitAt) continue;
      plannedExit.set(task.arn, task.exitAt);
      const plan = planEventDeliveries(taskTransitions(task), random, settings.eventDelivery ?? EVENT_DELIVERY);
      eventCounts.lost += plan.lost.length;
      for (const delivery of plan.deliveries) {
        const exitAt = task.exitAt;
        const id = randomUUIDFrom(random);
        time.spawn(delivery.arriveAt, async () => {
          // A StopTask moved the exit after this was planned: the new plan delivers the task's events.
          if (task.exitAt !== exitAt) return;
          eventCounts.delivered += 1;
          if (delivery.duplicate) eventCounts.duplicates += 1;
          if (!firstArrival.has(task.arn)) firstArrival.set(task.arn, time.now());
          const event = taskStateChange(asSdkTask(task, delivery.transition.at), {
            version: delivery.transition.version,
            time: new Date(delivery.transition.at),
            id,
          });
          await invokeForEvent(task.runId, event, 0);
        });
      }
    }
  };

  // The runner template's SweepSchedule: every 5 minutes, over the clusters the runner may use (SWEEP_CLUSTERS).
  const sweepClusters = plans.map((plan) => plan.cluster).join(',');
  const scheduleSweep = (at: number): void =>
    time.spawn(at, async () => {
      // Once every run is answered nothing is left to sweep, and the simulation may end.
      if (answers.size >= plans.length) return;
      scheduleSweep(at + SWEEP_EVERY_MS);
      await invocation(SWEEP, SWEEP_INPUT);
    });
  scheduleSweep(START + SWEEP_EVERY_MS);

  for (const plan of plans) {
    const stackId = `arn:aws:cloudformation:us-east-1:123456789012:stack/app-${plan.id}/${randomUUIDFrom(random)}`;
    const requestId = randomUUIDFrom(random);
    const url = responseUrl(stackId, requestId, plan.startAt);
    runByPath.set(new URL(url).pathname, plan.id);
    const request = createRequest({
      serviceToken: FUNCTION_ARN,
      responseUrl: url,
      stackId,
      requestId,
      logicalResourceId: 'MigrateTask',
      properties: {
        Cluster: plan.cluster,
        TaskDefinition: 'bench-migrate',
        Subnets: ['subnet-1'],
        SecurityGroups: ['sg-1'],
        LaunchType: 'FARGATE',
        ...(settings.pollInterval === undefined ? {} : { PollInterval: settings.pollInterval }),
      },
    });
    time.spawn(plan.startAt, () => invocation(plan.id, request));
  }
  await time.run(START + SIMULATED_LIMIT_MS);

  const tasks = [...ecs.tasks.values()];
  const watched: WatchedTask[] = tasks.map((task) => {
    const answer = answers.get(task.runId);
    return {
      taskArn: task.arn,
      runAt: task.runAt,
      exitAt: task.exitAt,
      ...(answer ? { answeredAt: answer.at } : {}),
    };
  });
  const describeAttempts: DescribeAttempt[] = attempts
    .filter((attempt) => attempt.action === 'DescribeTasks')
    .map(({ at, taskArns }) => ({ at, taskArns }));
  const results: RunResult[] = plans.map((plan) => {
    const answer = answers.get(plan.id);
    const body = answer ? (JSON.parse(answer.body) as { Status?: string; Reason?: string }) : undefined;
    return {
      id: plan.id,
      exitAfterMs: plan.exitAfterMs,
      ...(body?.Status ? { status: body.Status } : {}),
      ...(body?.Reason ? { reason: body.Reason } : {}),
      stopped: tasks.some((task) => task.runId === plan.id && task.stopCode === 'UserInitiated'),
    };
  });
  const failedOrStopped = results.filter((result) => result.status !== 'SUCCESS' || result.stopped);
  const perRun = plans.map((plan) => (invocationMs.get(plan.id) ?? 0) / 1000);
  const counts = plans.map((plan) => answerCounts.get(plan.id) ?? 0);
  return {
    settings,
    simulatedMinutes: Math.round((time.now() - START) / MINUTE),
    wallSeconds: Math.round((performance.now() - wallStart) / 100) / 10,
    refused: { ...throttle.refused },
    accepted: { ...throttle.accepted },
    failedOrStopped,
    failedByThrottling: failedOrStopped.filter((result) => /throttl|rate exceeded/i.test(result.reason ?? '')).length,
    handOffs,
    callsByAge: callsByAge(watched, describeAttempts),
    latencyByAge: latencyByAge(watched),
    logged,
    errors: time.errors.map(String),
    describeAfterParking: callsAfterAge(watched, describeAttempts, PARKED_FROM_AGE_MS),
    invocationSecondsPerRun: {
      mean: round1(perRun.reduce((total, value) => total + value, 0) / Math.max(1, perRun.length)),
      p95: round1(percentile(perRun, 95)),
      max: round1(Math.max(0, ...perRun)),
    },
    answersPerRun: {
      none: counts.filter((count) => count === 0).length,
      one: counts.filter((count) => count === 1).length,
      more: counts.filter((count) => count > 1).length,
    },
    ...(events
      ? {
          events: {
            ...eventCounts,
            latencyFromArrival: latencyFromArrival(watched, firstArrival, ANSWER_AFTER_ARRIVAL_MS),
          },
        }
      : {}),
  };
}

/** The task as the SDK's DescribeTasks returns it at `at`: what an event's detail is built from. */
function asSdkTask(task: FakeTask, at: number): Task {
  const described = { ...(asSdkOutput(view(task, at)) as Task & { $metadata?: unknown }) };
  delete described.$metadata;
  return described;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

/** A ResponseURL as CloudFormation presigns it, signed at `signedAt`. */
function responseUrl(stackId: string, requestId: string, signedAt: number): string {
  const amzDate = new Date(signedAt)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const key = encodeURIComponent(`${stackId}|MigrateTask|${requestId}`);
  return `https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/${key}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=${amzDate}&X-Amz-SignedHeaders=host&X-Amz-Expires=7200&X-Amz-Credential=AKIAEXAMPLE%2F${amzDate.slice(0, 8)}%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=${randomBytes(32).toString('hex')}`;
}

/** A UUID from the seeded generator, so that a run can be repeated exactly. */
function randomUUIDFrom(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}
