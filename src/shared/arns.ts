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

/** The fields of an ARN (`arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`), or undefined when it is not one. */
export interface ArnFields {
  partition: string;
  service: string;
  region: string;
  account: string;
}

export function arnFields(arn: string): ArnFields | undefined {
  const [prefix, partition, service, region, account, ...resource] = arn.split(':');
  if (prefix !== 'arn' || !partition || !service || region === undefined || account === undefined) return undefined;
  if (resource.length === 0) return undefined;
  return { partition, service, region, account };
}
