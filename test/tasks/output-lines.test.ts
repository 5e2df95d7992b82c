import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { parseOutputLine, readTaskOutputs } from '../../src/tasks/task-outputs';
import { mockedAws, TASK_ARN } from '../support/aws-mocks';
import { FakeClock } from '../support/fakes';

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
  readTaskOutputs(() => aws.ports.logs(), options.clock ?? new FakeClock(), {
    taskArns: options.taskArns ?? [TASK_ARN],
    logs: options.logs ?? LOGS,
    names,
  });

beforeEach(() => aws.reset());

describe('an output line', () => {
  it('keeps a value that spans lines, less only its final line ending (LF or CRLF)', () => {
    expect(parseOutputLine('ECS_TASK_RUNNER_OUTPUT Notes=first\nsecond\r\n')).toEqual({
      name: 'Notes',
      value: 'first\nsecond',
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
      ok: true,
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
      ok: true,
      values: { Version: '' },
      notFound: ['Version'],
      truncatedStreams: [],
    });
    // Once, and once more after the settle time.
    expect(aws.logs).toHaveReceivedCommandTimes(GetLogEventsCommand, 2);
  });

  it('reads no stream when the awslogs configuration has no stream prefix (the stream name cannot be known)', async () => {
    const clock = new FakeClock();
    const result = await read(['Version'], {
      logs: { migrate: { group: '/ecs/todobackend', region: 'eu-west-1' } },
      clock,
    });
    expect(result).toEqual({ ok: true, values: { Version: '' }, notFound: ['Version'], truncatedStreams: [] });
    expect(aws.logs).not.toHaveReceivedCommand(GetLogEventsCommand);
  });

  it('does not read again after a stream could not be read', async () => {
    aws.logs
      .on(GetLogEventsCommand)
      .rejects(
        Object.assign(new Error('not authorized to perform: logs:GetLogEvents'), { name: 'AccessDeniedException' }),
      );
    const clock = new FakeClock();
    expect(await read(['Version'], { clock })).toMatchObject({ ok: false });
    expect(aws.logs).toHaveReceivedCommandTimes(GetLogEventsCommand, 1);
    expect(clock.sleeps).toEqual([]);
  });
});
