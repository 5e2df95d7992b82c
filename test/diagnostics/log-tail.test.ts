import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { logTailUntil, readLogTail } from '../../src/diagnostics/log-tail';
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
    expect(result?.lines).toEqual(['Applying todo.0042_add_index...', 'relation "todo" exists']);
    expect(result?.note).toBeUndefined();
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
      expect((await tail(clock, new RecordingLog()))?.lines).toEqual([]);
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
