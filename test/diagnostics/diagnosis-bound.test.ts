import { DescribeRouteTablesCommand } from '@aws-sdk/client-ec2';
import {
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  RunTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { withinBound } from '../../src/runtime/clock';
import {
  ANSWER_TIME_MS,
  DEADLINE_WORK_MS,
  DIAGNOSIS_TIME_MS,
  STOP_TIME_MS,
  timeBudget,
} from '../../src/runtime/time-budget';
import { ecsTask, mockedAws, stubHappyPath, TASK_ARN } from '../support/aws-mocks';
import { FakeClock, fakeInvocation } from '../support/fakes';
import { fixtures, withProperties } from '../support/fixtures';
import { invokeWith } from '../support/invoke';

const aws = mockedAws();
const invoke = invokeWith(aws.ports);
const INSTANCE_ARN =
  'arn:aws:ecs:us-east-1:123456789012:container-instance/todobackend-cluster/1f2e3d4c5b6a47988796a5b4c3d2e1f0';

beforeEach(() => stubHappyPath(aws));

describe('the deadline keeps what answering needs', () => {
  it('keeps time to stop the tasks, diagnose and answer, each bounded', () => {
    expect(DEADLINE_WORK_MS).toBe(STOP_TIME_MS + DIAGNOSIS_TIME_MS + ANSWER_TIME_MS);
    const clock = new FakeClock();
    const now = clock.now();
    const budget = timeBudget(now, { clock, invocation: fakeInvocation(clock, 100_000) });
    expect(budget.stopUntil()).toBe(now + STOP_TIME_MS);
    expect(budget.diagnosisUntil()).toBe(now + DIAGNOSIS_TIME_MS);
    // Never into the time kept for answering.
    const short = timeBudget(now, { clock, invocation: fakeInvocation(clock, ANSWER_TIME_MS + 5_000) });
    expect(short.stopUntil()).toBe(now + 5_000);
    expect(short.diagnosisUntil()).toBe(now + 5_000);
  });

  it('a bounded piece of work that outlasts its bound is cut short, one that answers in time is not', async () => {
    const clock = new FakeClock();
    // The work takes a minute of the clock's time once it has begun.
    const slow = Promise.resolve()
      .then(() => clock.sleep(60_000))
      .then(() => 'late');
    expect(await withinBound(slow, clock.now() + 15_000, clock)).toEqual({ kind: 'cut-short' });
    expect(await withinBound(Promise.resolve('found'), clock.now() + 15_000, clock)).toEqual({
      kind: 'done',
      value: 'found',
    });
  });
});

describe('slow-start diagnostics have a bound of their own', () => {
  it('at the deadline, a diagnosis AWS does not answer is cut short and the Reason says so', async () => {
    const clock = new FakeClock();
    const event = withProperties(fixtures.create(), { LaunchType: 'EC2', Timeout: '600' });
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask({ lastStatus: 'PROVISIONING' })] });
    // ECS takes a minute to answer the ENI diagnosis's first call.
    let askedAt = 0;
    aws.ecs.on(ListContainerInstancesCommand).callsFake(async () => {
      askedAt = clock.now();
      await clock.sleep(60_000);
      return { containerInstanceArns: [INSTANCE_ARN] };
    });
    aws.ec2.on(DescribeRouteTablesCommand).resolves({ RouteTables: [] });
    const { response, puts } = await invoke(event, { clock });
    expect(aws.ecs).toHaveReceivedCommandWith(StopTaskCommand, { task: TASK_ARN });
    expect(puts).toHaveLength(1);
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toMatch(/^Timed out after 600 s/);
    expect(response?.Reason).toContain(
      '(Could not read the ENI capacity: AWS did not answer in time, so the diagnosis was cut short.)',
    );
    expect(askedAt).toBeGreaterThan(0);
  });

  it('during the watch, a slow-start diagnosis that ECS does not answer is cut short and logged', async () => {
    const clock = new FakeClock();
    const event = withProperties(fixtures.create(), { LaunchType: 'EC2', Timeout: '600' });
    let polls = 0;
    aws.ecs.on(DescribeTasksCommand).callsFake(() => ({
      tasks: [polls++ < 80 ? ecsTask({ lastStatus: 'PROVISIONING' }) : ecsTask({ lastStatus: 'STOPPED' })],
    }));
    // ECS does not answer for ten minutes.
    aws.ecs.on(ListContainerInstancesCommand).callsFake(async () => {
      await clock.sleep(600_000);
      return { containerInstanceArns: [] };
    });
    const { log } = await invoke(event, { clock });
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
    expect(log.entries).toContainEqual(
      expect.objectContaining({ level: 'warn', message: 'A diagnosis was cut short at its bound' }),
    );
  });
});
