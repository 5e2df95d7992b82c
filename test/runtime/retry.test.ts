import { failedAgain, type GiveUpEvent, retry, type RetryEvent } from '../../src/runtime/retry';
import { FakeClock } from '../support/fakes';

const transient = new Error('transient');
const final = new Error('final');

/** A call that fails with `failures` in turn, then answers 'done'; `calledAt` records when each call was made. */
function scripted(clock: FakeClock, failures: Error[]) {
  const calledAt: number[] = [];
  const call = async (): Promise<string> => {
    calledAt.push(clock.now());
    const failure = failures.shift();
    if (failure) throw failure;
    return 'done';
  };
  return { call, calledAt };
}

function hooks() {
  const retries: RetryEvent[] = [];
  const giveUps: GiveUpEvent[] = [];
  return {
    retries,
    giveUps,
    onRetry: (event: RetryEvent) => retries.push(event),
    onGiveUp: (event: GiveUpEvent) => giveUps.push(event),
  };
}

const retryable = (error: unknown) => error === transient;

describe('retry', () => {
  it('calls again after each retryable failure, waiting the delay of the failure count', async () => {
    const clock = new FakeClock();
    const { call } = scripted(clock, [transient, transient]);
    const seen = hooks();
    const answer = await retry(
      call,
      { retryable, delay: (failures) => failures * 100, until: { attempts: 5 }, ...seen },
      clock,
    );
    expect(answer).toBe('done');
    expect(clock.sleeps).toEqual([100, 200]);
    expect(seen.retries).toEqual([
      { attempt: 1, error: transient, delayMs: 100 },
      { attempt: 2, error: transient, delayMs: 200 },
    ]);
    expect(seen.giveUps).toEqual([]);
  });

  it('throws a failure that is not retryable at once, unchanged', async () => {
    const clock = new FakeClock();
    const { call } = scripted(clock, [final]);
    const seen = hooks();
    await expect(retry(call, { retryable, delay: () => 100, until: { attempts: 5 }, ...seen }, clock)).rejects.toBe(
      final,
    );
    expect(clock.sleeps).toEqual([]);
    expect(seen.giveUps).toEqual([]);
  });

  it('makes at most `attempts` calls, then throws the last failure', async () => {
    const clock = new FakeClock();
    const { call, calledAt } = scripted(clock, [transient, transient, transient]);
    const seen = hooks();
    await expect(retry(call, { retryable, delay: () => 100, until: { attempts: 3 }, ...seen }, clock)).rejects.toBe(
      transient,
    );
    expect(calledAt).toHaveLength(3);
    expect(seen.giveUps).toEqual([{ attempts: 3, error: transient }]);
  });

  it("with lastWait 'must-fit', begins no wait that would end after the bound", async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const { call, calledAt } = scripted(clock, [transient, transient, transient]);
    const seen = hooks();
    const until = { time: start + 250, lastWait: 'must-fit' as const };
    await expect(retry(call, { retryable, delay: () => 100, until, ...seen }, clock)).rejects.toBe(transient);
    expect(calledAt.map((at) => at - start)).toEqual([0, 100, 200]);
    expect(seen.giveUps).toEqual([{ attempts: 3, error: transient }]);
  });

  it("with lastWait 'must-fit', waits a delay that ends exactly at the bound", async () => {
    const clock = new FakeClock();
    const { call } = scripted(clock, [transient]);
    const until = { time: clock.now() + 100, lastWait: 'must-fit' as const };
    await expect(retry(call, { retryable, delay: () => 100, until }, clock)).resolves.toBe('done');
  });

  it("with lastWait 'cut', cuts the last wait to end at the bound and starts no call after it", async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const { call, calledAt } = scripted(clock, [transient, transient, transient]);
    const seen = hooks();
    const until = { time: start + 250, lastWait: 'cut' as const };
    await expect(retry(call, { retryable, delay: () => 200, until, ...seen }, clock)).rejects.toBe(transient);
    expect(clock.sleeps).toEqual([200, 50]);
    expect(calledAt.map((at) => at - start)).toEqual([0, 200, 250]);
    expect(seen.retries.map((event) => event.delayMs)).toEqual([200, 50]);
    expect(seen.giveUps).toEqual([{ attempts: 3, error: transient }]);
  });

  it('hands the delay the failure count and the error', async () => {
    const clock = new FakeClock();
    const slow = new Error('slow down');
    const { call } = scripted(clock, [transient, slow]);
    const delay = jest.fn((failures: number, error: unknown) => (error === slow ? 1000 : failures));
    await retry(call, { retryable: () => true, delay, until: { attempts: 5 } }, clock);
    expect(delay.mock.calls).toEqual([
      [1, transient],
      [2, slow],
    ]);
    expect(clock.sleeps).toEqual([1, 1000]);
  });
});

describe('failedAgain', () => {
  it('starts a streak at the first failure and counts on from it', () => {
    const first = failedAgain(undefined, transient, 1000);
    expect(first).toEqual({ since: 1000, count: 1, error: transient });
    expect(failedAgain(first, final, 5000)).toEqual({ since: 1000, count: 2, error: final });
  });
});
