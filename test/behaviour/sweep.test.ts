import { DescribeTasksCommand, RunTaskCommand, type Tag } from '@aws-sdk/client-ecs';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { InvocationMetrics } from '../../src/runtime/metrics';
import { deliveryOf } from '../../src/runtime/sns-notification';
import { SWEEP_MARGIN_MS } from '../../src/sweep/sweep-expired-tasks';
import { sweep } from '../../src/sweep/sweep';
import { loadTemplate, properties } from '../infra/cfn-yaml';
import { ecsTask, mockedAws, stubHappyPath, TASK_ARN } from '../support/aws-mocks';
import { FakeEcsCluster } from '../support/fake-ecs-cluster';
import { FakeClock, RecordingLog } from '../support/fakes';
import { fixtures } from '../support/fixtures';
import { invokeWith } from '../support/invoke';

const aws = mockedAws();
const invoke = invokeWith(aws.ports);
const CLUSTER = 'todobackend-cluster';

/** What the runner template's schedule sends, and how often: read from infra/task-runner.yml itself. */
function templateSchedule(): { input: unknown; periodMs: number } {
  const schedule = properties(loadTemplate('task-runner.yml'), 'SweepSchedule', 'AWS::Scheduler::Schedule');
  const target = schedule.Target as { Input: string };
  const rate = /^rate\((\d+) minutes?\)$/.exec(String(schedule.ScheduleExpression));
  if (!rate)
    throw new Error(`SweepSchedule's expression is not a rate in minutes: ${String(schedule.ScheduleExpression)}`);
  return { input: JSON.parse(target.Input) as unknown, periodMs: Number(rate[1]) * 60_000 };
}

/**
 * Runs a Create whose invocation hands the watch on, and then loses it (the runner was killed: the hand-off's Invoke
 * reached nobody). Returns the task as ECS holds it, with the tags RunTask gave it, and the fake clock.
 */
async function runWhoseRunnerWasKilled(ecs: FakeEcsCluster) {
  stubHappyPath(aws);
  aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask()] });
  const clock = new FakeClock();
  const { puts } = await invoke(fixtures.create(), { budgetMs: 120_000, clock });
  expect(puts).toHaveLength(0);
  expect(aws.lambda.commandCalls(InvokeCommand)).toHaveLength(1);
  const tags = aws.ecs.commandCalls(RunTaskCommand)[0]?.args[0].input.tags ?? [];
  ecs.add(CLUSTER, TASK_ARN, tags);
  return { clock, deadline: Date.parse(tagValue(tags, 'ecs-task-runner:deadline')) };
}

function tagValue(tags: Tag[], key: string): string {
  return String(tags.find((tag) => tag.key === key)?.value);
}

/** The handler's dispatch, as handlers/ecs-task-runner.ts wires it: the schedule's input is a sweep. */
async function scheduledSweep(event: unknown, ecs: FakeEcsCluster, clock: FakeClock, log = new RecordingLog()) {
  const delivery = deliveryOf(event);
  expect(delivery).toEqual({ kind: 'sweep' });
  await sweep({ ecs, clock, log, clusters: CLUSTER });
  return log;
}

describe('the scheduled sweep, with the runner template’s own schedule input', () => {
  it('stops a task whose runner was killed within one period (and the margin) after its deadline, and not before', async () => {
    const { input, periodMs } = templateSchedule();
    const ecs = new FakeEcsCluster();
    const { clock, deadline } = await runWhoseRunnerWasKilled(ecs);
    // The fixture's Timeout is 600 s, counted from when the request arrived.
    expect(deadline).toBe(Date.UTC(2026, 10, 25, 12, 0, 0) + 600_000);
    let stoppedAt: number | undefined;
    while (stoppedAt === undefined && clock.now() < deadline + 10 * periodMs) {
      await clock.sleep(periodMs);
      const log = await scheduledSweep(input, ecs, clock);
      if (ecs.stopped().length > 0) {
        stoppedAt = clock.now();
        expect(log.text()).toContain(fixtures.create().StackId);
      } else expect(clock.now()).toBeLessThan(deadline + SWEEP_MARGIN_MS);
    }
    expect(stoppedAt).toBeGreaterThanOrEqual(deadline + SWEEP_MARGIN_MS);
    expect(stoppedAt).toBeLessThanOrEqual(deadline + SWEEP_MARGIN_MS + periodMs);
    expect(ecs.stopped()[0]?.stoppedReason).toBe(
      `ecs-task-runner: past its deadline ${new Date(deadline).toISOString()}; stopped by the scheduled sweep`,
    );
  });

  it('never touches a task within its deadline, however often it sweeps', async () => {
    const { input, periodMs } = templateSchedule();
    const ecs = new FakeEcsCluster();
    const { clock, deadline } = await runWhoseRunnerWasKilled(ecs);
    while (clock.now() + periodMs < deadline + SWEEP_MARGIN_MS) {
      await clock.sleep(periodMs);
      await scheduledSweep(input, ecs, clock);
    }
    expect(ecs.calls.filter((call) => call.name === 'describeTasks').length).toBeGreaterThan(0);
    expect(ecs.calls.map((call) => call.name)).not.toContain('stopTask');
  });

  it('counts the tasks it stopped as SweptTasks, and says so when SWEEP_CLUSTERS names no cluster', async () => {
    const ecs = new FakeEcsCluster();
    const clock = new FakeClock();
    ecs.add(CLUSTER, TASK_ARN, [
      { key: 'ecs-task-runner:resource', value: 'a'.repeat(64) },
      { key: 'ecs-task-runner:deadline', value: new Date(clock.now() - 3_600_000).toISOString() },
    ]);
    const lines: string[] = [];
    const metrics = new InvocationMetrics({
      service: 'ecs-task-runner',
      write: (line) => lines.push(line),
      now: () => 0,
    });
    await sweep({ ecs, clock, log: new RecordingLog(), clusters: ` ${CLUSTER} ,`, metrics });
    await metrics.flush();
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([
      expect.objectContaining({ service: 'ecs-task-runner', Sweep: 'PastDeadline', SweptTasks: 1 }),
    ]);

    const log = new RecordingLog();
    await sweep({ ecs, clock, log, clusters: '' });
    expect(log.entries.map((entry) => entry.message)).toEqual([
      'SWEEP_CLUSTERS names no cluster: the sweep has nowhere to look, and tasks past their deadline run on',
    ]);
  });

  it('is no sweep when it comes through the topic or carries another version', () => {
    const { input } = templateSchedule();
    const throughTopic = {
      Records: [{ EventSource: 'aws:sns', Sns: { Message: JSON.stringify(input) } }],
    };
    expect(deliveryOf(throughTopic)).toEqual({ kind: 'topic', message: input });
    expect(deliveryOf({ ecsTaskRunnerSweep: 2 })).toEqual({ kind: 'invoke', event: { ecsTaskRunnerSweep: 2 } });
  });
});
