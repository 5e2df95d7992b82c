import { failedToStart, isTransientPlacementFailure } from '../../src/tasks/start-failure';
import { judgeTask } from '../../src/tasks/task-outcome';
import { stoppedTask } from '../support/aws-mocks';

describe('a RunTask failure that may pass with time', () => {
  it("is recognised in the failure's detail as well as its reason, in any case", () => {
    expect(
      isTransientPlacementFailure([
        {
          arn: 'arn:aws:ecs:us-east-1:123456789012:container-instance/todobackend-cluster/1f2e',
          detail: 'RESOURCE:CPU',
        },
      ]),
    ).toBe(true);
    expect(isTransientPlacementFailure([{ reason: 'MISSING', detail: 'Capacity is unavailable at this time.' }])).toBe(
      true,
    );
    expect(isTransientPlacementFailure([{ reason: 'resource:memory' }])).toBe(true);
    expect(isTransientPlacementFailure([{ reason: 'CAPACITY IS UNAVAILABLE at this time' }])).toBe(true);
  });

  it('is a reason that starts with RESOURCE: or is AGENT exactly, not one that merely contains them', () => {
    expect(isTransientPlacementFailure([{ reason: 'MISSING RESOURCE:ENI' }])).toBe(false);
    expect(isTransientPlacementFailure([{ reason: 'RESOURCE' }])).toBe(false);
    expect(isTransientPlacementFailure([{ reason: 'AGENT_VERSION' }])).toBe(false);
    expect(isTransientPlacementFailure([{ reason: 'NO AGENT' }])).toBe(false);
    expect(isTransientPlacementFailure([{}])).toBe(false);
  });
});

describe('a task that failed to start is never', () => {
  const spot = () => {
    const outcome = judgeTask(stoppedTask(undefined, { stopCode: 'SpotInterruption' }), ['migrate']);
    if (outcome.kind !== 'decided') throw new Error('not decided');
    return outcome;
  };

  it('one ECS never reported, whatever else is known of it', () => {
    expect(failedToStart(spot())).toBe(true);
    const unknown = { verdict: 'unknown-to-ecs' as const, ecsSaid: 'MISSING' };
    expect(failedToStart({ ...spot(), ...unknown })).toBe(false);
    expect(failedToStart({ ...spot(), stopCode: 'TaskFailedToStart', ...unknown })).toBe(false);
  });

  it('one Spot reclaimed without knowing that its container never ran', () => {
    const ran = spot();
    delete ran.neverRan;
    expect(failedToStart(ran)).toBe(false);
  });
});
