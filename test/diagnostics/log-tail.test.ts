import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { consoleLink, formatLogTail, logTailUntil, readLogTail } from '../../src/diagnostics/log-tail';
import { ANSWER_TIME_MS, LOG_TAIL_RETRY_MS, timeBudget } from '../../src/runtime/time-budget';
import { fullJitterBackoffMs } from '../../src/runtime/delays';
import { mockedAws, TASK_ARN } from '../support/aws-mocks';
import { FakeClock, RecordingLog } from '../support/fakes';

const aws = mockedAws();
const TASK_ID = TASK_ARN.split('/').pop() as string;
const STREAM = `todobackend/migrate/${TASK_ID}`;
const LOCATION = { group: '/ecs/todobackend', region: 'eu-west-1', streamPrefix: 'todobackend' };
const LINES = { events: [{ message: 'Applying todo.0042_add_index...' }, { message: 'relation "todo" exists' }] };

const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });

function tail(clock: FakeClock, log: RecordingLog, until = clock.now() + LOG_TAIL_RETRY_MS) {
  return readLogTail(
    { logs: () => aws.ports.logs(), clock, log },
    { taskArn: TASK_ARN, container: 'migrate', location: LOCATION, lines: 10, masked: [], until },
  );
}

/** GetLogEvents fails with `failures` in turn, then answers; records when (virtual time) each call came. */
function failingThen(clock: FakeClock, failures: (() => Error)[]): number[] {
  const calledAt: number[] = [];
  aws.logs.on(GetLogEventsCommand).callsFake(() => {
    calledAt.push(clock.now());
    const failure = failures[calledAt.length - 1];
    if (failure) throw failure();
    return LINES;
  });
  return calledAt;
}

beforeEach(() => aws.reset());

describe("a failed container's log tail while CloudWatch Logs throttles GetLogEvents", () => {
  it('is asked again with backoff, and has the lines', async () => {
    const clock = new FakeClock();
    const calledAt = failingThen(clock, [throttled, throttled]);
    const result = await tail(clock, new RecordingLog());
    expect(result.lines).toEqual(['Applying todo.0042_add_index...', 'relation "todo" exists']);
    expect(result.note).toBeUndefined();
    expect(calledAt).toHaveLength(3);
    expect(clock.sleeps).toEqual([fullJitterBackoffMs(1, STREAM), fullJitterBackoffMs(2, STREAM)]);
  });

  it('gives up at its bound with a note instead of the lines, as for any unreadable log, and logs the attempts', async () => {
    const clock = new FakeClock();
    const log = new RecordingLog();
    const until = clock.now() + LOG_TAIL_RETRY_MS;
    const calledAt = failingThen(
      clock,
      Array.from({ length: 100 }, () => throttled),
    );
    const result = await tail(clock, log, until);
    expect(result).toMatchObject({
      container: 'migrate',
      lines: [],
      note: 'could not read the log (ThrottlingException)',
    });
    expect(calledAt.length).toBeGreaterThan(3);
    expect(Math.max(...calledAt)).toBeLessThanOrEqual(until);
    expect(clock.now()).toBe(until);
    expect(log.text()).toContain(`gave up after ${calledAt.length} attempt(s)`);
    // Which read it was, in words an operator can look up.
    expect(log.text()).toContain(`Reading the log tail of "migrate" from /ecs/todobackend ${STREAM}`);
  });

  it('is not asked again when access is denied or the stream does not exist', async () => {
    const clock = new FakeClock();
    const denied = () =>
      Object.assign(new Error('not authorized to perform: logs:GetLogEvents'), { name: 'AccessDeniedException' });
    const missing = () =>
      Object.assign(new Error('The specified log stream does not exist.'), { name: 'ResourceNotFoundException' });
    for (const failure of [denied, missing]) {
      aws.reset();
      const calledAt = failingThen(clock, [failure, failure]);
      expect((await tail(clock, new RecordingLog())).lines).toEqual([]);
      expect(calledAt).toHaveLength(1);
    }
    expect(clock.sleeps).toEqual([]);
  });
});

