import {
  DescribeTasksCommand,
  type DescribeTasksCommandInput,
  ListTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { fullJitterBackoffMs } from '../../src/runtime/delays';
import { STOP_WAIT_POLL_MS, waitUntilStopped } from '../../src/tasks/running-tasks';
import { MIN_INVOCATION_MS } from '../../src/runtime/time-budget';
import { ecsTask, mockedAws, stoppedTask, stubHappyPath, TASK_ARN } from '../support/aws-mocks';
import { FakeClock, fakeInvocation, RecordingLog } from '../support/fakes';
import { fixtures, withProperties } from '../support/fixtures';
import { invokeWith } from '../support/invoke';

const aws = mockedAws();
const invoke = invokeWith(aws.ports);
const EARLIER_TASK = TASK_ARN.replace('0a1b2c3d', 'e1e2e3e4');
const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });

beforeEach(() => {
  stubHappyPath(aws);
  aws.ecs.on(DescribeTasksCommand, { tasks: [TASK_ARN] }).resolves({ tasks: [stoppedTask(0)] });
});

describe('looking for an earlier run (IfRunning)', () => {
  it('asks ListTasks again with backoff while ECS throttles it, then starts', async () => {
    let calls = 0;
    aws.ecs.on(ListTasksCommand).callsFake(() => {
      if (calls++ < 3) throw throttled();
      return { taskArns: [] };
    });
    const { response, clock } = await invoke(withProperties(fixtures.update(), { IfRunning: 'Wait' }));
    expect(response?.Status).toBe('SUCCESS');
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
    const startedBy = aws.ecs.commandCalls(ListTasksCommand)[0]?.args[0].input.startedBy ?? '';
    expect(clock.sleeps.slice(0, 3)).toEqual([1, 2, 3].map((failures) => fullJitterBackoffMs(failures, startedBy)));
  });

  it('stops asking while this invocation still has the time to answer (MIN_INVOCATION_MS before its end)', async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const askedAt: number[] = [];
    aws.ecs.on(ListTasksCommand).callsFake(() => {
      askedAt.push(clock.now() - start);
      throw throttled();
    });
    const { response, log } = await invoke(withProperties(fixtures.update(), { IfRunning: 'Wait', Timeout: '3600' }), {
      clock,
      budgetMs: 120_000,
    });
    expect(response?.Status).toBe('FAILED');
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(Math.max(...askedAt)).toBe(120_000 - MIN_INVOCATION_MS);
    expect(log.entries).toContainEqual({
      level: 'warn',
      message: "Looking for an earlier run's tasks failed; asking again with backoff",
      extra: [{ error: 'ThrottlingException: Rate exceeded', failures: 1 }],
    });
  });

  it('still refuses when ListTasks is denied', async () => {
    aws.ecs
      .on(ListTasksCommand)
      .rejects(Object.assign(new Error('not authorized to perform: ecs:ListTasks'), { name: 'AccessDeniedException' }));
    const { response, log } = await invoke(withProperties(fixtures.update(), { IfRunning: 'Wait' }));
    expect(response?.Reason).toMatch(/^Not started: the runner's role may not call ecs:ListTasks/);
    // Only the IAM-propagation retries the ports already make, never the backoff of a throttled call.
    expect(log.entries.filter((entry) => entry.message.includes('asking again with backoff'))).toEqual([]);
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
  });
});

describe('waiting for an earlier run to stop', () => {
  function waitDeps() {
    const clock = new FakeClock();
    return { clock, deps: { ecs: aws.ports.ecs, clock, invocation: fakeInvocation(clock), log: new RecordingLog() } };
  }

  it('backs off beyond its regular wait while DescribeTasks is throttled, and waits on', async () => {
    aws.reset();
    let polls = 0;
    aws.ecs.on(DescribeTasksCommand).callsFake(() => {
      if (polls++ < 7) throw throttled();
      return { tasks: [stoppedTask(0, { taskArn: EARLIER_TASK })] };
    });
    const { clock, deps } = waitDeps();
    expect(await waitUntilStopped('todobackend-cluster', [EARLIER_TASK], clock.now() + 600_000, deps)).toEqual({
      kind: 'stopped',
    });
    const expected = [1, 2, 3, 4, 5, 6, 7].map((n) =>
      Math.max(STOP_WAIT_POLL_MS, fullJitterBackoffMs(n, EARLIER_TASK)),
    );
    expect(clock.sleeps).toEqual(expected);
  });

  it('at the Timeout says the status could not be read, and why, starting and stopping nothing', async () => {
    aws.ecs.on(ListTasksCommand).resolves({ taskArns: [EARLIER_TASK] });
    aws.ecs.on(DescribeTasksCommand, { tasks: [EARLIER_TASK] }).callsFake((input: DescribeTasksCommandInput) => {
      if (input.include?.includes('TAGS')) return { tasks: [ecsTask({ taskArn: EARLIER_TASK })] };
      throw throttled();
    });
    const { response } = await invoke(withProperties(fixtures.update(), { IfRunning: 'Wait', Timeout: '60' }));
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toMatch(
      /^Timed out after 60 s waiting for an earlier run of this resource to end \(IfRunning Wait\): .* Their status could not be read for the last 60 s before the deadline: DescribeTasks failed: ThrottlingException: Rate exceeded\.$/,
    );
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(aws.ecs).not.toHaveReceivedCommand(StopTaskCommand);
  });
});
