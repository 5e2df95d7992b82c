import type { EcsEventEnvelope } from '../runtime/ecs-event';
import type { Log } from '../runtime/log';
import { readEcsEvent } from './task-state-change';

/**
 * What the handler does with an ECS event when events are off (EVENT_DRIVEN_COMPLETION not 'true'), or with one that
 * is no task state change: reads it and logs what it says, at debug (with events on, a task state change may wake a
 * parked run: requests/answer-ecs-event.ts). Never throws: most events the rule delivers
 * are for tasks the runner did not start, and a thrown error would have Lambda retry the event and keep it in the
 * failure queue.
 */
export function takeEcsEvent(envelope: EcsEventEnvelope, log: Pick<Log, 'debug'>): void {
  const read = readEcsEvent(envelope);
  switch (read.kind) {
    case 'task-state-change': {
      const { taskArn, clusterArn, lastStatus, desiredStatus, version } = read.change;
      log.debug('ECS task state change: runs still poll, nothing to do', {
        taskArn,
        clusterArn,
        lastStatus,
        desiredStatus,
        version,
      });
      return;
    }
    case 'other-ecs-event':
      log.debug('ECS event of another kind: nothing to do', { detailType: read.detailType });
      return;
    case 'malformed':
      log.debug('ECS event the runner cannot read: nothing to do', { problem: read.problem });
      return;
  }
}
