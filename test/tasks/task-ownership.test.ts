import { isOwnedBy, taskOwner } from '../../src/tasks/task-ownership';
import { defaultStartedBy, resourceTag } from '../../src/shared/resource-identity';
import { fixtures } from '../support/fixtures';

const request = fixtures.create();
const owner = taskOwner(request);
const DEFAULT = defaultStartedBy(request);
const resource = (value: string) => ({ key: 'ecs-task-runner:resource', value });
const requestTag = { key: 'ecs-task-runner:request', value: 'a'.repeat(64) };

describe("a task is the resource's", () => {
  it('when it carries the resource’s tag, under any startedBy', () => {
    expect(owner).toEqual({ resourceTag: resourceTag(request), legacyStartedBy: DEFAULT });
    expect(isOwnedBy(owner, { tags: [requestTag, resource(owner.resourceTag)] }, 'chosen-by-the-template')).toBe(true);
    expect(isOwnedBy(owner, { tags: [resource(owner.resourceTag)] }, DEFAULT)).toBe(true);
  });

  it('when an earlier runner started it: the request tag, no resource tag, under the default startedBy', () => {
    expect(isOwnedBy(owner, { tags: [requestTag] }, DEFAULT)).toBe(true);
    expect(isOwnedBy(owner, { tags: [requestTag] }, 'chosen-by-the-template')).toBe(false);
  });

  it('never when it merely shares the startedBy, or carries another resource’s tag', () => {
    expect(isOwnedBy(owner, {}, DEFAULT)).toBe(false);
    expect(isOwnedBy(owner, { tags: [{ key: 'team', value: owner.resourceTag }] }, DEFAULT)).toBe(false);
    expect(isOwnedBy(owner, { tags: [requestTag, resource('f'.repeat(64))] }, DEFAULT)).toBe(false);
    expect(isOwnedBy(owner, { tags: [resource('f'.repeat(64))] }, 'ecs-svc/123')).toBe(false);
  });
});
