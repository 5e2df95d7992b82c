import { expiredReason, SWEEP_MARGIN_MS, sweepExpiredTasks } from '../../src/sweep/sweep-expired-tasks';
import { SWEEP_CALL_GAP_MS } from '../../src/sweep/sweep-pace';
import { FakeEcsCluster } from '../support/fake-ecs-cluster';
import { FakeClock, RecordingLog } from '../support/fakes';

const CLUSTER = 'arn:aws:ecs:us-east-1:123456789012:cluster/app';
const OTHER_CLUSTER = 'arn:aws:ecs:us-east-1:123456789012:cluster/jobs';
const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/todobackend/6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0';
const NOW = Date.UTC(2026, 11, 7, 18, 0, 0);
const arn = (cluster: string, id: string) => `${cluster.replace(':cluster/', ':task/')}/${id}`;

/** The tags the runner puts on a task whose deadline is `deadline`. */
function runnersTags(deadline: number | string, extra: { key: string; value: string }[] = []) {
  return [
    { key: 'ecs-task-runner:request', value: 'r'.repeat(64) },
    { key: 'ecs-task-runner:resource', value: 'a'.repeat(64) },
    {
      key: 'ecs-task-runner:deadline',
      value: typeof deadline === 'string' ? deadline : new Date(deadline).toISOString(),
    },
    { key: 'ecs-task-runner:stack', value: STACK_ID },
    ...extra,
  ];
}

function setup() {
  const ecs = new FakeEcsCluster();
  const clock = new FakeClock(NOW);
  const log = new RecordingLog();
  return { ecs, clock, log, deps: { ecs, clock, log } };
}

