import { DescribeTasksCommand, type DescribeTasksCommandInput, ListTasksCommand } from '@aws-sdk/client-ecs';
import { findEarlierRun, STOP_WAIT_POLL_MS, unstoppedTasks, waitUntilStopped } from '../../src/tasks/running-tasks';
import { HAND_OFF_MARGIN_MS } from '../../src/runtime/time-budget';
import { ecsTask, mockedAws, stoppedTask, TASK_ARN } from '../support/aws-mocks';
import { FakeClock, fakeInvocation, RecordingLog } from '../support/fakes';

const aws = mockedAws();
const CLUSTER = 'todobackend-cluster';
const STARTED_BY = 'cfn/MigrateTask/0123456789abcdef';
const OTHER_TASK = TASK_ARN.replace('0a1b2c3d', '9f8e7d6c');
const taskArn = (n: number) => TASK_ARN.replace('0a1b2c3d', n.toString(16).padStart(8, '0'));
const RESOURCE_TAG = { key: 'ecs-task-runner:resource', value: 'a'.repeat(64) };
/** Listed under the default startedBy, so that an earlier runner's tasks count too. */
const LISTING = {
  cluster: CLUSTER,
  startedBy: STARTED_BY,
  owner: { resourceTag: 'a'.repeat(64), legacyStartedBy: STARTED_BY },
};

/** DescribeTasks reports each asked task as `status(arn)` says (undefined: not reported at all). */
function describeAs(status: (arn: string) => string | undefined) {
  aws.ecs.on(DescribeTasksCommand).callsFake((input: DescribeTasksCommandInput) => ({
    tasks: (input.tasks ?? []).flatMap((arn) => {
      const lastStatus = status(arn);
      return lastStatus === undefined ? [] : [ecsTask({ taskArn: arn, lastStatus, tags: [RESOURCE_TAG] })];
    }),
  }));
}

function waitDeps(budgetMs = 900_000) {
  const clock = new FakeClock();
  const log = new RecordingLog();
  return { clock, log, deps: { ecs: aws.ports.ecs, clock, invocation: fakeInvocation(clock, budgetMs), log } };
}

const listingDeps = (log = new RecordingLog()) => ({ ecs: aws.ports.ecs, log });

const askedTasks = () => aws.ecs.commandCalls(DescribeTasksCommand).map((call) => call.args[0].input.tasks ?? []);

beforeEach(() => aws.reset());

