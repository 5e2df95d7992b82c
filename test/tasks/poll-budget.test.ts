import type { DescribeTasksCommandInput, DescribeTasksCommandOutput, Task } from '@aws-sdk/client-ecs';
import type { EcsApi } from '../../src/aws/ports';
import type { Clock } from '../../src/runtime/clock';
import type { Invocation } from '../../src/runtime/invocation';
import type { Log } from '../../src/runtime/log';
import { DEFAULT_POLL_INTERVAL_SECONDS } from '../../src/properties/defaults';
import { type Watch, watchTasks } from '../../src/tasks/watch-tasks';

/** The targets the default polling schedule must keep (see docs/performance.md). */
const YOUNG_MS = 300_000;
const MAX_YOUNG_DECISION_DELAY_MS = 3000;
/** Later, the answer comes within this share of the run so far (or 3 s, whichever is longer). */
const MAX_DECISION_DELAY_SHARE = 0.05;
const MAX_CALLS_A_MINUTE_AFTER_5 = 6;
const MAX_CALLS_A_MINUTE_AFTER_30 = 2;
const MINUTE = 60_000;

const START = Date.UTC(2026, 10, 25, 12, 0, 0);
const TASK_ARN = 'arn:aws:ecs:us-east-1:123456789012:task/bench-cluster/0a1b2c3d4e5f60718293a4b5c6d7e8f9';
/** ECS detaches and deletes the task's ENI after the essential container exits: the task lingers this long. */
const DEPROVISIONING_MS = 30_000;

/** Virtual time: `sleep` moves the clock on and returns at once, so a minute of polling runs in microseconds. */
function virtualClock(start: number): Clock {
  let now = start;
  return {
    now: () => now,
    sleep: async (ms) => {
      now += Math.max(0, ms);
    },
  };
}

const silentLog: Log = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

const longInvocation: Invocation = {
  functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:ecs-task-runner',
  remainingTimeMs: () => 900_000,
};

/**
 * An awsvpc task whose essential container `app` exits 0 at `exitAt`; the task then spends DEPROVISIONING_MS in
 * DEACTIVATING → STOPPING → DEPROVISIONING before it is STOPPED. Its log router (not essential) runs on meanwhile.
 */
function taskAt(now: number, exitAt: number): Task {
  const exited = now >= exitAt;
  const sinceExit = now - exitAt;
  const lastStatus = !exited
    ? 'RUNNING'
    : sinceExit < 10_000
      ? 'DEACTIVATING'
      : sinceExit < 20_000
        ? 'STOPPING'
        : sinceExit < DEPROVISIONING_MS
          ? 'DEPROVISIONING'
          : 'STOPPED';
  return {
    taskArn: TASK_ARN,
    lastStatus,
    desiredStatus: exited ? 'STOPPED' : 'RUNNING',
    ...(exited ? { stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited' } : {}),
    containers: [
      { name: 'app', lastStatus: exited ? 'STOPPED' : 'RUNNING', ...(exited ? { exitCode: 0 } : {}) },
      {
        name: 'log-router',
        lastStatus: sinceExit >= 20_000 ? 'STOPPED' : 'RUNNING',
        ...(sinceExit >= 20_000 ? { exitCode: 137 } : {}),
      },
    ],
  };
}

/** Only DescribeTasks is scripted; watching a task must not call anything else. */
function scriptedEcs(clock: Clock, exitAt: number, calls: number[]): EcsApi {
  const unexpected = (operation: string) => async (): Promise<never> => {
    throw new Error(`watchTasks called ${operation}`);
  };
  return {
    describeTasks: async (input: DescribeTasksCommandInput): Promise<DescribeTasksCommandOutput> => {
      calls.push(clock.now());
      expect(input.tasks).toEqual([TASK_ARN]);
      return { $metadata: {}, tasks: [taskAt(clock.now(), exitAt)], failures: [] };
    },
    runTask: unexpected('RunTask'),
    stopTask: unexpected('StopTask'),
    listTasks: unexpected('ListTasks'),
    describeTaskDefinition: unexpected('DescribeTaskDefinition'),
    listContainerInstances: unexpected('ListContainerInstances'),
    describeContainerInstances: unexpected('DescribeContainerInstances'),
  };
}

function watchFor(startedAt: number): Watch {
  return {
    cluster: 'bench-cluster',
    taskArns: [TASK_ARN],
    essentialContainers: ['app'],
    logs: {},
    usesSecrets: false,
    startedAt,
    deadline: startedAt + 3_600_000,
    timeoutSeconds: 3600,
    pollIntervalSeconds: DEFAULT_POLL_INTERVAL_SECONDS,
  };
}

async function watchOneTask(exitAfterMs: number) {
  const clock = virtualClock(START);
  const calls: number[] = [];
  const exitAt = START + exitAfterMs;
  const result = await watchTasks(watchFor(START), {
    ecs: scriptedEcs(clock, exitAt, calls),
    clock,
    invocation: longInvocation,
    log: silentLog,
  });
  const decidedAt = clock.now();
  return { result, calls, decidedAt, exitAt };
}

/** Ages at which the container exits: young tasks, the 5-minute edge, the 30-minute edge and a 40-minute run. */
const exitAges = [4_000, 60_000, 170_000, 299_000, 301_000, 420_000, 900_000, 1_790_000, 1_810_000, 2_400_000];
/** Each exit also lands at several phases of the poll cycle: a few seconds apart. */
const exits = exitAges.flatMap((age) => [0, 1300, 2600, 7100].map((offset) => age + offset));

describe('the default polling schedule', () => {
  test.each(exits)('container exits %i ms after RunTask: decided in time, with few calls', async (exitAfterMs) => {
    const { result, calls, decidedAt, exitAt } = await watchOneTask(exitAfterMs);

    expect(result.kind).toBe('decided');
    if (result.kind !== 'decided') return;
    expect(result.tasks).toHaveLength(1);
    expect(result.tasks[0]).toMatchObject({ taskArn: TASK_ARN, verdict: 'succeeded', exitCode: 0, failures: [] });
    // The early decision: a young task's outcome is known while ECS is still tearing its network down (an old one's
    // polls are further apart than that teardown).
    if (exitAfterMs < YOUNG_MS) expect(result.tasks[0]?.lastStatus).not.toBe('STOPPED');
    // The last call is the one that saw the exit.
    expect(calls[calls.length - 1]).toBe(decidedAt);

    const delay = decidedAt - exitAt;
    expect(delay).toBeGreaterThanOrEqual(0);
    if (exitAfterMs < YOUNG_MS) expect(delay).toBeLessThanOrEqual(MAX_YOUNG_DECISION_DELAY_MS);
    expect(delay).toBeLessThanOrEqual(Math.max(MAX_YOUNG_DECISION_DELAY_MS, MAX_DECISION_DELAY_SHARE * exitAfterMs));

    // Calls in every whole minute of the task's age from minute 5 on.
    const ages = calls.map((at) => at - START);
    for (let minute = 5; minute < Math.floor((decidedAt - START) / MINUTE); minute++) {
      const inMinute = ages.filter((age) => age >= minute * MINUTE && age < (minute + 1) * MINUTE).length;
      expect(inMinute).toBeLessThanOrEqual(minute >= 30 ? MAX_CALLS_A_MINUTE_AFTER_30 : MAX_CALLS_A_MINUTE_AFTER_5);
    }
  });
});
