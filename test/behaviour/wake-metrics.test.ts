import type { EcsEventEnvelope } from '../../src/runtime/ecs-event';
import { InvocationMetrics } from '../../src/runtime/metrics';
import { SWEEP_QUIET_MS } from '../../src/sweep/sweep-parked-runs';
import { sweep } from '../../src/sweep/sweep';
import { ecsTask, stoppedTask, TASK_ARN } from '../support/aws-mocks';
import { FakeClock, fakeInvocation, RecordingLog, recordingHttp } from '../support/fakes';
import { eventsOn } from '../support/events-on';
import { fixtures } from '../support/fixtures';

const events = eventsOn();
const { ports, invoke, describeAnswers } = events;
const START = Date.UTC(2026, 10, 25, 12, 0, 0);
const request = fixtures.create();

/** Metrics as the handler records them for one invocation at `at`; `documents()` flushes and reads its EMF lines. */
function metricsAt(at: number) {
  const clock = new FakeClock(at);
  const lines: string[] = [];
  const metrics = new InvocationMetrics({
    service: 'ecs-task-runner',
    write: (line) => lines.push(line),
    now: () => clock.now(),
  });
  const documents = async (name: 'Parks' | 'Wakes') => {
    await metrics.flush();
    return lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((document) => name in document);
  };
  return { clock, metrics, documents };
}

/** One invocation with events on and metrics, at `at`: what it answered and the EMF documents of `name`. */
async function invokeAt(at: number, event: unknown, name: 'Parks' | 'Wakes', budgetMs?: number) {
  const { clock, metrics, documents } = metricsAt(at);
  const result = await invoke(event, { eventDriven: true, clock, metrics, ...(budgetMs ? { budgetMs } : {}) });
  return { ...result, documents: await documents(name) };
}

/** The Create parked (a 5-minute function: its 600 s Timeout out of reach). */
async function parkedCreate() {
  const parked = await invokeAt(START, request, 'Parks', 300_000);
  expect(parked.puts).toHaveLength(0);
  return parked;
}

/** The EMF document of one `Wakes` count from `source` with `result`, exactly as CloudWatch reads it. */
function wakeDocument(at: number, source: string, result: string): Record<string, unknown> {
  return {
    _aws: {
      Timestamp: at,
      CloudWatchMetrics: [
        {
          Namespace: 'ECSTaskRunner',
          Dimensions: [['service', 'Source', 'Result']],
          Metrics: [{ Name: 'Wakes', Unit: 'Count' }],
        },
      ],
    },
    service: 'ecs-task-runner',
    Source: source,
    Result: result,
    Wakes: 1,
  };
}

describe('metrics of the event path, as EMF in the runner’s log', () => {
  it('count a park by request type', async () => {
    const { documents, clock } = await parkedCreate();
    expect(documents).toEqual([
      {
        _aws: {
          Timestamp: clock.now(),
          CloudWatchMetrics: [
            {
              Namespace: 'ECSTaskRunner',
              Dimensions: [['service', 'RequestType']],
              Metrics: [{ Name: 'Parks', Unit: 'Count' }],
            },
          ],
        },
        service: 'ecs-task-runner',
        RequestType: 'Create',
        Parks: 1,
      },
    ]);
  });

  it('count a wake by source and result: answered, then the same event again stale', async () => {
    await parkedCreate();
    describeAnswers(stoppedTask(0, { version: 5 }));
    const woken = await invokeAt(START + 300_000, taskEvent(5, 'STOPPED'), 'Wakes');
    expect(woken.response?.Status).toBe('SUCCESS');
    expect(woken.documents).toEqual([wakeDocument(woken.clock.now(), 'event', 'answered')]);
    const repeat = await invokeAt(START + 310_000, taskEvent(5, 'STOPPED'), 'Wakes');
    expect(repeat.puts).toHaveLength(0);
    expect(repeat.documents).toEqual([wakeDocument(repeat.clock.now(), 'event', 'stale')]);
  });

  it('count a wake whose task still runs as parked-again, and its park', async () => {
    await parkedCreate();
    describeAnswers(ecsTask({ version: 3 }));
    const { clock, metrics, documents } = metricsAt(START + 300_000);
    const { puts } = await invoke(taskEvent(3, 'RUNNING'), { eventDriven: true, clock, metrics });
    expect(puts).toHaveLength(0);
    expect(await documents('Wakes')).toEqual([wakeDocument(clock.now(), 'event', 'parked-again')]);
    expect(await documents('Parks')).toEqual([expect.objectContaining({ RequestType: 'Create', Parks: 1 })]);
  });

  it('count an event for a task the runner did not start as foreign, and one DescribeTasks never backs as unconfirmed', async () => {
    const foreign = await invokeAt(START, taskEvent(5, 'STOPPED', `${TASK_ARN}0`), 'Wakes');
    expect(foreign.documents).toEqual([wakeDocument(foreign.clock.now(), 'event', 'foreign')]);
    await parkedCreate();
    // ECS still reports version 2: the event's version 9 is never confirmed.
    const forged = await invokeAt(START + 300_000, taskEvent(9, 'STOPPED'), 'Wakes');
    expect(forged.puts).toHaveLength(0);
    expect(forged.documents).toEqual([wakeDocument(forged.clock.now(), 'event', 'unconfirmed')]);
  });

  it('count the sweep’s wake of a run whose event was lost', async () => {
    await parkedCreate();
    describeAnswers(stoppedTask(0, { version: 5 }));
    const { clock, metrics, documents } = metricsAt(START + 60_000 + SWEEP_QUIET_MS);
    const log = new RecordingLog();
    const { http, puts } = recordingHttp();
    const deps = { aws: ports, clock, invocation: fakeInvocation(clock), log, http, eventDriven: true, metrics };
    await sweep({ ecs: ports.ecs, clock, log, clusters: undefined, metrics, parkedRuns: deps });
    expect(puts).toHaveLength(1);
    expect(await documents('Wakes')).toEqual([wakeDocument(clock.now(), 'sweep', 'answered')]);
  });
});

/** An ECS Task State Change of the fixtures' task (or `taskArn`) at `version`, as ECS sends it. */
function taskEvent(version: number, lastStatus: string, taskArn = TASK_ARN): EcsEventEnvelope {
  return {
    source: 'aws.ecs',
    'detail-type': 'ECS Task State Change',
    detail: {
      taskArn,
      clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/todobackend-cluster',
      lastStatus,
      desiredStatus: 'STOPPED',
      version,
      containers: [{ name: 'migrate', ...(lastStatus === 'STOPPED' ? { exitCode: 0 } : {}), lastStatus }],
    },
  };
}
