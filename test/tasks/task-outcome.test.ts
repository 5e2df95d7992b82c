import { judgeTask } from '../../src/tasks/task-outcome';
import { ecsTask, stoppedTask, TASK_ARN } from '../support/aws-mocks';

describe('judgeTask', () => {
  it('is pending while an essential container runs', () => {
    expect(judgeTask(ecsTask(), ['migrate'])).toEqual({
      kind: 'pending',
      taskArn: ecsTask().taskArn,
      lastStatus: 'RUNNING',
    });
  });

  it('decides as soon as every essential container has stopped, before the task is STOPPED', () => {
    const task = ecsTask({
      lastStatus: 'DEACTIVATING',
      stopCode: 'EssentialContainerExited',
      containers: [
        { name: 'migrate', lastStatus: 'STOPPED', exitCode: 0 },
        { name: 'log-router', lastStatus: 'RUNNING' },
      ],
    });
    expect(judgeTask(task, ['migrate'])).toMatchObject({ kind: 'decided', verdict: 'succeeded', exitCode: 0 });
  });

  it('ignores non-essential sidecars killed when the essential container ended', () => {
    const task = stoppedTask(0, {
      containers: [
        { name: 'migrate', lastStatus: 'STOPPED', exitCode: 0 },
        { name: 'log-router', lastStatus: 'STOPPED', exitCode: 137 },
      ],
    });
    expect(judgeTask(task, ['migrate'])).toMatchObject({ kind: 'decided', verdict: 'succeeded' });
  });

  it('fails every essential container that did not exit 0, and one with no exit code', () => {
    const task = stoppedTask(undefined, {
      containers: [
        { name: 'migrate', lastStatus: 'STOPPED', exitCode: 1 },
        {
          name: 'seed',
          lastStatus: 'STOPPED',
          reason: 'CannotPullContainerError: pull image manifest has been retried 5 time(s)',
        },
      ],
    });
    expect(judgeTask(task, ['migrate', 'seed', 'missing'])).toMatchObject({
      kind: 'decided',
      verdict: 'failed',
      exitCode: 1,
      failures: [
        { name: 'migrate', exitCode: 1 },
        { name: 'seed', reason: 'CannotPullContainerError: pull image manifest has been retried 5 time(s)' },
        { name: 'missing', notReported: true },
      ],
    });
  });

  it('fails a task that failed to start even when no container reports an exit code', () => {
    const task = stoppedTask(undefined, { stopCode: 'TaskFailedToStart', containers: [] });
    expect(judgeTask(task, ['migrate'])).toMatchObject({
      kind: 'decided',
      verdict: 'failed',
      stopCode: 'TaskFailedToStart',
    });
  });
});

describe('judgeTask: when a task is decided', () => {
  // Every essential container, not just the first to exit: test/behaviour/real-aws-semantics.test.ts.
  it('waits for ECS to say why the task stops before judging stopped containers', () => {
    const task = ecsTask({
      lastStatus: 'RUNNING',
      containers: [{ name: 'migrate', lastStatus: 'STOPPED', exitCode: 0 }],
    });
    expect(judgeTask(task, ['migrate'])).toEqual({ kind: 'pending', taskArn: TASK_ARN, lastStatus: 'RUNNING' });
  });

  it('is not decided by a stop code alone while no container is reported', () => {
    const task = ecsTask({ lastStatus: 'DEACTIVATING', stopCode: 'EssentialContainerExited', containers: [] });
    expect(judgeTask(task, [])).toMatchObject({ kind: 'pending' });
  });

  it('without known essential containers, judges every container the task reports', () => {
    const task = stoppedTask(undefined, {
      containers: [
        { name: 'migrate', lastStatus: 'STOPPED', exitCode: 0 },
        { name: 'seed', lastStatus: 'STOPPED', exitCode: 2 },
      ],
    });
    expect(judgeTask(task, [])).toMatchObject({
      kind: 'decided',
      verdict: 'failed',
      exitCode: 0,
      failures: [{ name: 'seed', exitCode: 2 }],
    });
  });

  it('fails a STOPPED task that reports no container at all', () => {
    expect(judgeTask(stoppedTask(undefined, { containers: [] }), [])).toMatchObject({
      kind: 'decided',
      verdict: 'failed',
      failures: [],
    });
  });
});

describe('judgeTask: what a decided task reports', () => {
  it('a clean exit succeeds, with the exit code, stop code and stopped reason and no failures', () => {
    expect(judgeTask(stoppedTask(0), ['migrate'])).toEqual({
      kind: 'decided',
      taskArn: TASK_ARN,
      lastStatus: 'STOPPED',
      verdict: 'succeeded',
      failures: [],
      exitCode: 0,
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
    });
  });

  it('a task stopped by Spot with exit code 0 fails, stopped from outside', () => {
    const task = stoppedTask(0, { stopCode: 'SpotInterruption', stoppedReason: 'Your Spot Task was interrupted.' });
    expect(judgeTask(task, ['migrate'])).toMatchObject({
      kind: 'decided',
      verdict: 'stopped-from-outside',
      stopCode: 'SpotInterruption',
      exitCode: 0,
    });
  });

  it('a STOPPED task without a stop code (older agents) is judged by exit codes alone', () => {
    const outcome = judgeTask(stoppedTask(0, { stopCode: undefined, stoppedReason: undefined }), ['migrate']);
    expect(outcome).toEqual({
      kind: 'decided',
      taskArn: TASK_ARN,
      lastStatus: 'STOPPED',
      verdict: 'succeeded',
      failures: [],
      exitCode: 0,
    });
  });

  it('a task that failed to start fails although its container reports exit code 0, quoting the container reason', () => {
    const reason = 'ResourceInitializationError: unable to pull secrets or registry auth';
    const task = stoppedTask(undefined, {
      stopCode: 'TaskFailedToStart',
      containers: [
        { name: 'migrate', lastStatus: 'STOPPED', exitCode: 0, reason },
        { name: 'seed', lastStatus: 'STOPPED', exitCode: 0, reason: '' },
      ],
    });
    const outcome = judgeTask(task, ['migrate', 'seed']);
    expect(outcome).toMatchObject({
      kind: 'decided',
      verdict: 'failed',
      failures: [{ name: 'migrate', reason }, { name: 'seed' }],
    });
    expect(outcome).toMatchObject({ verdict: 'failed' });
  });

  it('reports no exit code when the first essential container has none', () => {
    const task = stoppedTask(undefined, { containers: [{ name: 'migrate', lastStatus: 'STOPPED', reason: '' }] });
    const outcome = judgeTask(task, ['migrate']);
    expect(outcome).not.toHaveProperty('exitCode');
    expect(outcome).toMatchObject({ failures: [{ name: 'migrate' }] });
    expect(outcome.kind === 'decided' && outcome.failures[0]).toEqual({ name: 'migrate' });
  });

  it('judges every named container when no essential container is known', () => {
    const task = stoppedTask(undefined, {
      containers: [
        { name: 'migrate', lastStatus: 'STOPPED', exitCode: 0 },
        { name: 'seed', lastStatus: 'STOPPED', exitCode: 3 },
        { lastStatus: 'STOPPED', exitCode: 9 },
      ],
    });
    expect(judgeTask(task, [])).toMatchObject({
      kind: 'decided',
      verdict: 'failed',
      failures: [{ name: 'seed', exitCode: 3 }],
    });
  });

  it('names an unknown task and status when ECS leaves them out', () => {
    expect(judgeTask({}, ['migrate'])).toEqual({ kind: 'pending', taskArn: 'unknown task', lastStatus: 'UNKNOWN' });
  });
});
