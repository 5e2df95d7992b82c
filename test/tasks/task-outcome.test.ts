import { judgeTask } from '../../src/tasks/task-outcome';
import { ecsTask, stoppedTask } from '../support/aws-mocks';

describe('judgeTask', () => {
  it('is pending while an essential container runs', () => {
    expect(judgeTask(ecsTask(), ['migrate'])).toEqual({ decided: false, taskArn: ecsTask().taskArn, lastStatus: 'RUNNING' });
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
    expect(judgeTask(task, ['migrate'])).toMatchObject({ decided: true, succeeded: true, exitCode: 0 });
  });

  it('ignores non-essential sidecars killed when the essential container ended', () => {
    const task = stoppedTask(0, {
      containers: [
        { name: 'migrate', lastStatus: 'STOPPED', exitCode: 0 },
        { name: 'log-router', lastStatus: 'STOPPED', exitCode: 137 },
      ],
    });
    expect(judgeTask(task, ['migrate'])).toMatchObject({ decided: true, succeeded: true });
  });

  it('fails every essential container that did not exit 0, and one with no exit code', () => {
    const task = stoppedTask(undefined, {
      containers: [
        { name: 'migrate', lastStatus: 'STOPPED', exitCode: 1 },
        { name: 'seed', lastStatus: 'STOPPED', reason: 'CannotPullContainerError: pull image manifest has been retried 5 time(s)' },
      ],
    });
    expect(judgeTask(task, ['migrate', 'seed', 'missing'])).toMatchObject({
      decided: true,
      succeeded: false,
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
    expect(judgeTask(task, ['migrate'])).toMatchObject({ decided: true, succeeded: false, stopCode: 'TaskFailedToStart' });
  });
});