describe('how long a log tail may be asked again', () => {
  const now = Date.UTC(2026, 10, 25, 12, 0, 0);
  const farDeadline = now + 3_600_000;
  /** The budget of a run with `deadline`, at `now`, in an invocation with `remainingMs` left. */
  const budgetAt = (remainingMs: number, deadline: number) =>
    timeBudget(deadline, {
      clock: { now: () => now },
      invocation: { functionArn: 'fn', remainingTimeMs: () => remainingMs },
    });

  it('is LOG_TAIL_RETRY_MS when the invocation and the run have time', () => {
    expect(logTailUntil(budgetAt(600_000, farDeadline))).toBe(now + LOG_TAIL_RETRY_MS);
  });

  it('leaves the invocation ANSWER_TIME_MS to answer', () => {
    expect(logTailUntil(budgetAt(ANSWER_TIME_MS + 5_000, farDeadline))).toBe(now + 5_000);
    // With less than that left, the tail is read once and never asked again.
    expect(logTailUntil(budgetAt(ANSWER_TIME_MS - 1_000, farDeadline))).toBeLessThan(now);
  });

  it("ends at the run's deadline: the margin after it is kept for answering CloudFormation", () => {
    expect(logTailUntil(budgetAt(600_000, now + 3_000))).toBe(now + 3_000);
    // A failure judged after the deadline gets one read, not a retry in the answer's margin.
    expect(logTailUntil(budgetAt(600_000, now - 1_000))).toBeLessThan(now);
  });
});

describe('what a log tail read gives the Reason', () => {
  const clock = () => new FakeClock();
  const read = (location: { group: string; region?: string; streamPrefix?: string }, masked: string[] = []) =>
    readLogTail(
      { logs: () => aws.ports.logs(), clock: clock(), log: new RecordingLog() },
      { taskArn: TASK_ARN, container: 'migrate', location, lines: 10, masked, until: 0 },
    );
  const GROUP_LINK = (region: string) =>
    `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/$252Fecs$252Ftodobackend`;
  const STREAM_LINK = `${GROUP_LINK('eu-west-1')}/log-events/todobackend$252Fmigrate$252F${TASK_ID}`;

  it("asks GetLogEvents for the newest lines of the container's own stream", async () => {
    aws.logs.on(GetLogEventsCommand).resolves(LINES);
    await read(LOCATION);
    expect(aws.logs.commandCalls(GetLogEventsCommand).map((call) => call.args[0].input)).toEqual([
      { logGroupName: '/ecs/todobackend', logStreamName: STREAM, limit: 10, startFromHead: false },
    ]);
  });

  it('masks override values, trims the lines and drops the blank ones, with a link to the stream', async () => {
    aws.logs.on(GetLogEventsCommand).resolves({
      events: [{ message: '  connecting as todo with s3cr3t-pw \n' }, { message: '   ' }, { message: 'done' }],
    });
    expect(await read(LOCATION, ['s3cr3t-pw'])).toEqual({
      container: 'migrate',
      lines: ['connecting as todo with ****', 'done'],
      link: STREAM_LINK,
    });
  });

  it('says the stream is empty only when it has no events at all', async () => {
    aws.logs.on(GetLogEventsCommand).resolves({ events: [] });
    expect(await read(LOCATION)).toEqual({
      container: 'migrate',
      lines: [],
      link: STREAM_LINK,
      note: 'the log stream is empty',
    });
    aws.logs.on(GetLogEventsCommand).resolves({ events: [{ message: ' ' }] });
    expect((await read(LOCATION)).note).toBeUndefined();
  });

  it("names the group's stream prefix as missing, without a call, and links the group", async () => {
    expect(await read({ group: '/ecs/todobackend', region: 'eu-west-1' })).toEqual({
      container: 'migrate',
      lines: [],
      link: GROUP_LINK('eu-west-1'),
      note: 'log group /ecs/todobackend has no awslogs-stream-prefix, so the stream cannot be named',
    });
    expect(aws.logs.commandCalls(GetLogEventsCommand)).toHaveLength(0);
  });

  it("reads the task's own region when the log configuration names none", async () => {
    expect((await read({ group: '/ecs/todobackend' })).link).toBe(GROUP_LINK('us-east-1'));
  });

  it.each([
    [
      'ResourceNotFoundException',
      'The specified log stream does not exist.',
      `log stream ${STREAM} does not exist (the container may never have started)`,
    ],
    [
      'AccessDeniedException',
      'User is not authorized to perform: logs:GetLogEvents',
      'could not read the log (AccessDeniedException): grant the runner logs:GetLogEvents on /ecs/todobackend',
    ],
    ['InvalidParameterException', 'Invalid limit', 'could not read the log (InvalidParameterException)'],
  ])('says why there are no lines when GetLogEvents fails with %s', async (name, message, note) => {
    aws.logs.on(GetLogEventsCommand).rejects(Object.assign(new Error(message), { name }));
    expect(await read(LOCATION)).toEqual({ container: 'migrate', lines: [], link: STREAM_LINK, note });
  });
});

