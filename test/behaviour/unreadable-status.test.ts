import { DescribeTasksCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { BACKOFF_BASE_MS, BACKOFF_CAP_MS, fullJitterBackoffMs } from '../../src/runtime/delays';
import { THROTTLED_MIN_POLL_MS, YOUNG_POLL_MS } from '../../src/tasks/poll-schedule';
import { watchTasks } from '../../src/tasks/watch-tasks';
import { ecsTask, mockedAws, stoppedTask, stubHappyPath, TASK_ARN } from '../support/aws-mocks';
import { FakeClock, fakeInvocation, RecordingLog } from '../support/fakes';
import { fixtures } from '../support/fixtures';
import { invokeWith } from '../support/invoke';

const aws = mockedAws();
const invoke = invokeWith(aws.ports);
const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
const unavailable = () =>
  Object.assign(new Error('Service unavailable'), { name: 'ServerException', $metadata: { httpStatusCode: 503 } });

/** DescribeTasks fails with `failure` for `forMs` of the fake clock from the first poll, then answers `task`. */
function describeFailsFor(clock: () => number, forMs: number, failure: () => Error, task = stoppedTask(0)) {
  let firstPoll: number | undefined;
  aws.ecs.on(DescribeTasksCommand).callsFake(() => {
    firstPoll ??= clock();
    if (clock() - firstPoll < forMs) throw failure();
    return { tasks: [task] };
  });
}

describe('backoff with full jitter', () => {
  it('waits between 0 and the exponential bound, capped at 30 s, the same for the same watch and failure', () => {
    for (let failures = 1; failures <= 10; failures += 1) {
      const bound = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (failures - 1));
      const wait = fullJitterBackoffMs(failures, TASK_ARN);
      expect(wait).toBeGreaterThanOrEqual(0);
      expect(wait).toBeLessThan(bound);
      expect(fullJitterBackoffMs(failures, TASK_ARN)).toBe(wait);
    }
  });

  it('spreads the watches of different tasks apart', () => {
    const waits = Array.from({ length: 20 }, (_, n) =>
      fullJitterBackoffMs(6, TASK_ARN.replace('0a1b2c3d', `${n}`.padStart(8, '0'))),
    );
    expect(new Set(waits).size).toBeGreaterThan(15);
  });
});

describe('a watch whose polls fail', () => {
  function setup() {
    const clock = new FakeClock();
    const log = new RecordingLog();
    const deps = { ecs: aws.ports.ecs, clock, invocation: fakeInvocation(clock), log };
    const watch = {
      cluster: 'todobackend-cluster',
      taskArns: [TASK_ARN],
      essentialContainers: ['migrate'],
      logs: {},
      usesSecrets: false,
      startedAt: clock.now(),
      deadline: clock.now() + 3_600_000,
      timeoutSeconds: 3600,
      pollIntervalSeconds: 10,
    };
    return { clock, log, deps, watch };
  }

  beforeEach(() => aws.reset());

  it('asks again through ten minutes of throttling, slower and slower but never more than 30 s (or the throttled schedule) apart', async () => {
    const { clock, deps, watch } = setup();
    describeFailsFor(() => clock.now(), 600_000, throttled);
    const result = await watchTasks(watch, deps);
    expect(result.kind).toBe('decided');
    const waits = clock.sleeps.slice(1);
    expect(waits.every((wait) => wait >= THROTTLED_MIN_POLL_MS && wait <= BACKOFF_CAP_MS)).toBe(true);
    expect(aws.ecs.commandCalls(DescribeTasksCommand).length).toBeGreaterThan(20);
  });

  it('backs off exponentially after transient errors, beyond the quick schedule of a young task', async () => {
    const { clock, deps, watch } = setup();
    describeFailsFor(() => clock.now(), 120_000, unavailable);
    await watchTasks(watch, deps);
    expect(clock.sleeps[0]).toBe(YOUNG_POLL_MS);
    const expected = [1, 2, 3, 4, 5, 6].map((failures) =>
      Math.max(YOUNG_POLL_MS, fullJitterBackoffMs(failures, TASK_ARN)),
    );
    expect(clock.sleeps.slice(1, 7)).toEqual(expected);
    expect(clock.sleeps.some((wait) => wait > 2 * YOUNG_POLL_MS)).toBe(true);
  });

  it('at the deadline says how long the status could not be read, and why', async () => {
    const { clock, deps, watch } = setup();
    describeFailsFor(() => clock.now(), Infinity, throttled);
    const result = await watchTasks({ ...watch, deadline: clock.now() + 120_000 }, deps);
    expect(result).toEqual({
      kind: 'deadline',
      pending: [{ taskArn: TASK_ARN, lastStatus: 'UNKNOWN' }],
      unread: {
        since: watch.startedAt + YOUNG_POLL_MS,
        error: expect.objectContaining({ name: 'ThrottlingException' }) as Error,
      },
    });
  });

  it('at the deadline names the last status it read', async () => {
    const { clock, deps, watch } = setup();
    let polls = 0;
    aws.ecs.on(DescribeTasksCommand).callsFake(() => {
      if (polls++ < 2) return { tasks: [ecsTask({ lastStatus: 'RUNNING' })] };
      throw unavailable();
    });
    const result = await watchTasks({ ...watch, deadline: clock.now() + 120_000 }, deps);
    expect(result).toMatchObject({ kind: 'deadline', pending: [{ taskArn: TASK_ARN, lastStatus: 'RUNNING' }] });
  });

  it('still ends at once on an error that asking again cannot fix', async () => {
    const { deps, watch } = setup();
    const denied = Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' });
    aws.ecs.on(DescribeTasksCommand).rejects(denied);
    await expect(watchTasks(watch, deps)).rejects.toBe(denied);
    expect(aws.ecs).toHaveReceivedCommandTimes(DescribeTasksCommand, 1);
  });
});

describe('a run whose polls are throttled', () => {
  beforeEach(() => stubHappyPath(aws));

  it('never stops a healthy migration because polling failed', async () => {
    let polls = 0;
    aws.ecs.on(DescribeTasksCommand).callsFake(() => {
      if (polls++ < 8) throw throttled();
      return { tasks: [stoppedTask(0)] };
    });
    const { response, clock } = await invoke(fixtures.create());
    expect(clock.sleeps.reduce((sum, wait) => sum + wait, 0)).toBeGreaterThan(20_000);
    expect(response?.Status).toBe('SUCCESS');
    expect(aws.ecs).not.toHaveReceivedCommand(StopTaskCommand);
  });

  it('at the Timeout stops the task (as today) and says its status could not be read, and why', async () => {
    describeFailsFor(() => 0, Infinity, throttled, ecsTask());
    const event = fixtures.create();
    event.ResourceProperties.Timeout = '120';
    const { response } = await invoke(event);
    expect(aws.ecs).toHaveReceivedCommandWith(StopTaskCommand, {
      task: TASK_ARN,
      reason: 'ecs-task-runner: Timeout reached',
    });
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toMatch(/^Timed out after 120 s waiting for task 0a1b2c3d4e5f46789abcdef012345678/);
    expect(response?.Reason).toMatch(
      /Their status could not be read for the last 1\d\d s before the deadline: DescribeTasks failed: ThrottlingException: Rate exceeded\.$/,
    );
  });
});
