/**
 * The tag the runner puts on every task it starts (the resource's runs and its OnDelete teardown), whose value
 * identifies the resource (`resourceTag`: a digest of StackId and LogicalResourceId). Delete, IfRunning and the
 * OnDelete cleanup act only on tasks that carry it: StartedBy is the template's to choose, so a task that merely
 * shares it is not the resource's.
 */
export const RESOURCE_TAG_KEY = 'ecs-task-runner:resource';
