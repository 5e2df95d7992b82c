import {
  ANSWER_TIME_MS,
  callUntil,
  DEADLINE_WORK_MS,
  DIAGNOSIS_TIME_MS,
  HAND_OFF_MARGIN_MS,
  MIN_INVOCATION_MS,
  STOP_TIME_MS,
  timeBudget,
} from '../../src/runtime/time-budget';
import { FakeClock, fakeInvocation } from '../support/fakes';

function budgetOf(invocationMs: number, deadlineInMs: number) {
  const clock = new FakeClock();
  const invocation = fakeInvocation(clock, invocationMs);
  return { clock, budget: timeBudget(clock.now() + deadlineInMs, { clock, invocation }) };
}

describe('callUntil', () => {
  it('is the deadline when the invocation outlasts it with the margin kept', () => {
    expect(callUntil(1000, 600_000, 50_000, ANSWER_TIME_MS)).toBe(50_000);
  });

  it('is the margin before the invocation ends when that comes first', () => {
    expect(callUntil(1000, 100_000, 900_000, ANSWER_TIME_MS)).toBe(1000 + 100_000 - ANSWER_TIME_MS);
  });
});

describe('timeBudget', () => {
  it('answers until when a call may go on, as time passes', async () => {
    const { clock, budget } = budgetOf(120_000, 600_000);
    expect(budget.callUntil(MIN_INVOCATION_MS)).toBe(clock.now() + 120_000 - MIN_INVOCATION_MS);
    const end = clock.now() + 120_000;
    await clock.sleep(30_000);
    // The invocation's end does not move: only the time left shrinks.
    expect(budget.callUntil(MIN_INVOCATION_MS)).toBe(end - MIN_INVOCATION_MS);
    expect(budget.invocationLeftMs()).toBe(90_000);
  });

  it('never lets a call go on past the deadline', () => {
    const { clock, budget } = budgetOf(900_000, 10_000);
    expect(budget.callUntil(HAND_OFF_MARGIN_MS)).toBe(clock.now() + 10_000);
    expect(budget.patienceUntil(60_000)).toBe(clock.now() + 10_000);
  });

  it('bounds a patience from now', () => {
    const { clock, budget } = budgetOf(900_000, 600_000);
    expect(budget.patienceUntil(60_000)).toBe(clock.now() + 60_000);
  });

  it('must hand off when a wait would leave less than the hand-off margin', () => {
    const { budget } = budgetOf(100_000, 600_000);
    expect(budget.mustHandOff(100_000 - HAND_OFF_MARGIN_MS)).toBe(false);
    expect(budget.mustHandOff(100_000 - HAND_OFF_MARGIN_MS + 1)).toBe(true);
    expect(budget.mustHandOff(100_000 - MIN_INVOCATION_MS + 1, MIN_INVOCATION_MS)).toBe(true);
  });

  it('knows when the deadline is within reach of this invocation, its work kept', () => {
    expect(budgetOf(100_000, 100_000 - DEADLINE_WORK_MS).budget.deadlineWithinReach()).toBe(true);
    expect(budgetOf(100_000, 100_000 - DEADLINE_WORK_MS + 1).budget.deadlineWithinReach()).toBe(false);
  });

  it('keeps, at the deadline, time to stop the tasks, diagnose and answer: all three, each in full', () => {
    expect(DEADLINE_WORK_MS).toBe(STOP_TIME_MS + DIAGNOSIS_TIME_MS + ANSWER_TIME_MS);
    expect(DEADLINE_WORK_MS).toBe(45_000);
  });

  it('knows whether a wait would reach the deadline, the deadline itself included', () => {
    const { budget } = budgetOf(900_000, 10_000);
    expect(budget.deadlineWithin(9_999)).toBe(false);
    expect(budget.deadlineWithin(10_000)).toBe(true);
    expect(budget.deadlineWithin(60_000)).toBe(true);
  });

  it("asks StopTask again for STOP_TIME_MS from now, never into the answer's time, and not bounded by the deadline", () => {
    const roomy = budgetOf(900_000, 1_000);
    expect(roomy.budget.stopUntil()).toBe(roomy.clock.now() + STOP_TIME_MS);
    const short = budgetOf(ANSWER_TIME_MS + 4_000, 1_000);
    expect(short.budget.stopUntil()).toBe(short.clock.now() + 4_000);
  });

  it("diagnoses for DIAGNOSIS_TIME_MS from now, never into the answer's time, and not bounded by the deadline", () => {
    const roomy = budgetOf(900_000, 1_000);
    expect(roomy.budget.diagnosisUntil()).toBe(roomy.clock.now() + DIAGNOSIS_TIME_MS);
    const short = budgetOf(ANSWER_TIME_MS + 4_000, 1_000);
    expect(short.budget.diagnosisUntil()).toBe(short.clock.now() + 4_000);
  });

  it('takes another deadline for the same invocation', () => {
    const { clock, budget } = budgetOf(900_000, 600_000);
    const planned = budget.withDeadline(Infinity).withDeadline(clock.now() + 5_000);
    expect(planned.deadline).toBe(clock.now() + 5_000);
    expect(planned.callUntil(HAND_OFF_MARGIN_MS)).toBe(clock.now() + 5_000);
  });
});
