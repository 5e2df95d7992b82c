import type { Task } from '@aws-sdk/client-ecs';
import { REQUEST_TAG_KEY } from '../shared/request-tag';
import { RESOURCE_TAG_KEY } from '../shared/resource-tag';
import { defaultStartedBy, type RequestIdentity, resourceTag } from '../shared/resource-identity';

/**
 * What makes a task the resource's. StartedBy is the template's to choose (another stack may set this resource's,
 * or a service's), so a task listed under it is the resource's only when it carries the resource's tag — or, started
 * by a runner from before that tag, when it carries the request tag (only the runner puts it) and was listed under
 * the resource's default startedBy (a digest of the resource's identity, which no other resource is given).
 */
export interface TaskOwner {
  /** RESOURCE_TAG_KEY's value on the resource's tasks. */
  resourceTag: string;
  /** The startedBy under which an earlier runner's task (the request tag, no resource tag) is the resource's. */
  legacyStartedBy: string;
}

export function taskOwner(request: Pick<RequestIdentity, 'StackId' | 'LogicalResourceId'>): TaskOwner {
  return { resourceTag: resourceTag(request), legacyStartedBy: defaultStartedBy(request) };
}

/** Whether `task`, listed by ListTasks under `listedUnder`, is the resource's (DescribeTasks with TAGS). */
export function isOwnedBy(owner: TaskOwner, task: Pick<Task, 'tags'>, listedUnder: string): boolean {
  const tags = task.tags ?? [];
  const resource = tags.find((tag) => tag.key === RESOURCE_TAG_KEY);
  if (resource) return resource.value === owner.resourceTag;
  return listedUnder === owner.legacyStartedBy && tags.some((tag) => tag.key === REQUEST_TAG_KEY);
}
