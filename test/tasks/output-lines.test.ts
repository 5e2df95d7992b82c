import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeTasksCommand } from '@aws-sdk/client-ecs';
import {
  OUTPUT_RECHECK_MS,
  OUTPUT_WAIT_AFTER_STOP_MS,
  parseOutputLine,
  parseOutputLines,
  readTaskOutputs,
} from '../../src/tasks/task-outputs';
import { mockedAws, stoppedTask, TASK_ARN } from '../support/aws-mocks';
import { FakeClock, RecordingLog } from '../support/fakes';

const aws = mockedAws();
const TASK_ID = TASK_ARN.split('/').pop() as string;
const SECOND_TASK = TASK_ARN.replace('0a1b2c3d', '9f8e7d6c');
const LOGS = { migrate: { group: '/ecs/todobackend', region: 'eu-west-1', streamPrefix: 'todobackend' } };

const read = (
  names: string[],
  options: {
    taskArns?: string[];
    logs?: typeof LOGS | Record<string, { group: string; region: string }>;
    clock?: FakeClock;
  } = {},
) =>
  readTaskOutputs(
    { logs: () => aws.ports.logs(), clock: options.clock ?? new FakeClock(), log: new RecordingLog() },
    {
      cluster: 'todobackend-cluster',
      taskArns: options.taskArns ?? [TASK_ARN],
      logs: options.logs ?? LOGS,
      names,
      // The tasks stopped when the fake clocks start.
      giveUpAt: new FakeClock().now() + OUTPUT_WAIT_AFTER_STOP_MS,
      until: Number.POSITIVE_INFINITY,
    },
  );

beforeEach(() => {
  aws.reset();
  // The tasks stopped just now: a name not found is looked for once more after the settle time.
  aws.ecs
    .on(DescribeTasksCommand)
    .resolves({ tasks: [stoppedTask(0, { stoppedAt: new Date(new FakeClock().now()) })] });
});

describe('an output line', () => {
  it('ends its value at the end of its line (LF or CRLF)', () => {
    expect(parseOutputLine('ECS_TASK_RUNNER_OUTPUT Notes=first\nsecond\r\n')).toEqual({
      name: 'Notes',
      value: 'first',
    });
    expect(parseOutputLine('ECS_TASK_RUNNER_OUTPUT Version=0042\r\n')).toEqual({ name: 'Version', value: '0042' });
    expect(parseOutputLine('\tECS_TASK_RUNNER_OUTPUT Version=0042')).toEqual({ name: 'Version', value: '0042' });
  });

  it('needs the marker, one space, a name and an equals sign', () => {
    expect(parseOutputLine('ECS_TASK_RUNNER_OUTPUTVersion=0042')).toBeUndefined();
    expect(parseOutputLine('ECS_TASK_RUNNER_OUTPUT Version 0042')).toBeUndefined();
    expect(parseOutputLine('ECS_TASK_RUNNER_OUTPUT =0042')).toBeUndefined();
    expect(parseOutputLine('x ECS_TASK_RUNNER_OUTPUT Version=0042')).toBeUndefined();
  });
});

describe('an event of several lines (awslogs-multiline-pattern, awslogs-datetime-format)', () => {
  it('yields every output line in it, the last first, each value ending at its line', () => {
    const event = [
      '2026-11-25 12:00:01 INFO Applying todo.0042_add_index... OK',
      'ECS_TASK_RUNNER_OUTPUT SchemaVersion=0041',
      '  ECS_TASK_RUNNER_OUTPUT TenantId=t-7',
      'ECS_TASK_RUNNER_OUTPUT SchemaVersion=0042',
      'Done.',
    ].join('\n');
    expect(parseOutputLines(event)).toEqual([
      { name: 'SchemaVersion', value: '0042' },
      { name: 'TenantId', value: 't-7' },
      { name: 'SchemaVersion', value: '0041' },
    ]);
  });

  it('ignores a marker that does not start its line', () => {
    expect(parseOutputLines('2026-11-25 12:00:01 + echo ECS_TASK_RUNNER_OUTPUT SchemaVersion=0042')).toEqual([]);
  });
});

