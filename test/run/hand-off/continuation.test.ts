import {
  continuationOf,
  type ContinuationEventV1,
  type ContinuationEventV2,
  isContinuationEvent,
  runOf,
} from '../../../src/run/hand-off/continuation';
import type { Run } from '../../../src/run/run-state';
import { TASK_ARN } from '../../support/aws-mocks';
import { fixtures } from '../../support/fixtures';

const EARLIER_TASK = TASK_ARN.replace('0a1b2c3d', 'e1e2e3e4');
const TASK_DEFINITION = 'arn:aws:ecs:us-east-1:123456789012:task-definition/todobackend-migrate:7';

/** A version-1 payload of a runner with run policies: `progress` says what came before the watch. */
function version1WithProgress(next?: NonNullable<ContinuationEventV1['progress']>['next']): ContinuationEventV1 {
  const event = fixtures.continuation();
  return {
    ...event,
    watch: { ...event.watch, taskArns: next ? [] : event.watch.taskArns },
    progress: {
      attempt: 2,
      startFailures: ['RunTask could not place the task (AGENT)'],
      succeeded: [],
      taskDefinitionArn: TASK_DEFINITION,
      ...(next ? { next } : {}),
    },
  };
}

describe('a hand-off payload of version 1', () => {
  it('from before run policies is a run of one attempt watching its tasks, its plan taken from the watch', () => {
    const event = fixtures.continuation();
    expect(runOf(event)).toEqual({
      request: event.request,
      phase: { kind: 'run' },
      handOffs: 1,
      generation: 2,
      plan: {
        cluster: 'todobackend-cluster',
        taskDefinitionArn: 'todobackend-migrate',
        essentialContainers: ['migrate'],
        logs: {},
        usesSecrets: false,
        deadline: event.watch.deadline,
        timeoutSeconds: 600,
        pollIntervalSeconds: 2.75,
      },
      progress: { attempt: 1, startFailures: [], succeeded: [] },
      state: { kind: 'watching', taskArns: event.watch.taskArns, startedAt: event.watch.startedAt },
    });
  });

  it('keeps its progress, and reads its state from progress.next', () => {
    expect(runOf(version1WithProgress())).toMatchObject({
      plan: { taskDefinitionArn: TASK_DEFINITION },
      progress: { attempt: 2, startFailures: ['RunTask could not place the task (AGENT)'], succeeded: [] },
      state: { kind: 'watching', taskArns: [TASK_ARN] },
    });
    expect(runOf(version1WithProgress({ step: 'start', count: 2, notBefore: 1795608015000 })).state).toEqual({
      kind: 'starting',
      count: 2,
      notBefore: 1795608015000,
    });
    expect(runOf(version1WithProgress({ step: 'wait-for-earlier-run', taskArns: [EARLIER_TASK] })).state).toEqual({
      kind: 'waiting-for-earlier-run',
      taskArns: [EARLIER_TASK],
    });
  });

  it('keeps the tasks of earlier attempts that succeeded, told by their verdict', () => {
    const event = version1WithProgress({ step: 'start', count: 1, notBefore: 0 });
    const facts = { taskArn: EARLIER_TASK, lastStatus: 'STOPPED', failures: [], exitCode: 0 };
    event.progress?.succeeded.push({ ...facts, succeeded: true, decided: true } as typeof facts & {
      succeeded: boolean;
    });
    expect(runOf(event).progress.succeeded).toEqual([{ ...facts, verdict: 'succeeded' }]);
  });

  it('keeps a teardown phase', () => {
    const phase = { kind: 'teardown' as const, cleanup: 'No task of this resource was running.' };
    const event = { ...fixtures.continuation(), request: fixtures.delete(), phase };
    expect(runOf(event)).toMatchObject({ request: fixtures.delete(), phase });
  });
});

describe('a hand-off payload of version 3', () => {
  it('is the run itself, marked with its version', () => {
    const run = runOf(fixtures.continuation());
    const payload = continuationOf(run);
    expect(payload.ecsTaskRunnerContinuation).toBe(3);
    expect(isContinuationEvent(JSON.parse(JSON.stringify(payload)))).toBe(true);
    expect(runOf(payload)).toEqual(run);
    expect(runOf(payload)).not.toHaveProperty('ecsTaskRunnerContinuation');
  });

  it('is taken only with its plan, its state and its generation, and no version but 1, 2 and 3 is taken', () => {
    const payload = continuationOf(runOf(fixtures.continuation()));
    expect(isContinuationEvent({ ...payload, plan: undefined })).toBe(false);
    expect(isContinuationEvent({ ...payload, state: undefined })).toBe(false);
    expect(isContinuationEvent({ ...payload, request: undefined })).toBe(false);
    expect(isContinuationEvent({ ...payload, generation: undefined })).toBe(false);
    expect(isContinuationEvent({ ...payload, ecsTaskRunnerContinuation: 4 })).toBe(false);
    expect(isContinuationEvent({ ...fixtures.continuation(), ecsTaskRunnerContinuation: 2 })).toBe(false);
    expect(isContinuationEvent({ ...fixtures.continuation(), ecsTaskRunnerContinuation: 3 })).toBe(false);
    expect(isContinuationEvent(fixtures.continuation())).toBe(true);
    expect(isContinuationEvent({ ...fixtures.continuation(), watch: undefined })).toBe(false);
    expect(isContinuationEvent(null)).toBe(false);
    expect(isContinuationEvent('event')).toBe(false);
  });
});

describe('a hand-off payload of version 2 (no generation)', () => {
  function version2(): ContinuationEventV2 {
    const run: Partial<Run> = { ...runOf(fixtures.continuation()), handOffs: 4 };
    delete run.generation;
    return { ...(run as Omit<Run, 'generation'>), ecsTaskRunnerContinuation: 2 } as ContinuationEventV2;
  }

  it('is the run, sent for the generation a version-3 runner would have sent: one more than its hand-offs', () => {
    const event = version2();
    expect(isContinuationEvent(JSON.parse(JSON.stringify(event)))).toBe(true);
    const run = runOf(event);
    expect(run).toMatchObject({ handOffs: 4, generation: 5, plan: event.plan, state: event.state });
    expect(run).not.toHaveProperty('ecsTaskRunnerContinuation');
  });

  it('is taken only with its plan and its state', () => {
    expect(isContinuationEvent({ ...version2(), plan: undefined })).toBe(false);
    expect(isContinuationEvent({ ...version2(), state: undefined })).toBe(false);
  });
});