describe('waiting for tasks to stop', () => {
  it('polls every ten seconds until ECS reports every task STOPPED', async () => {
    let polls = 0;
    aws.ecs.on(DescribeTasksCommand).callsFake(() => ({ tasks: [polls++ < 2 ? ecsTask() : stoppedTask(143)] }));
    const { clock, deps } = waitDeps();
    const result = await waitUntilStopped(CLUSTER, [TASK_ARN], clock.now() + 600_000, deps);
    expect(result).toEqual({ kind: 'stopped' });
    expect(clock.sleeps).toEqual([STOP_WAIT_POLL_MS, STOP_WAIT_POLL_MS]);
    expect(aws.ecs.commandCalls(DescribeTasksCommand).map((call) => call.args[0].input)).toEqual(
      Array(3).fill({ cluster: CLUSTER, tasks: [TASK_ARN] }),
    );
  });

  it('asks only for the tasks still running, and counts one ECS no longer reports as stopped', async () => {
    let polls = 0;
    describeAs((arn) =>
      arn === OTHER_TASK && polls++ < 2 ? 'DEPROVISIONING' : arn === TASK_ARN ? 'STOPPED' : undefined,
    );
    const { clock, deps } = waitDeps();
    expect(await waitUntilStopped(CLUSTER, [TASK_ARN, OTHER_TASK], clock.now() + 600_000, deps)).toEqual({
      kind: 'stopped',
    });
    expect(askedTasks()).toEqual([[TASK_ARN, OTHER_TASK], [OTHER_TASK], [OTHER_TASK]]);
  });

  it('ignores a task DescribeTasks reports that was not asked for', async () => {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [stoppedTask(0), ecsTask({ taskArn: OTHER_TASK })] });
    const { clock, deps } = waitDeps();
    expect(await waitUntilStopped(CLUSTER, [TASK_ARN], clock.now() + 600_000, deps)).toEqual({ kind: 'stopped' });
  });

  it('asks DescribeTasks about at most 100 tasks at a time', async () => {
    const many = Array.from({ length: 150 }, (_, n) => taskArn(n));
    describeAs(() => 'STOPPED');
    const { clock, deps } = waitDeps();
    expect(await waitUntilStopped(CLUSTER, many, clock.now() + 600_000, deps)).toEqual({ kind: 'stopped' });
    expect(askedTasks()).toEqual([many.slice(0, 100), many.slice(100)]);
  });

  it('asks DescribeTasks about exactly 100 tasks in one call', async () => {
    const hundred = Array.from({ length: 100 }, (_, n) => taskArn(n));
    describeAs(() => 'STOPPED');
    const { clock, deps } = waitDeps();
    expect(await waitUntilStopped(CLUSTER, hundred, clock.now() + 600_000, deps)).toEqual({ kind: 'stopped' });
    expect(askedTasks()).toEqual([hundred]);
  });

  it('ends at the deadline with the tasks still running and their status, the last wait cut to the deadline', async () => {
    describeAs(() => 'RUNNING');
    const { clock, deps } = waitDeps();
    const deadline = clock.now() + 25_000;
    const result = await waitUntilStopped(CLUSTER, [TASK_ARN], deadline, deps);
    expect(result).toEqual({ kind: 'deadline', running: [{ taskArn: TASK_ARN, lastStatus: 'RUNNING' }] });
    expect(clock.sleeps).toEqual([STOP_WAIT_POLL_MS, STOP_WAIT_POLL_MS, 5_000]);
    expect(clock.now()).toBe(deadline);
    expect(askedTasks()).toHaveLength(4);
  });

  it('hands off, after polling, when the next wait would leave this invocation less than its hand-off margin', async () => {
    describeAs(() => 'PENDING');
    const { clock, deps } = waitDeps(HAND_OFF_MARGIN_MS + STOP_WAIT_POLL_MS);
    const result = await waitUntilStopped(CLUSTER, [TASK_ARN], clock.now() + 600_000, deps);
    // Exactly the margin left after one wait: it may still wait once.
    expect(clock.sleeps).toEqual([STOP_WAIT_POLL_MS]);
    expect(result).toEqual({ kind: 'hand-off', running: [{ taskArn: TASK_ARN, lastStatus: 'PENDING' }] });
    expect(askedTasks()).toHaveLength(2);
  });

  it('hands off with a task whose status ECS left out as UNKNOWN', async () => {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [{ taskArn: TASK_ARN }] });
    const { clock, deps } = waitDeps(HAND_OFF_MARGIN_MS);
    expect(await waitUntilStopped(CLUSTER, [TASK_ARN], clock.now() + 600_000, deps)).toEqual({
      kind: 'hand-off',
      running: [{ taskArn: TASK_ARN, lastStatus: 'UNKNOWN' }],
    });
  });

  it('polls on through throttling, and gives up on an error that will not pass', async () => {
    aws.ecs
      .on(DescribeTasksCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
      .resolves({ tasks: [stoppedTask(0)] });
    const { clock, log, deps } = waitDeps();
    expect(await waitUntilStopped(CLUSTER, [TASK_ARN], clock.now() + 600_000, deps)).toEqual({ kind: 'stopped' });
    expect(clock.sleeps).toEqual([STOP_WAIT_POLL_MS]);
    expect(log.entries.filter((entry) => entry.level === 'warn')).toHaveLength(1);

    const denied = Object.assign(new Error('User is not authorized to perform: ecs:DescribeTasks'), {
      name: 'AccessDeniedException',
    });
    aws.ecs.on(DescribeTasksCommand).rejects(denied);
    await expect(waitUntilStopped(CLUSTER, [TASK_ARN], clock.now() + 600_000, waitDeps().deps)).rejects.toBe(denied);
  });
});

