/** The parts of AWS ARNs the runner shows to people. */

/** The last path segment of an ARN: a task's ID, a task definition's `family:revision`. */
export function resourceName(arn: string): string {
  return arn.split('/').pop() ?? arn;
}

/** A task's ID (`arn:aws:ecs:region:account:task/cluster/ID` → `ID`). */
export function taskId(taskArn: string): string {
  return resourceName(taskArn);
}

/** A stack's name (`arn:aws:cloudformation:region:account:stack/NAME/uuid` → `NAME`). */
export function stackName(stackId: string): string | undefined {
  return stackId.split('/')[1];
}
