import type { Task } from '@aws-sdk/client-ecs';
import { confirmationOf, newsOf } from '../../src/events/event-news';

describe('newsOf', () => {
  it('takes an event for a task heard of for the first time as news', () => {
    expect(newsOf({ version: 4 }, undefined)).toEqual({ kind: 'news', version: 4 });
  });

  it('takes a higher version as news', () => {
    expect(newsOf({ version: 5 }, 4)).toEqual({ kind: 'news', version: 5 });
  });

  it('takes a duplicate (the same version) and an older event as stale', () => {
    expect(newsOf({ version: 5 }, 5)).toEqual({ kind: 'stale', version: 5, lastSeen: 5 });
    expect(newsOf({ version: 3 }, 5)).toEqual({ kind: 'stale', version: 3, lastSeen: 5 });
  });

  it('takes version 0 as news for a task never heard of, and stale after it', () => {
    expect(newsOf({ version: 0 }, undefined)).toEqual({ kind: 'news', version: 0 });
    expect(newsOf({ version: 0 }, 0)).toEqual({ kind: 'stale', version: 0, lastSeen: 0 });
  });
});

describe('confirmationOf', () => {
  const task = (version: number | undefined): Task => ({
    taskArn: 'arn:aws:ecs:us-west-2:111122223333:task/FargateCluster/c13b4cb40f1f4fe4a2971f76ae5a47ad',
    lastStatus: 'STOPPED',
    ...(version === undefined ? {} : { version }),
  });

  it('believes DescribeTasks once its task is at the event’s version or later', () => {
    expect(confirmationOf(task(5), 5)).toEqual({ kind: 'caught-up', task: task(5) });
    expect(confirmationOf(task(7), 5)).toEqual({ kind: 'caught-up', task: task(7) });
  });

  it('asks again while DescribeTasks is behind the event', () => {
    expect(confirmationOf(task(4), 5)).toEqual({ kind: 'ask-again', taskVersion: 4, eventVersion: 5 });
  });

  it('asks again when DescribeTasks gives no version to compare', () => {
    expect(confirmationOf(task(undefined), 5)).toEqual({ kind: 'ask-again', taskVersion: undefined, eventVersion: 5 });
  });

  it('says so when ECS does not know the task', () => {
    expect(confirmationOf(undefined, 5)).toEqual({ kind: 'not-found' });
  });
});
