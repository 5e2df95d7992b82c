import type { LifecycleDependencies } from './contract';

/** The stack status during which a failed update's properties are being rolled back. */
export const UPDATE_ROLLBACK = 'UPDATE_ROLLBACK_IN_PROGRESS';

/** The stack status while a stack whose creation failed deletes what it created. */
export const CREATE_ROLLBACK = 'ROLLBACK_IN_PROGRESS';

/** The stack's status (cloudformation:DescribeStacks); undefined when it cannot be read, which the log says. */
export async function stackStatus(stackId: string, deps: LifecycleDependencies): Promise<string | undefined> {
  try {
    return await (await deps.aws.cloudFormation()).stackStatus(stackId);
  } catch (error) {
    // Not knowing must not block the request: it goes on as it would without the policy that asked.
    deps.log.warn('Could not read the stack status (cloudformation:DescribeStacks); assuming no rollback', {
      error: String(error),
    });
    return undefined;
  }
}
