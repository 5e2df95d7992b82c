import { isEcsEvent } from '../../src/runtime/ecs-event';
import { takeEcsEvent } from '../../src/events/take-ecs-event';
import { fixtures } from '../support/fixtures';
import { RecordingLog } from '../support/fakes';

function take(event: Record<string, unknown>): RecordingLog {
  if (!isEcsEvent(event)) throw new Error('not an ECS event');
  const log = new RecordingLog();
  takeEcsEvent(event, log);
  return log;
}

describe('takeEcsEvent', () => {
  it('logs what a task state change says, at debug, and does nothing else', () => {
    expect(take(fixtures.ecsTaskStopping()).entries).toEqual([
      {
        level: 'debug',
        message: 'ECS task state change: runs still poll, nothing to do',
        extra: [
          {
            taskArn: 'arn:aws:ecs:us-west-2:111122223333:task/FargateCluster/c13b4cb40f1f4fe4a2971f76ae5a47ad',
            clusterArn: 'arn:aws:ecs:us-west-2:111122223333:cluster/FargateCluster',
            lastStatus: 'DEACTIVATING',
            desiredStatus: 'STOPPED',
            version: 5,
          },
        ],
      },
    ]);
  });

  it('logs another kind of ECS event, and one it cannot read, at debug without throwing', () => {
    const other = take({ ...fixtures.ecsTaskRunning(), 'detail-type': 'ECS Service Action' });
    const unreadable = take({ ...fixtures.ecsTaskRunning(), detail: null });
    const withoutDetail = fixtures.ecsTaskRunning();
    delete withoutDetail.detail;

    expect(other.entries).toEqual([
      {
        level: 'debug',
        message: 'ECS event of another kind: nothing to do',
        extra: [{ detailType: 'ECS Service Action' }],
      },
    ]);
    expect(take(withoutDetail).entries).toEqual(unreadable.entries);
    expect(unreadable.entries).toEqual([
      {
        level: 'debug',
        message: 'ECS event the runner cannot read: nothing to do',
        extra: [{ problem: 'detail is not an object' }],
      },
    ]);
  });
});
