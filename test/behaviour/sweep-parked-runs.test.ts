import { DescribeTasksCommand, RunTaskCommand, StopTaskCommand, type Task } from '@aws-sdk/client-ecs';
import type { ResponseBody } from '../../src/response/response-body';
import type { RunItem } from '../../src/run/run-item';
import { runItemKey } from '../../src/run/run-item';
import { SWEEP_QUIET_MS } from '../../src/sweep/sweep-parked-runs';
import { sweep } from '../../src/sweep/sweep';
import { ecsTask, mockedAws, stoppedTask, stubHappyPath, TASK_ARN } from '../support/aws-mocks';
import { FakeClock, fakeInvocation, MemoryStateTable, RecordingLog, recordingHttp } from '../support/fakes';
import { fixtures } from '../support/fixtures';
import { invokeWith } from '../support/invoke';

const aws = mockedAws();
let table = new MemoryStateTable();
const ports = { ...aws.ports, stateTable: async () => table };
const invoke = invokeWith(ports);
const START = Date.UTC(2026, 10, 25, 12, 0, 0);
const request = fixtures.create();

beforeEach(() => {
  stubHappyPath(aws);
  table = new MemoryStateTable();
  describeAnswers(ecsTask({ version: 2 }));
});

function describeAnswers(task: Task): void {
  aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [task] });
}

function runItem(): RunItem {
  return JSON.parse(table.items.get(runItemKey(request))?.body ?? '{}') as RunItem;
}

/** The fixtures' Create parked (a 5-minute function: its 600 s Timeout out of reach). */
async function parkedCreate(): Promise<void> {
  const { puts } = await invoke(request, { eventDriven: true, budgetMs: 300_000, clock: new FakeClock(START) });
  expect(puts).toHaveLength(0);
  expect(runItem().run?.state.kind).toBe('parked');
  aws.ecs.resetHistory();
}

/** One scheduled sweep at `at`, events on: what it sent to the ResponseURL. */
async function sweepAt(at: number, statuses: (number | Error)[] = []) {
  const clock = new FakeClock(at);
  const log = new RecordingLog();
  const { http, puts } = recordingHttp(statuses);
  const deps = { aws: ports, clock, invocation: fakeInvocation(clock), log, http, eventDriven: true };
  await sweep({ ecs: ports.ecs, clock, log, clusters: undefined, parkedRuns: deps });
  return { puts, responses: puts.map((put) => JSON.parse(put.body) as ResponseBody), log };
}

describe('the sweep of parked runs', () => {
  it('wakes a run whose stop event was lost, and answers it once', async () => {
    await parkedCreate();
    describeAnswers(stoppedTask(0, { version: 5 }));
    const { responses } = await sweepAt(START + 60_000 + SWEEP_QUIET_MS);
    expect(responses.map((body) => body.Status)).toEqual(['SUCCESS']);
    expect(runItem()).toMatchObject({ generation: 2, answered: true });
    // A later sweep finds nothing left to do.
    aws.ecs.resetHistory();
    const later = await sweepAt(START + 60_000 + 2 * SWEEP_QUIET_MS);
    expect(later.puts).toHaveLength(0);
    expect(aws.ecs).not.toHaveReceivedCommand(DescribeTasksCommand);
  });

  it('leaves a run alone while its task runs within the deadline, and one parked only a moment ago', async () => {
    await parkedCreate();
    const soon = await sweepAt(START + 90_000);
    expect(aws.ecs).not.toHaveReceivedCommand(DescribeTasksCommand);
    const quiet = await sweepAt(START + 60_000 + SWEEP_QUIET_MS);
    expect([...soon.puts, ...quiet.puts]).toHaveLength(0);
    expect(aws.ecs).toHaveReceivedCommandTimes(DescribeTasksCommand, 1);
    expect(runItem()).toMatchObject({ generation: 1, run: { state: { kind: 'parked' } } });
  });

  it('reads the tasks of every quiet parked run of a cluster with one DescribeTasks', async () => {
    const arns = ['a', 'b'].map((id) => `arn:aws:ecs:us-east-1:123456789012:task/todobackend-cluster/${id}`);
    aws.ecs
      .on(RunTaskCommand)
      .resolvesOnce({ tasks: [{ taskArn: arns[0] }], failures: [] })
      .resolvesOnce({ tasks: [{ taskArn: arns[1] }], failures: [] });
    aws.ecs.on(DescribeTasksCommand).callsFake((input: { tasks: string[] }) => ({
      tasks: input.tasks.map((taskArn) => ecsTask({ taskArn, version: 2 })),
    }));
    for (const RequestId of ['request-a', 'request-b']) {
      const { puts } = await invoke(
        { ...fixtures.create(), RequestId },
        {
          eventDriven: true,
          budgetMs: 300_000,
          clock: new FakeClock(START),
        },
      );
      expect(puts).toHaveLength(0);
    }
    aws.ecs.resetHistory();
    const { puts } = await sweepAt(START + 60_000 + SWEEP_QUIET_MS);
    expect(puts).toHaveLength(0);
    expect(aws.ecs.commandCalls(DescribeTasksCommand).map((call) => call.args[0].input.tasks)).toEqual([arns]);
  });

  it('stops a run past its deadline and answers FAILED', async () => {
    await parkedCreate();
    const { responses } = await sweepAt(START + 700_000);
    expect(responses.map((body) => body.Status)).toEqual(['FAILED']);
    expect(responses[0]?.Reason).toContain('Timeout');
    expect(aws.ecs).toHaveReceivedCommandWith(StopTaskCommand, { task: TASK_ARN });
  });

  it('sends again a claimed answer whose PUT failed, the same body, until the ResponseURL expires', async () => {
    await parkedCreate();
    describeAnswers(stoppedTask(0, { version: 5 }));
    // The woken run's PUT fails every time (the SDK's own retries spent): the answer stays claimed, not answered.
    const failing = await invoke(stoppedEvent(), {
      eventDriven: true,
      clock: new FakeClock(START + 600_000),
      statuses: Array<number>(20).fill(500),
    });
    expect(failing.puts.length).toBeGreaterThan(0);
    const claimed = runItem();
    expect(claimed.answer).toBeDefined();
    expect(claimed.answered).toBeUndefined();
    const resent = await sweepAt(START + 900_000);
    expect(resent.puts.map((put) => put.body)).toEqual([claimed.answer?.body]);
    expect(runItem().answered).toBe(true);
    const none = await sweepAt(START + 1_200_000);
    expect(none.puts).toHaveLength(0);
  });

  it('does not send a claimed answer once the ResponseURL has expired', async () => {
    await parkedCreate();
    describeAnswers(stoppedTask(0, { version: 5 }));
    await invoke(stoppedEvent(), {
      eventDriven: true,
      clock: new FakeClock(START + 600_000),
      statuses: Array<number>(20).fill(500),
    });
    // X-Amz-Expires=7200 in the fixtures' ResponseURL.
    const { puts } = await sweepAt(START + 7_200_000);
    expect(puts).toHaveLength(0);
  });
});

/** The event of the task's stop, as ECS sends it. */
function stoppedEvent(): { source: string; 'detail-type': string; detail: Record<string, unknown> } {
  return {
    source: 'aws.ecs',
    'detail-type': 'ECS Task State Change',
    detail: {
      taskArn: TASK_ARN,
      clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/todobackend-cluster',
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      version: 5,
      containers: [{ name: 'migrate', exitCode: 0, lastStatus: 'STOPPED' }],
    },
  };
}