describe('a log tail in the Reason', () => {
  const LINK = 'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:x';
  const tailOf = (lines: string[], note?: string) => ({
    container: 'migrate',
    lines,
    link: LINK,
    ...(note ? { note } : {}),
  });
  /** The bytes a Reason with these lines takes, as formatLogTail counts them: the frame, then 3 per separator. */
  const frame = Buffer.byteLength(`Last log lines of "migrate": . Logs: ${LINK}`);

  it('keeps the newest lines that fit, in their order, with the link', () => {
    const lines = ['first', 'second', 'third'];
    expect(formatLogTail(tailOf(lines), 1000)).toBe(
      `Last log lines of "migrate": first | second | third. Logs: ${LINK}`,
    );
    // Room for exactly the last two: each line counts its bytes and 3 for its separator.
    const two = frame + ('second'.length + 3) + ('third'.length + 3);
    expect(formatLogTail(tailOf(lines), two)).toBe(`Last log lines of "migrate": second | third. Logs: ${LINK}`);
    expect(formatLogTail(tailOf(lines), two - 1)).toBe(`Last log lines of "migrate": third. Logs: ${LINK}`);
  });

  it('counts bytes, not characters', () => {
    const line = 'Überprüfung fehlgeschlagen';
    const room = frame + Buffer.byteLength(line) + 3;
    expect(formatLogTail(tailOf([line]), room)).toBe(`Last log lines of "migrate": ${line}. Logs: ${LINK}`);
    expect(formatLogTail(tailOf([line]), room - 1)).toBe(`Log of "migrate": Logs: ${LINK}`);
  });

  it('cuts a line longer than 300 characters to 299 and an ellipsis', () => {
    const long = 'x'.repeat(301);
    expect(formatLogTail(tailOf([long]), 2000)).toBe(`Last log lines of "migrate": ${'x'.repeat(299)}…. Logs: ${LINK}`);
    const exactly300 = 'y'.repeat(300);
    expect(formatLogTail(tailOf([exactly300]), 2000)).toBe(`Last log lines of "migrate": ${exactly300}. Logs: ${LINK}`);
  });

  it('says why there are no lines, or that there are none, and still links the log', () => {
    expect(formatLogTail(tailOf([], 'the log stream is empty'), 1000)).toBe(
      `Log of "migrate": the log stream is empty. Logs: ${LINK}`,
    );
    expect(formatLogTail(tailOf([]), 1000)).toBe(`Log of "migrate": no lines. Logs: ${LINK}`);
  });
});

describe("the CloudWatch console's link", () => {
  it('encodes the group and the stream twice, with $ for %', () => {
    expect(consoleLink('eu-west-1', '/ecs/todo backend', 'todobackend/migrate/0a1b')).toBe(
      'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1' +
        '#logsV2:log-groups/log-group/$252Fecs$252Ftodo$2520backend/log-events/todobackend$252Fmigrate$252F0a1b',
    );
  });

  it("uses the China partition's console in cn- regions, and links the group alone without a stream", () => {
    expect(consoleLink('cn-north-1', 'app')).toBe(
      'https://cn-north-1.console.amazonaws.cn/cloudwatch/home?region=cn-north-1#logsV2:log-groups/log-group/app',
    );
  });
});