describe('the sweep of tasks past their deadline', () => {
  it('stops a task of the runner past its deadline and the margin, naming the deadline, and logs its stack and resource', async () => {
    const { ecs, log, deps } = setup();
    const expired = arn(CLUSTER, 'expired');
    ecs.add(CLUSTER, expired, runnersTags(NOW - SWEEP_MARGIN_MS), { startedBy: 'cfn/MigrateTask/0123456789abcdef' });
    const result = await sweepExpiredTasks([CLUSTER], deps);
    expect(result).toEqual({ looked: 1, stopped: 1, failures: 0 });
    expect(ecs.calls.filter((call) => call.name === 'stopTask').map((call) => call.input)).toEqual([
      {
        cluster: CLUSTER,
        task: expired,
        reason: `ecs-task-runner: past its deadline ${new Date(NOW - SWEEP_MARGIN_MS).toISOString()}; stopped by the scheduled sweep`,
      },
    ]);
    expect(log.entries).toContainEqual({
      level: 'warn',
      message: 'Sweep: stopped a task of the runner past its deadline (no runner was watching it)',
      extra: [
        {
          cluster: CLUSTER,
          taskArn: expired,
          deadline: new Date(NOW - SWEEP_MARGIN_MS).toISOString(),
          stackId: STACK_ID,
          resourceTag: 'a'.repeat(64),
          startedBy: 'cfn/MigrateTask/0123456789abcdef',
        },
      ],
    });
  });

  it('never touches a task within its deadline and margin, one without a deadline tag, or one the runner did not start', async () => {
    const { ecs, deps } = setup();
    ecs.add(CLUSTER, arn(CLUSTER, 'within-margin'), runnersTags(NOW - SWEEP_MARGIN_MS + 1));
    ecs.add(CLUSTER, arn(CLUSTER, 'within-deadline'), runnersTags(NOW + 3_600_000));
    // An earlier runner's task: request and resource tags, no deadline.
    ecs.add(CLUSTER, arn(CLUSTER, 'earlier-runner'), runnersTags(NOW - 86_400_000).slice(0, 2));
    // Somebody's own tag of the same key, on a task the runner did not start: it carries no runner's tag.
    ecs.add(CLUSTER, arn(CLUSTER, 'foreign'), [{ key: 'ecs-task-runner:deadline', value: '2026-01-01T00:00:00.000Z' }]);
    // Already asked to stop (still listed by an ECS that lags): left to finish stopping.
    ecs.add(CLUSTER, arn(CLUSTER, 'stopping'), runnersTags(NOW - 86_400_000), { lastStatus: 'STOPPED' });
    expect(await sweepExpiredTasks([CLUSTER], deps)).toEqual({ looked: 5, stopped: 0, failures: 0 });
    expect(ecs.calls.map((call) => call.name)).not.toContain('stopTask');
  });

  it('leaves a task whose deadline tag is no ISO 8601 UTC time alone, and says so', async () => {
    const { ecs, log, deps } = setup();
    ecs.add(CLUSTER, arn(CLUSTER, 'odd'), runnersTags('yesterday'));
    ecs.add(CLUSTER, arn(CLUSTER, 'local-time'), runnersTags('2026-12-07T17:00:00+01:00'));
    expect(await sweepExpiredTasks([CLUSTER], deps)).toEqual({ looked: 2, stopped: 0, failures: 0 });
    expect(log.entries.filter((entry) => entry.level === 'warn').map((entry) => entry.extra[0]?.deadline)).toEqual([
      'yesterday',
      '2026-12-07T17:00:00+01:00',
    ]);
  });

  it('reads every cluster page by page, 100 tasks a DescribeTasks with their tags', async () => {
    const { ecs, deps } = setup();
    for (let i = 0; i < 250; i += 1) ecs.add(CLUSTER, arn(CLUSTER, `t${i}`), runnersTags(NOW + 60_000));
    ecs.add(OTHER_CLUSTER, arn(OTHER_CLUSTER, 'late'), runnersTags(NOW - 600_000));
    expect(await sweepExpiredTasks([CLUSTER, OTHER_CLUSTER], deps)).toEqual({ looked: 251, stopped: 1, failures: 0 });
    const describes = ecs.calls.filter((call) => call.name === 'describeTasks').map((call) => call.input);
    expect(describes.map((input) => [(input as { tasks: string[] }).tasks.length, input])).toEqual([
      [100, expect.objectContaining({ cluster: CLUSTER, include: ['TAGS'] })],
      [100, expect.objectContaining({ cluster: CLUSTER, include: ['TAGS'] })],
      [50, expect.objectContaining({ cluster: CLUSTER, include: ['TAGS'] })],
      [1, expect.objectContaining({ cluster: OTHER_CLUSTER, include: ['TAGS'] })],
    ]);
    expect(ecs.stopped().map((task) => task.taskArn)).toEqual([arn(OTHER_CLUSTER, 'late')]);
  });

  it('never throws on a page ECS refuses: it logs it and goes on with the next page or cluster', async () => {
    const { ecs, log, deps } = setup();
    for (let i = 0; i < 150; i += 1) ecs.add(CLUSTER, arn(CLUSTER, `t${i}`), runnersTags(NOW - 600_000));
    ecs.add(OTHER_CLUSTER, arn(OTHER_CLUSTER, 'late'), runnersTags(NOW - 600_000));
    ecs.add(OTHER_CLUSTER, arn(OTHER_CLUSTER, 'later'), runnersTags(NOW - 600_000));
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    ecs.failNext('describeTasks', throttled);
    ecs.failNext('stopTask', Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' }));
    const denied = Object.assign(new Error('not authorized to perform ecs:ListTasks'), {
      name: 'AccessDeniedException',
    });
    const result = await sweepExpiredTasks(
      [CLUSTER, 'arn:aws:ecs:us-east-1:123456789012:cluster/denied', OTHER_CLUSTER],
      {
        ...deps,
        ecs: {
          listTasks: (input) => (input.cluster?.endsWith('/denied') ? Promise.reject(denied) : ecs.listTasks(input)),
          describeTasks: (input) => ecs.describeTasks(input),
          stopTask: (input) => ecs.stopTask(input),
        },
      },
    );
    // The first page of 100 could not be described; of the second page's 50 one could not be stopped; the cluster
    // after the one refused is swept (2).
    expect(result).toEqual({ looked: 52, stopped: 51, failures: 3 });
    expect(log.entries.filter((entry) => entry.level === 'error')).toEqual([
      {
        level: 'error',
        message: 'Sweep: could not describe a page of tasks',
        extra: [{ cluster: CLUSTER, tasks: 100, error: 'ThrottlingException', message: 'Rate exceeded' }],
      },
      expect.objectContaining({ message: 'Sweep: could not stop a task past its deadline' }),
      {
        level: 'error',
        message: 'Sweep: could not list the tasks of a cluster',
        extra: [
          {
            cluster: 'arn:aws:ecs:us-east-1:123456789012:cluster/denied',
            error: 'AccessDeniedException',
            message: 'not authorized to perform ecs:ListTasks',
          },
        ],
      },
    ]);
  });

  it("keeps StopTask's reason within its 255 characters", () => {
    expect(expiredReason('x'.repeat(300))).toHaveLength(255);
  });

  it('keeps its pace: each ECS read after the first waits SWEEP_CALL_GAP_MS, and deadlines are judged at the start', async () => {
    const { ecs, clock, deps } = setup();
    // Past its deadline and margin by less than the pass's pacing takes: judged at the sweep's start, it is not yet.
    ecs.add(CLUSTER, arn(CLUSTER, 'almost'), runnersTags(NOW - SWEEP_MARGIN_MS + 100));
    ecs.add(OTHER_CLUSTER, arn(OTHER_CLUSTER, 'expired'), runnersTags(NOW - SWEEP_MARGIN_MS));
    const result = await sweepExpiredTasks([CLUSTER, OTHER_CLUSTER], deps);
    expect(result).toEqual({ looked: 2, stopped: 1, failures: 0 });
    // ListTasks and DescribeTasks in each of two clusters: three gaps between four reads (StopTask is not paced).
    expect(clock.sleeps).toEqual([SWEEP_CALL_GAP_MS, SWEEP_CALL_GAP_MS, SWEEP_CALL_GAP_MS]);
    expect(ecs.calls.map((call) => call.name)).toEqual([
      'listTasks',
      'describeTasks',
      'listTasks',
      'describeTasks',
      'stopTask',
    ]);
  });
});
