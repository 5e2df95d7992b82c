import { failedToStart, isTransientPlacementFailure } from '../../src/tasks/start-failure';
import { judgeTask } from '../../src/tasks/task-outcome';
import { stoppedTask } from '../support/aws-mocks';

const judged = (task: ReturnType<typeof stoppedTask>) => {
  const outcome = judgeTask(task, ['migrate']);
  if (!outcome.decided) throw new Error('not decided');
  return outcome;
};

describe('a task that failed to start', () => {
  it('is one ECS stopped with TaskFailedToStart', () => {
    expect(
      failedToStart(
        judged(
          stoppedTask(undefined, {
            stopCode: 'TaskFailedToStart',
            stoppedReason: 'ResourceInitializationError: unable to pull secrets',
          }),
        ),
      ),
    ).toBe(true);
  });

  it('is one Spot reclaimed before its essential container ran, not after', () => {
    expect(failedToStart(judged(stoppedTask(undefined, { stopCode: 'SpotInterruption' })))).toBe(true);
    expect(failedToStart(judged(stoppedTask(137, { stopCode: 'SpotInterruption' })))).toBe(false);
    expect(failedToStart(judged(stoppedTask(0, { stopCode: 'SpotInterruption' })))).toBe(false);
  });

  it('is never one whose essential container exited, whatever the code, nor one stopped by someone', () => {
    expect(failedToStart(judged(stoppedTask(1)))).toBe(false);
    expect(failedToStart(judged(stoppedTask(0)))).toBe(false);
    expect(failedToStart(judged(stoppedTask(undefined, { stopCode: 'UserInitiated' })))).toBe(false);
  });
});

describe('RunTask failures worth another attempt', () => {
  it('are capacity and agent failures', () => {
    expect(isTransientPlacementFailure([{ reason: 'RESOURCE:ENI' }, { reason: 'RESOURCE:MEMORY' }])).toBe(true);
    expect(isTransientPlacementFailure([{ reason: 'AGENT' }])).toBe(true);
    expect(
      isTransientPlacementFailure([
        { reason: 'Capacity is unavailable at this time. Please try again later or in a different availability zone' },
      ]),
    ).toBe(true);
  });

  it('are not attribute mismatches, or a mix with one', () => {
    expect(isTransientPlacementFailure([{ reason: 'ATTRIBUTE' }])).toBe(false);
    expect(isTransientPlacementFailure([{ reason: 'RESOURCE:CPU' }, { reason: 'ATTRIBUTE' }])).toBe(false);
    expect(isTransientPlacementFailure([])).toBe(false);
  });
});
