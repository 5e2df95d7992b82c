import type { Run, RunState } from '../../../src/run/run-state';
import { retryAfter, withAttempts, withNotRetried } from '../../../src/run/steps/start-retries';
import { RETRY_MIN_LEFT_MS } from '../../../src/runtime/time-budget';
import type { StartFailureVerdict } from '../../../src/tasks/start-failure';
import { FakeClock, RecordingLog } from '../../support/fakes';
import { runIn } from '../../support/run-harness';

const CAUSE = 'RESOURCE:MEMORY';
const watching: RunState = { kind: 'watching', taskArns: [], startedAt: 0 };

/** A run at `attempt`, after `startFailures`, whose deadline is `deadlineMs` from now. */
function runAt(clock: FakeClock, attempt: number, startFailures: string[] = [], deadlineMs = 600_000): Run {
  const run = runIn(watching, clock.now());
  return {
    ...run,
    plan: { ...run.plan, deadline: clock.now() + deadlineMs },
    progress: { ...run.progress, attempt, startFailures },
  };
}

describe('retryAfter (StartRetries)', () => {
  it.each([
    { attempt: 1, startRetries: 1, earlier: [], delayMs: 15_000 },
    { attempt: 2, startRetries: 3, earlier: ['Capacity is unavailable at this time'], delayMs: 30_000 },
    { attempt: 4, startRetries: 5, earlier: ['a', 'b', 'c'], delayMs: 60_000 },
  ])(
    'starts again after attempt $attempt (StartRetries $startRetries) once $delayMs ms have passed, keeping why it failed',
    ({ attempt, startRetries, earlier, delayMs }) => {
      const clock = new FakeClock();
      const log = new RecordingLog();
      const run = runAt(clock, attempt, earlier);
      expect(retryAfter(run, { startRetries }, CAUSE, 2, { clock, log })).toEqual({
        ...run,
        progress: { ...run.progress, attempt: attempt + 1, startFailures: [...earlier, CAUSE] },
        state: { kind: 'starting', count: 2, notBefore: clock.now() + delayMs },
      });
      expect(log.entries).toEqual([
        {
          level: 'warn',
          message: 'The task failed to start; starting again after a backoff (StartRetries)',
          extra: [{ attempt, of: startRetries + 1, cause: CAUSE, delayMs }],
        },
      ]);
    },
  );

  it.each([
    { what: 'StartRetries is 0', attempt: 1, startRetries: 0 },
    { what: 'the retries are used up', attempt: 3, startRetries: 2 },
  ])('does not retry when $what', ({ attempt, startRetries }) => {
    const clock = new FakeClock();
    const log = new RecordingLog();
    expect(retryAfter(runAt(clock, attempt), { startRetries }, CAUSE, 1, { clock, log })).toBeUndefined();
    expect(log.entries).toEqual([]);
  });

  it.each([
    {
      what: 'exactly RETRY_MIN_LEFT_MS left after the backoff: retries',
      deadlineMs: 15_000 + RETRY_MIN_LEFT_MS,
      retries: true,
    },
    { what: 'a millisecond less: gives up', deadlineMs: 15_000 + RETRY_MIN_LEFT_MS - 1, retries: false },
    { what: 'less than the backoff itself: gives up', deadlineMs: RETRY_MIN_LEFT_MS, retries: false },
  ])('keeps RETRY_MIN_LEFT_MS of the Timeout for the retry: $what', ({ deadlineMs, retries }) => {
    const clock = new FakeClock();
    const log = new RecordingLog();
    const retry = retryAfter(runAt(clock, 1, [], deadlineMs), { startRetries: 1 }, CAUSE, 1, { clock, log });
    expect(retry?.state).toEqual(retries ? { kind: 'starting', count: 1, notBefore: clock.now() + 15_000 } : undefined);
    if (!retries)
      expect(log.entries).toEqual([
        {
          level: 'warn',
          message: 'A start retry would not fit in the Timeout; not retrying',
          extra: [{ attempt: 1, cause: CAUSE }],
        },
      ]);
  });
});

describe('withAttempts', () => {
  it.each([
    { what: 'no progress', progress: undefined, reason: 'Task failed.' },
    { what: 'a first attempt', progress: { attempt: 1, startFailures: [] }, reason: 'Task failed.' },
    {
      what: 'retries',
      progress: { attempt: 3, startFailures: ['RESOURCE:MEMORY', 'RESOURCE:CPU'] },
      reason: 'Attempt 3: Task failed. Earlier attempts failed to start: (1) RESOURCE:MEMORY. (2) RESOURCE:CPU.',
    },
  ])('names the earlier attempts only after $what', ({ progress, reason }) => {
    expect(withAttempts('Task failed.', progress)).toBe(reason);
  });
});

describe('withNotRetried', () => {
  const final: StartFailureVerdict = { kind: 'final', cause: 'image-not-found', evidence: 'CannotPullContainerError' };
  const passes: StartFailureVerdict = { kind: 'passes-with-time', cause: 'capacity' };
  const NOTE = /^Task failed\. Not retried: the image or its tag was not found — StartRetries retries only /;

  it.each([
    { what: 'a final cause with retries left', verdict: final, attempt: 1, startRetries: 1, noted: true },
    { what: 'a final cause with more retries left', verdict: final, attempt: 1, startRetries: 3, noted: true },
    { what: 'a final cause on the last retry', verdict: final, attempt: 2, startRetries: 1, noted: false },
    { what: 'a final cause without StartRetries', verdict: final, attempt: 1, startRetries: 0, noted: false },
    { what: 'a cause that passes with time', verdict: passes, attempt: 1, startRetries: 1, noted: false },
    { what: 'no start failure', verdict: undefined, attempt: 1, startRetries: 1, noted: false },
  ])('says why it was not retried only for $what', ({ verdict, attempt, startRetries, noted }) => {
    const reason = withNotRetried('Task failed.', verdict, { attempt }, { startRetries });
    if (noted) expect(reason).toMatch(NOTE);
    else expect(reason).toBe('Task failed.');
  });
});
