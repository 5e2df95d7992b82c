import type { Task } from '@aws-sdk/client-ecs';
import { taskStateChange } from '../../scripts/local/task-state-change';
import { readEcsEvent } from '../../src/events/task-state-change';
import { isEcsEvent } from '../../src/runtime/ecs-event';
import { fixtures } from '../support/fixtures';

/** The documented example's task as DescribeTasks would return it: the same fields, timestamps as Dates. */
function describedTask(): Task {
  const detail = fixtures.ecsTaskRunning().detail as Record<string, unknown>;
  const dates = ['createdAt', 'connectivityAt', 'pullStartedAt', 'startedAt', 'pullStoppedAt', 'updatedAt'];
  return Object.fromEntries(
    Object.entries(detail).map(([key, value]) => [key, dates.includes(key) ? new Date(value as string) : value]),
  );
}

describe('taskStateChange (the local tools’ event builder)', () => {
  it("builds the ECS Developer Guide's example event from its task", () => {
    const documented = fixtures.ecsTaskRunning();

    const built = taskStateChange(describedTask(), {
      id: documented.id as string,
      time: new Date('2020-01-23T17:57:58.000Z'),
      version: 4,
    });

    expect(built).toEqual(documented);
  });

  it('is an event the runner recognises and reads', () => {
    const task: Task = {
      ...describedTask(),
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      stoppedAt: new Date('2020-01-23T18:02:40.512Z'),
      containers: [{ name: 'FargateApp', lastStatus: 'STOPPED', exitCode: 3 }],
    };
    const built = taskStateChange(task, { version: 7 });
    if (!isEcsEvent(built)) throw new Error('not recognised as an ECS event');

    expect(readEcsEvent(built)).toMatchObject({
      kind: 'task-state-change',
      change: { lastStatus: 'STOPPED', version: 7, containers: [{ name: 'FargateApp', exitCode: 3 }] },
    });
    expect((built.detail as Record<string, unknown>).stoppedAt).toBe('2020-01-23T18:02:40.512Z');
    expect(built).toMatchObject({ account: '111122223333', region: 'us-west-2' });
    expect(built.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('takes the task’s own version when it has one, and 1 when neither is given', () => {
    const detail = (event: Record<string, unknown>) => event.detail as Record<string, unknown>;

    expect(detail(taskStateChange({ ...describedTask(), version: 9 })).version).toBe(9);
    expect(detail(taskStateChange({ ...describedTask(), version: undefined })).version).toBe(1);
  });

  it('refuses a task without an ARN', () => {
    expect(() => taskStateChange({ lastStatus: 'STOPPED' })).toThrow("a task state change needs the task's ARN");
  });
});
