import { isEcsEvent } from '../../src/runtime/ecs-event';
import { readEcsEvent } from '../../src/events/task-state-change';
import { fixtures } from '../support/fixtures';

function read(event: Record<string, unknown>) {
  if (!isEcsEvent(event)) throw new Error('not an ECS event');
  return readEcsEvent(event);
}

const TASK_ARN = 'arn:aws:ecs:us-west-2:111122223333:task/FargateCluster/c13b4cb40f1f4fe4a2971f76ae5a47ad';

describe('readEcsEvent', () => {
  it("reads the ECS Developer Guide's example event", () => {
    expect(read(fixtures.ecsTaskRunning())).toEqual({
      kind: 'task-state-change',
      change: {
        eventId: '3317b2af-7005-947d-b652-f55e762e571a',
        taskArn: TASK_ARN,
        clusterArn: 'arn:aws:ecs:us-west-2:111122223333:cluster/FargateCluster',
        lastStatus: 'RUNNING',
        desiredStatus: 'RUNNING',
        version: 4,
        group: 'family:sample-fargate',
        containers: [{ name: 'FargateApp', lastStatus: 'RUNNING' }],
      },
    });
  });

  it('reads why a stopping task stops, and its containers’ exit codes', () => {
    const result = read(fixtures.ecsTaskStopping());

    expect(result).toMatchObject({
      kind: 'task-state-change',
      change: {
        taskArn: TASK_ARN,
        lastStatus: 'DEACTIVATING',
        desiredStatus: 'STOPPED',
        version: 5,
        stopCode: 'EssentialContainerExited',
        stoppedReason: 'Essential container in task exited',
        containers: [{ name: 'FargateApp', lastStatus: 'STOPPED', exitCode: 0 }],
      },
    });
  });

  it("reads a service's task as it is: startedBy and group say so, for the caller to ignore", () => {
    const event = fixtures.ecsTaskStopping();
    Object.assign(event.detail as object, { startedBy: 'ecs-svc/9223370545345641169', group: 'service:web' });

    expect(read(event)).toMatchObject({
      change: { startedBy: 'ecs-svc/9223370545345641169', group: 'service:web' },
    });
  });

  it('leaves out an exit code that is not a whole number, and a container without a name', () => {
    const event = fixtures.ecsTaskStopping();
    const detail = event.detail as { containers: Record<string, unknown>[] };
    detail.containers = [
      { name: 'app', exitCode: '0' },
      { name: 'sidecar', exitCode: 1.5 },
      { lastStatus: 'STOPPED', exitCode: 1 },
      'not a container' as unknown as Record<string, unknown>,
    ];

    expect(read(event)).toMatchObject({ change: { containers: [{ name: 'app' }, { name: 'sidecar' }] } });
  });

  it('tells another kind of ECS event apart', () => {
    const event = { ...fixtures.ecsTaskRunning(), 'detail-type': 'ECS Container Instance State Change' };

    expect(read(event)).toEqual({ kind: 'other-ecs-event', detailType: 'ECS Container Instance State Change' });
  });

  it.each([
    ['detail is not an object', (event: Record<string, unknown>) => (event.detail = 'STOPPED')],
    ['detail.taskArn is not a non-empty string', (event: Record<string, unknown>) => delete detailOf(event).taskArn],
    [
      'detail.clusterArn is not a non-empty string',
      (event: Record<string, unknown>) => (detailOf(event).clusterArn = ''),
    ],
    [
      'detail.lastStatus is not a non-empty string',
      (event: Record<string, unknown>) => (detailOf(event).lastStatus = 1),
    ],
    [
      'detail.desiredStatus is not a non-empty string',
      (event: Record<string, unknown>) => delete detailOf(event).desiredStatus,
    ],
    ['detail.version is not a whole number', (event: Record<string, unknown>) => (detailOf(event).version = '5')],
    ['detail.version is not a whole number', (event: Record<string, unknown>) => (detailOf(event).version = 4.5)],
    ['detail.version is not a whole number', (event: Record<string, unknown>) => (detailOf(event).version = -1)],
  ])('refuses a detail where %s, without throwing', (problem, spoil) => {
    const event = fixtures.ecsTaskStopping();
    spoil(event);

    expect(read(event)).toEqual({ kind: 'malformed', problem });
  });
});

function detailOf(event: Record<string, unknown>): Record<string, unknown> {
  return event.detail as Record<string, unknown>;
}