describe('reading the outputs', () => {
  it("takes, of two lines printed at the same moment by two tasks, the later task's", async () => {
    aws.logs
      .on(GetLogEventsCommand, { logStreamName: `todobackend/migrate/${TASK_ID}` })
      .resolves({ events: [{ message: 'ECS_TASK_RUNNER_OUTPUT Winner=first', timestamp: 20 }] });
    aws.logs
      .on(GetLogEventsCommand, { logStreamName: `todobackend/migrate/${SECOND_TASK.split('/').pop() as string}` })
      .resolves({ events: [{ message: 'ECS_TASK_RUNNER_OUTPUT Winner=second', timestamp: 20 }] });
    expect(await read(['Winner'], { taskArns: [TASK_ARN, SECOND_TASK] })).toMatchObject({
      values: { Winner: 'second' },
      notFound: [],
    });
  });

  it('stops paging a stream once every name is found, also when more pages are left', async () => {
    aws.logs.on(GetLogEventsCommand).resolves({
      events: [{ message: 'ECS_TASK_RUNNER_OUTPUT Version=0042', timestamp: 5 }],
      nextBackwardToken: 'b/older',
    });
    const clock = new FakeClock();
    expect(await read(['Version'], { clock })).toEqual({
      kind: 'read',
      values: { Version: '0042' },
      notFound: [],
      truncatedStreams: [],
    });
    expect(aws.logs).toHaveReceivedCommandTimes(GetLogEventsCommand, 1);
    expect(clock.sleeps).toEqual([]);
  });

  it("stops at a stream's start when GetLogEvents gives no backward token", async () => {
    aws.logs.on(GetLogEventsCommand).resolves({ events: [{ message: 'done', timestamp: 5 }] });
    expect(await read(['Version'])).toMatchObject({
      kind: 'read',
      values: { Version: '' },
      notFound: ['Version'],
      truncatedStreams: [],
    });
    // One page per look (every recheck until the bound), never a second page.
    expect(aws.logs).toHaveReceivedCommandTimes(GetLogEventsCommand, OUTPUT_WAIT_AFTER_STOP_MS / OUTPUT_RECHECK_MS + 1);
  });

  it('reads no stream when the awslogs configuration has no stream prefix (the stream name cannot be known)', async () => {
    const clock = new FakeClock();
    const result = await read(['Version'], {
      logs: { migrate: { group: '/ecs/todobackend', region: 'eu-west-1' } },
      clock,
    });
    expect(result).toEqual({ kind: 'read', values: { Version: '' }, notFound: ['Version'], truncatedStreams: [] });
    expect(aws.logs).not.toHaveReceivedCommand(GetLogEventsCommand);
  });

  it('does not read again after a stream could not be read', async () => {
    aws.logs
      .on(GetLogEventsCommand)
      .rejects(
        Object.assign(new Error('not authorized to perform: logs:GetLogEvents'), { name: 'AccessDeniedException' }),
      );
    const clock = new FakeClock();
    expect(await read(['Version'], { clock })).toMatchObject({ kind: 'unreadable' });
    expect(aws.logs).toHaveReceivedCommandTimes(GetLogEventsCommand, 1);
    expect(clock.sleeps).toEqual([]);
  });

  it('finds a marker inside an event of several lines, the last line of a name winning', async () => {
    aws.logs.on(GetLogEventsCommand).resolves({
      events: [
        { message: 'ECS_TASK_RUNNER_OUTPUT SchemaVersion=0040', timestamp: 1 },
        {
          message:
            '2026-11-25 12:00:01 migrated\nECS_TASK_RUNNER_OUTPUT SchemaVersion=0042\nECS_TASK_RUNNER_OUTPUT TenantId=t-7\nbye',
          timestamp: 2,
        },
      ],
    });
    expect(await read(['SchemaVersion', 'TenantId'])).toMatchObject({
      values: { SchemaVersion: '0042', TenantId: 't-7' },
      notFound: [],
    });
  });
});