describe("the resource's tasks that have not stopped", () => {
  it('asks DescribeTasks nothing when ListTasks names no task', async () => {
    aws.ecs.on(ListTasksCommand).resolves({});
    expect(await unstoppedTasks(aws.ports.ecs, LISTING)).toEqual({ own: [], notTheResources: [] });
    expect(aws.ecs).not.toHaveReceivedCommand(DescribeTasksCommand);
  });

  it('are those listed that DescribeTasks reports not STOPPED', async () => {
    aws.ecs.on(ListTasksCommand).resolves({ taskArns: [TASK_ARN, OTHER_TASK] });
    describeAs((arn) => (arn === TASK_ARN ? 'STOPPED' : 'RUNNING'));
    expect(await unstoppedTasks(aws.ports.ecs, LISTING)).toEqual({
      own: [{ taskArn: OTHER_TASK, lastStatus: 'RUNNING' }],
      notTheResources: [],
    });
    expect(aws.ecs).toHaveReceivedCommandWith(ListTasksCommand, { cluster: CLUSTER, startedBy: STARTED_BY });
  });
});

describe('an earlier run of the resource', () => {
  const THIS_REQUEST = 'f'.repeat(64);
  const tagged = (
    arn: string,
    tags: { key: string; value: string }[],
    status: { lastStatus?: string } = { lastStatus: 'RUNNING' },
  ) => {
    const task = ecsTask({ taskArn: arn, tags });
    delete task.lastStatus;
    return { ...task, ...status };
  };

  it('is every listed task that still runs and is not tagged with this request', async () => {
    const [own, otherValue, otherKey, stopped, noStatus] = [1, 2, 3, 4, 5].map(taskArn) as [
      string,
      string,
      string,
      string,
      string,
    ];
    aws.ecs.on(ListTasksCommand).resolves({ taskArns: [own, otherValue, otherKey, stopped, noStatus] });
    aws.ecs.on(DescribeTasksCommand).resolves({
      tasks: [
        tagged(own, [{ key: 'ecs-task-runner:request', value: THIS_REQUEST }, RESOURCE_TAG]),
        tagged(otherValue, [{ key: 'ecs-task-runner:request', value: 'e'.repeat(64) }, RESOURCE_TAG], {
          lastStatus: 'PROVISIONING',
        }),
        tagged(otherKey, [{ key: 'team', value: THIS_REQUEST }, RESOURCE_TAG]),
        tagged(stopped, [RESOURCE_TAG], { lastStatus: 'STOPPED' }),
        tagged(noStatus, [RESOURCE_TAG], {}),
        { lastStatus: 'RUNNING' },
      ],
    });
    expect(await findEarlierRun(listingDeps(), LISTING, THIS_REQUEST)).toEqual([
      { taskArn: otherValue, lastStatus: 'PROVISIONING' },
      { taskArn: otherKey, lastStatus: 'RUNNING' },
      { taskArn: noStatus, lastStatus: 'UNKNOWN' },
    ]);
  });

  it("reads the listed tasks' tags 100 tasks at a time", async () => {
    const many = Array.from({ length: 101 }, (_, n) => taskArn(n));
    aws.ecs.on(ListTasksCommand).resolves({ taskArns: many });
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [] });
    expect(await findEarlierRun(listingDeps(), LISTING, THIS_REQUEST)).toEqual([]);
    expect(aws.ecs.commandCalls(DescribeTasksCommand).map((call) => call.args[0].input)).toEqual([
      { cluster: CLUSTER, tasks: many.slice(0, 100), include: ['TAGS'] },
      { cluster: CLUSTER, tasks: many.slice(100), include: ['TAGS'] },
    ]);
  });
});
