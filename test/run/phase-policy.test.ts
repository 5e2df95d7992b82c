import { phasePolicy } from '../../src/run/phase-policy';
import { fixtures } from '../support/fixtures';
import { parsed } from '../support/properties';
import { NOTHING_RUNNING, purposeOf } from '../support/run-harness';

describe('what a run and a teardown do differently, chosen once', () => {
  it.each([
    {
      phase: 'run' as const,
      policy: {
        kind: 'follows',
        properties: { taskDefinition: 'todobackend-migrate', count: 2, outputs: ['Version'] },
        startedBy: 'migrations',
        stackCheck: { kind: 'around-run-task' },
        waitedFor: { teardown: false, ifRunning: 'Stop' },
      },
    },
    {
      phase: 'teardown' as const,
      policy: {
        kind: 'follows',
        properties: { taskDefinition: 'todobackend-teardown', count: 1, startedBy: 'migrations/teardown' },
        startedBy: 'migrations/teardown',
        stackCheck: { kind: 'none' },
        waitedFor: { teardown: true },
      },
    },
  ])('a $phase', ({ phase, policy }) => {
    const purpose = purposeOf(phase, { Count: '2', Outputs: ['Version'], StartedBy: 'migrations', IfRunning: 'Stop' });
    const chosen = phasePolicy(purpose, parsed(purpose.request.ResourceProperties));
    expect(chosen).toMatchObject(policy);
    if (phase === 'teardown') expect(chosen).not.toHaveProperty('properties.outputs');
  });

  it('leaves a run answer as it is, and makes a teardown answer the Delete SUCCESS', () => {
    const failed = { kind: 'answer' as const, answer: { status: 'FAILED' as const, reason: 'Task exited 1.' } };
    const run = phasePolicy(purposeOf('run'), parsed(fixtures.create().ResourceProperties));
    const teardown = purposeOf('teardown');
    const torn = phasePolicy(teardown, parsed(teardown.request.ResourceProperties));
    expect(run.kind === 'follows' ? run.outcome(failed) : undefined).toEqual(failed);
    expect(torn.kind === 'follows' ? torn.outcome(failed) : undefined).toEqual({
      kind: 'answer',
      answer: { status: 'SUCCESS', reason: `${NOTHING_RUNNING} Teardown failed: Task exited 1.` },
    });
  });

  it.each([
    ['its TaskId', { TaskId: '0a1b2c3d', TaskArn: 'arn:aws:ecs:us-east-1:123456789012:task/c/0a1b2c3d' }, '0a1b2c3d'],
    [
      'its TaskArn, without a TaskId',
      { TaskArn: 'arn:aws:ecs:us-east-1:123456789012:task/c/0a1b2c3d' },
      'arn:aws:ecs:us-east-1:123456789012:task/c/0a1b2c3d',
    ],
  ])("names the teardown's task in the Delete's SUCCESS by %s", (_what, data, named) => {
    const teardown = purposeOf('teardown');
    const torn = phasePolicy(teardown, parsed(teardown.request.ResourceProperties));
    const succeeded = { kind: 'answer' as const, answer: { status: 'SUCCESS' as const, data } };
    expect(torn.kind === 'follows' ? torn.outcome(succeeded) : undefined).toEqual({
      kind: 'answer',
      answer: { status: 'SUCCESS', reason: `${NOTHING_RUNNING} Teardown task ${named} succeeded.` },
    });
  });

  it('carries on no teardown whose Delete declares no OnDelete', () => {
    const phase = { kind: 'teardown' as const, cleanup: NOTHING_RUNNING };
    expect(phasePolicy({ request: fixtures.delete(), phase }, parsed(fixtures.delete().ResourceProperties))).toEqual({
      kind: 'nothing-to-follow',
      answer: {
        status: 'SUCCESS',
        reason: `${NOTHING_RUNNING} The teardown was not carried on: the Delete's properties have no OnDelete.`,
      },
    });
  });
});