describe('a declared output not found at first', () => {
  const START = new FakeClock().now();
  const line = { message: 'ECS_TASK_RUNNER_OUTPUT SchemaVersion=0042', timestamp: START + 28_000 };

  /** ECS detaches the task's network for 25 s (DEACTIVATING) before it is STOPPED; the line is ingested at 28 s. */
  function stoppingTask(clock: FakeClock, lineIngested = true) {
    aws.ecs.on(DescribeTasksCommand).callsFake(() => ({
      tasks: [
        clock.now() - START < 25_000
          ? stoppedTask(0, { lastStatus: 'DEACTIVATING' })
          : stoppedTask(0, { stoppedAt: new Date(START + 25_000) }),
      ],
    }));
    aws.logs
      .on(GetLogEventsCommand)
      .callsFake(() => ({ events: lineIngested && clock.now() >= line.timestamp ? [line] : [] }));
  }

  it('is read again while the task stops, and found once its last lines are ingested', async () => {
    const clock = new FakeClock();
    stoppingTask(clock);
    expect(await read(['SchemaVersion'], { clock })).toMatchObject({ values: { SchemaVersion: '0042' }, notFound: [] });
    expect(clock.sleeps).toEqual([OUTPUT_RECHECK_MS, OUTPUT_RECHECK_MS, OUTPUT_RECHECK_MS]);
  });

  it('is given up at the bound, OUTPUT_WAIT_AFTER_STOP_MS after the tasks stopped, read once more then', async () => {
    const clock = new FakeClock();
    stoppingTask(clock, false);
    expect(await read(['SchemaVersion'], { clock })).toMatchObject({
      kind: 'read',
      values: { SchemaVersion: '' },
      notFound: ['SchemaVersion'],
    });
    // Reads at 0, 10, …, 60 s: every OUTPUT_RECHECK_MS, the last at the bound.
    expect(aws.logs).toHaveReceivedCommandTimes(GetLogEventsCommand, OUTPUT_WAIT_AFTER_STOP_MS / OUTPUT_RECHECK_MS + 1);
    expect(clock.now() - START).toBe(OUTPUT_WAIT_AFTER_STOP_MS);
  });

  it('is found 35 s after the task stopped, whatever ECS says of the task meanwhile', async () => {
    const clock = new FakeClock();
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [stoppedTask(0, { stoppedAt: new Date(START) })] });
    aws.logs
      .on(GetLogEventsCommand)
      .callsFake(() => ({ events: clock.now() - START >= 35_000 ? [{ ...line, timestamp: START + 35_000 }] : [] }));
    expect(await read(['SchemaVersion'], { clock })).toMatchObject({ values: { SchemaVersion: '0042' }, notFound: [] });
    expect(clock.now() - START).toBe(40_000);
  });

  it('is cut short when this invocation must stop reading before the bound: another reads on', async () => {
    const limited = new FakeClock();
    aws.logs.on(GetLogEventsCommand).resolves({ events: [] });
    const result = await readTaskOutputs(
      { logs: () => aws.ports.logs(), clock: limited, log: new RecordingLog() },
      {
        cluster: 'todobackend-cluster',
        taskArns: [TASK_ARN],
        logs: LOGS,
        names: ['SchemaVersion'],
        giveUpAt: START + OUTPUT_WAIT_AFTER_STOP_MS,
        until: START + 15_000,
      },
    );
    expect(result).toMatchObject({ kind: 'time-short', notFound: ['SchemaVersion'] });
    expect(limited.sleeps).toEqual([OUTPUT_RECHECK_MS]);
  });

  it('is cut short, not unreadable, when GetLogEvents is throttled until this invocation must stop', async () => {
    const limited = new FakeClock();
    aws.logs
      .on(GetLogEventsCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const request = {
      cluster: 'todobackend-cluster',
      taskArns: [TASK_ARN],
      logs: LOGS,
      names: ['SchemaVersion'],
      giveUpAt: START + OUTPUT_WAIT_AFTER_STOP_MS,
      until: START + 15_000,
    };
    const deps = { logs: () => aws.ports.logs(), clock: limited, log: new RecordingLog() };
    expect(await readTaskOutputs(deps, request)).toMatchObject({ kind: 'time-short', values: { SchemaVersion: '' } });
    // At the bound itself, it is unreadable, as before.
    expect(await readTaskOutputs(deps, { ...request, giveUpAt: limited.now() + 5_000, until: Infinity })).toMatchObject(
      { kind: 'unreadable' },
    );
  });
});
