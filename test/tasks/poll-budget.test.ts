import type { DescribeTasksCommandInput, DescribeTasksCommandOutput, Task } from '@aws-sdk/client-ecs';
import type { EcsApi } from '../../src/aws/ports';
import type { Clock } from '../../src/runtime/clock';
import type { Invocation } from '../../src/runtime/invocation';
import type { Log } from '../../src/runtime/log';
import { DEFAULT_POLL_INTERVAL_SECONDS } from '../../src/properties/defaults';
import { type Watch, watchTasks } from '../../src/tasks/watch-tasks';

/** The budget and the latency target the default polling schedule must keep (see docs/performance.md). */
const MAX_CALLS_PER_TASK_MINUTE = 24;
const MAX_DECISION_DELAY_MS = 3000;

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
  return { result, calls, decidedAt, exitAt, taskMinutes: (decidedAt - START) / 60_000 };
}

// The container's exit lands at every phase of the poll cycle, in steps of a tenth of the interval.
const exitTimes = Array.from(
  { length: 11 },
  (_, step) => 60_000 + Math.round((step * DEFAULT_POLL_INTERVAL_SECONDS * 1000) / 10),
);

describe('the default polling schedule', () => {
  test.each(exitTimes)(
    'container exits %i ms after RunTask: decided within 3 s, within 24 calls per task-minute',
    async (exitAfterMs) => {
      const { result, calls, decidedAt, exitAt, taskMinutes } = await watchOneTask(exitAfterMs);

      expect(result.kind).toBe('decided');
      if (result.kind !== 'decided') return;
      expect(result.tasks).toHaveLength(1);
      expect(result.tasks[0]).toMatchObject({ taskArn: TASK_ARN, succeeded: true, exitCode: 0, failures: [] });
      // The early decision: the outcome is known while ECS is still tearing the task's network down.
      expect(result.tasks[0]?.lastStatus).not.toBe('STOPPED');
      expect(decidedAt).toBeLessThan(exitAt + DEPROVISIONING_MS);

      expect(decidedAt - exitAt).toBeGreaterThanOrEqual(0);
      expect(decidedAt - exitAt).toBeLessThanOrEqual(MAX_DECISION_DELAY_MS);
      expect(calls.length / taskMinutes).toBeLessThanOrEqual(MAX_CALLS_PER_TASK_MINUTE);
      // The last call is the one that saw the exit.
      expect(calls[calls.length - 1]).toBe(decidedAt);
    },
  );
});
