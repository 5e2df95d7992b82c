import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeTasksCommand } from '@aws-sdk/client-ecs';
import {
  MAX_PAGES_PER_STREAM,
  OUTPUT_RECHECK_MS,
  parseOutputLine,
  readTaskOutputs,
} from '../../src/tasks/task-outputs';
import { mockedAws, stoppedTask, TASK_ARN } from '../support/aws-mocks';
import { FakeClock, RecordingLog } from '../support/fakes';

const aws = mockedAws();
const TASK_ID = TASK_ARN.split('/').pop() as string;
const SECOND_TASK = TASK_ARN.replace('0a1b2c3d', '9f8e7d6c');
const LOGS = { migrate: { group: '/ecs/todobackend', region: 'eu-west-1', streamPrefix: 'todobackend' } };
const STREAM = `todobackend/migrate/${TASK_ID}`;

/** Read with a bound one recheck away: a name not found is looked for once more. */
const read = (names: string[], taskArns: string[] = [TASK_ARN], clock = new FakeClock()) =>
  readTaskOutputs(
    { logs: () => aws.ports.logs(), clock, log: new RecordingLog() },
    {
      cluster: 'todobackend-cluster',
      taskArns,
      logs: LOGS,
      names,
      giveUpAt: clock.now() + OUTPUT_RECHECK_MS,
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

describe('parseOutputLine', () => {
  it('reads Name=Value at the start of a line; the value is the rest of the line', () => {
    expect(parseOutputLine('ECS_TASK_RUNNER_OUTPUT SchemaVersion=0042_add_index')).toEqual({
      name: 'SchemaVersion',
      value: '0042_add_index',
    });
    expect(parseOutputLine('  ECS_TASK_RUNNER_OUTPUT Url=https://x.example/?a=b c\n')).toEqual({
      name: 'Url',
      value: 'https://x.example/?a=b c',
    });
    expect(parseOutputLine('ECS_TASK_RUNNER_OUTPUT Empty=')).toEqual({ name: 'Empty', value: '' });
  });

  it('ignores other lines, and the marker in the middle of a line', () => {
    expect(parseOutputLine('Applying todo.0042_add_index... OK')).toBeUndefined();
    expect(parseOutputLine('echo ECS_TASK_RUNNER_OUTPUT SchemaVersion=1')).toBeUndefined();
    expect(parseOutputLine('ECS_TASK_RUNNER_OUTPUT schema_version=1')).toBeUndefined();
  });
});

describe('readTaskOutputs', () => {
  it('reads the newest page first and the last line wins', async () => {
    aws.logs.on(GetLogEventsCommand).resolves({
      events: [
        { message: 'ECS_TASK_RUNNER_OUTPUT SchemaVersion=0041', timestamp: 1 },
        { message: 'Applying todo.0042_add_index... OK', timestamp: 2 },
        { message: 'ECS_TASK_RUNNER_OUTPUT SchemaVersion=0042', timestamp: 3 },
        { message: 'ECS_TASK_RUNNER_OUTPUT Undeclared=x', timestamp: 4 },
      ],
      nextBackwardToken: 'b/1',
    });
    const result = await read(['SchemaVersion']);
    expect(result).toEqual({ kind: 'read', values: { SchemaVersion: '0042' }, notFound: [], truncatedStreams: [] });
    expect(aws.logs).toHaveReceivedCommandTimes(GetLogEventsCommand, 1);
    expect(aws.logs).toHaveReceivedCommandWith(GetLogEventsCommand, {
      logGroupName: '/ecs/todobackend',
      logStreamName: STREAM,
      startFromHead: false,
    });
  });

  it('pages backward until every name is found, and stops at the start of the stream', async () => {
    aws.logs
      .on(GetLogEventsCommand)
      .resolvesOnce({
        events: [{ message: 'ECS_TASK_RUNNER_OUTPUT TenantId=t-7', timestamp: 30 }],
        nextBackwardToken: 'b/2',
      })
      .resolvesOnce({
        events: [{ message: 'ECS_TASK_RUNNER_OUTPUT SchemaVersion=0042', timestamp: 20 }],
        nextBackwardToken: 'b/1',
      })
      .resolves({ events: [], nextBackwardToken: 'b/1' });
    const result = await read(['SchemaVersion', 'TenantId']);
    expect(result).toMatchObject({ kind: 'read', values: { SchemaVersion: '0042', TenantId: 't-7' }, notFound: [] });
    const tokens = aws.logs.commandCalls(GetLogEventsCommand).map((call) => call.args[0].input.nextToken);
    expect(tokens).toEqual([undefined, 'b/2']);
  });

  it('stops at the start of a stream when a page answers without a backward token', async () => {
    aws.logs
      .on(GetLogEventsCommand)
      .resolves({ events: [{ message: 'done', timestamp: 2 }], nextBackwardToken: 'b/1' });
    aws.logs
      .on(GetLogEventsCommand, { nextToken: 'b/1' })
      .resolves({ events: [{ message: 'starting', timestamp: 1 }] });
    const result = await read(['SchemaVersion']);
    expect(result).toEqual({
      kind: 'read',
      values: { SchemaVersion: '' },
      notFound: ['SchemaVersion'],
      truncatedStreams: [],
    });
    // Two pages, and the same two again at the bound.
    expect(aws.logs.commandCalls(GetLogEventsCommand).map((call) => call.args[0].input.nextToken)).toEqual([
      undefined,
      'b/1',
      undefined,
      'b/1',
    ]);
  });

  it('gives an empty value for a name never printed, after reading once more at the bound', async () => {
    aws.logs
      .on(GetLogEventsCommand)
      .resolves({ events: [{ message: 'done', timestamp: 1 }], nextBackwardToken: 'b/0' });
    aws.logs.on(GetLogEventsCommand, { nextToken: 'b/0' }).resolves({ events: [], nextBackwardToken: 'b/0' });
    const clock = new FakeClock();
    const result = await read(['SchemaVersion'], [TASK_ARN], clock);
    expect(result).toEqual({
      kind: 'read',
      values: { SchemaVersion: '' },
      notFound: ['SchemaVersion'],
      truncatedStreams: [],
    });
    expect(clock.sleeps).toEqual([OUTPUT_RECHECK_MS]);
  });

  it('finds a line that reached CloudWatch Logs only after the container stopped', async () => {
    aws.logs
      .on(GetLogEventsCommand)
      .resolvesOnce({ events: [], nextBackwardToken: 'b/0' })
      .resolves({
        events: [{ message: 'ECS_TASK_RUNNER_OUTPUT SchemaVersion=0042', timestamp: 5 }],
        nextBackwardToken: 'b/0',
      });
    expect(await read(['SchemaVersion'])).toMatchObject({ values: { SchemaVersion: '0042' }, notFound: [] });
  });

  it('reads no further than its page limit in a very long stream, and says which stream', async () => {
    let page = 0;
    aws.logs.on(GetLogEventsCommand).callsFake(() => ({
      events: [{ message: `noise ${page}`, timestamp: 1000 - page }],
      nextBackwardToken: `b/${++page}`,
    }));
    const result = await read(['SchemaVersion']);
    expect(result).toMatchObject({
      kind: 'read',
      values: { SchemaVersion: '' },
      truncatedStreams: [`/ecs/todobackend ${STREAM}`],
    });
    expect(aws.logs).toHaveReceivedCommandTimes(GetLogEventsCommand, 2 * MAX_PAGES_PER_STREAM);
  });

  it('takes the newest line across tasks', async () => {
    aws.logs
      .on(GetLogEventsCommand, { logStreamName: STREAM })
      .resolves({ events: [{ message: 'ECS_TASK_RUNNER_OUTPUT Winner=first', timestamp: 20 }] });
    aws.logs
      .on(GetLogEventsCommand, { logStreamName: `todobackend/migrate/${SECOND_TASK.split('/').pop() as string}` })
      .resolves({ events: [{ message: 'ECS_TASK_RUNNER_OUTPUT Winner=second', timestamp: 10 }] });
    expect(await read(['Winner'], [TASK_ARN, SECOND_TASK])).toMatchObject({ values: { Winner: 'first' } });
  });

  it('treats a stream that does not exist as one that printed nothing, and any other error as a failure', async () => {
    aws.logs
      .on(GetLogEventsCommand)
      .rejects(
        Object.assign(new Error('The specified log stream does not exist.'), { name: 'ResourceNotFoundException' }),
      );
    expect(await read(['SchemaVersion'])).toMatchObject({ kind: 'read', values: { SchemaVersion: '' } });
    const denied = Object.assign(new Error('not authorized to perform: logs:GetLogEvents'), {
      name: 'AccessDeniedException',
    });
    aws.logs.on(GetLogEventsCommand).rejects(denied);
    expect(await read(['SchemaVersion'])).toEqual({
      kind: 'unreadable',
      where: { region: 'eu-west-1', group: '/ecs/todobackend', stream: STREAM },
      error: denied,
    });
  });
});
