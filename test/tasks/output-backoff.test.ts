import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeTasksCommand } from '@aws-sdk/client-ecs';
import { fullJitterBackoffMs } from '../../src/runtime/delays';
import { OUTPUT_RECHECK_MS, readTaskOutputs } from '../../src/tasks/task-outputs';
import { mockedAws, stoppedTask, TASK_ARN } from '../support/aws-mocks';
import { FakeClock, RecordingLog } from '../support/fakes';

const aws = mockedAws();
const TASK_ID = TASK_ARN.split('/').pop() as string;
const LOGS = { migrate: { group: '/ecs/todobackend', region: 'eu-west-1', streamPrefix: 'todobackend' } };
const STREAM = `todobackend/migrate/${TASK_ID}`;
const PRINTED = { events: [{ message: 'ECS_TASK_RUNNER_OUTPUT SchemaVersion=0042', timestamp: 1 }] };

const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
const unavailable = () =>
  Object.assign(new Error('Service Unavailable'), {
    name: 'ServiceUnavailableException',
    $fault: 'server',
    $metadata: { httpStatusCode: 503 },
  });

/** Read until `until`, which is also the bound (without one, a bound one recheck away: a name not found is read once more). */
function read(clock: FakeClock, log: RecordingLog, until = Number.POSITIVE_INFINITY) {
  const giveUpAt = Number.isFinite(until) ? until : clock.now() + OUTPUT_RECHECK_MS;
  return readTaskOutputs(
    { logs: () => aws.ports.logs(), clock, log },
    { cluster: 'todobackend-cluster', taskArns: [TASK_ARN], logs: LOGS, names: ['SchemaVersion'], giveUpAt, until },
  );
}

/** GetLogEvents fails with `failures` in turn, then answers `answer`; records when (virtual time) each call came. */
function failingThen(clock: FakeClock, failures: (() => Error)[], answer: object = PRINTED): number[] {
  const calledAt: number[] = [];
  aws.logs.on(GetLogEventsCommand).callsFake(() => {
    calledAt.push(clock.now());
    const failure = failures[calledAt.length - 1];
    if (failure) throw failure();
    return answer;
  });
  return calledAt;
}

beforeEach(() => {
  aws.reset();
  aws.ecs
    .on(DescribeTasksCommand)
    .resolves({ tasks: [stoppedTask(0, { stoppedAt: new Date(new FakeClock().now()) })] });
});

describe('reading the Outputs while CloudWatch Logs throttles GetLogEvents', () => {
  it('asks again with backoff, and returns the printed value', async () => {
    const clock = new FakeClock();
    const log = new RecordingLog();
    const calledAt = failingThen(clock, [throttled, throttled]);
    expect(await read(clock, log)).toEqual({
      kind: 'read',
      values: { SchemaVersion: '0042' },
      notFound: [],
      truncatedStreams: [],
    });
    expect(calledAt).toHaveLength(3);
    expect(clock.sleeps).toEqual([fullJitterBackoffMs(1, STREAM), fullJitterBackoffMs(2, STREAM)]);
    expect(log.entries.filter((entry) => entry.message.includes('asking again with backoff'))).toHaveLength(2);
  });

  it('asks again after a 5xx too', async () => {
    const clock = new FakeClock();
    failingThen(clock, [unavailable]);
    expect(await read(clock, new RecordingLog())).toMatchObject({ kind: 'read', values: { SchemaVersion: '0042' } });
    expect(clock.sleeps).toEqual([fullJitterBackoffMs(1, STREAM)]);
  });

  it('gives up at its bound: the stream is unreadable, no read starts later, and the log says after how many', async () => {
    const clock = new FakeClock();
    const log = new RecordingLog();
    const until = clock.now() + 20_000;
    const calledAt = failingThen(
      clock,
      Array.from({ length: 100 }, () => throttled),
    );
    const result = await read(clock, log, until);
    expect(result).toMatchObject({
      kind: 'unreadable',
      where: { region: 'eu-west-1', group: '/ecs/todobackend', stream: STREAM },
      error: { name: 'ThrottlingException' },
    });
    expect(calledAt.length).toBeGreaterThan(3);
    expect(Math.max(...calledAt)).toBeLessThanOrEqual(until);
    // The last wait ends at the bound, and one last read is made there.
    expect(calledAt.at(-1)).toBe(until);
    const gaveUp = log.entries.filter((entry) => entry.message.includes('gave up'));
    expect(gaveUp).toEqual([
      expect.objectContaining({
        level: 'warn',
        message: expect.stringContaining(`gave up after ${calledAt.length} attempt(s)`),
      }),
    ]);
    expect(gaveUp[0]?.extra[0]).toMatchObject({ attempts: calledAt.length });
  });

  it('reads once, with no wait, when the bound has already passed', async () => {
    const clock = new FakeClock();
    const calledAt = failingThen(clock, [throttled]);
    expect(await read(clock, new RecordingLog(), clock.now())).toMatchObject({ kind: 'unreadable' });
    expect(calledAt).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('does not ask again when access is denied', async () => {
    const clock = new FakeClock();
    const denied = () =>
      Object.assign(new Error('not authorized to perform: logs:GetLogEvents'), { name: 'AccessDeniedException' });
    const calledAt = failingThen(clock, [denied, denied]);
    expect(await read(clock, new RecordingLog())).toMatchObject({
      kind: 'unreadable',
      error: { name: 'AccessDeniedException' },
    });
    expect(calledAt).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('does not ask again for a stream that does not exist (it printed nothing)', async () => {
    const clock = new FakeClock();
    aws.logs
      .on(GetLogEventsCommand)
      .rejects(
        Object.assign(new Error('The specified log stream does not exist.'), { name: 'ResourceNotFoundException' }),
      );
    expect(await read(clock, new RecordingLog())).toMatchObject({ kind: 'read', notFound: ['SchemaVersion'] });
    // One read, and one more at the bound: never a backoff.
    expect(aws.logs).toHaveReceivedCommandTimes(GetLogEventsCommand, 2);
    expect(clock.sleeps).toEqual([OUTPUT_RECHECK_MS]);
  });
});
