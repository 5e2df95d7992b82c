import { errorName } from '../aws/aws-errors';
import { HAND_OFF_MARGIN_MS } from '../tasks/watch-tasks';
import type { LifecycleDependencies } from './contract';

/**
 * Lambda's recursive loop detection stops a chain of about 16 invocations of the same function, a function that
 * invokes itself asynchronously included, unless the function's `RecursiveLoop` is `Allow` (AWS Lambda Developer
 * Guide, "Use Lambda recursive loop detection to prevent infinite loops"). A watch longer than this many
 * invocations is not started without that setting.
 */
export const MAX_INVOCATIONS_IN_CHAIN = 15;

/** How many invocations — the first one included — a watch of `timeoutMs` needs with `invocationMs` each. */
export function invocationsNeeded(timeoutMs: number, invocationMs: number): number {
  return Math.max(1, Math.ceil(timeoutMs / Math.max(1, invocationMs - HAND_OFF_MARGIN_MS)));
}

/** The function's name or unqualified ARN: GetFunctionRecursionConfig reads the function, not an alias or version. */
export function unqualifiedFunctionArn(functionArn: string): string {
  // arn:aws:lambda:region:account:function:name[:qualifier]
  const parts = functionArn.split(':');
  return parts.length > 7 ? parts.slice(0, 7).join(':') : functionArn;
}

/**
 * Returns why a watch cannot be started (a Reason), or undefined when it can: it fits in one chain of invocations,
 * or the function allows recursion. The setting is read only when it matters; not knowing counts as not allowed.
 */
export async function refuseLongChain(timeoutMs: number, deps: LifecycleDependencies): Promise<string | undefined> {
  const invocationMs = deps.invocation.remainingTimeMs();
  const needed = invocationsNeeded(timeoutMs, invocationMs);
  if (needed <= MAX_INVOCATIONS_IN_CHAIN) return undefined;
  const functionName = unqualifiedFunctionArn(deps.invocation.functionArn);
  try {
    const setting = await (await deps.aws.lambda()).recursiveLoop(functionName);
    if (setting === 'Allow') {
      deps.log.info('The watch needs a long chain of invocations; the function allows recursion', {
        invocationsNeeded: needed,
      });
      return undefined;
    }
  } catch (error) {
    deps.log.warn(
      "Could not read the function's recursion setting (lambda:GetFunctionRecursionConfig); assuming Terminate",
      { error: errorName(error) },
    );
  }
  const seconds = Math.round(invocationMs / 1000);
  return (
    `Not started: with a function Timeout of about ${seconds} s, watching for up to ${Math.round(timeoutMs / 1000)} s` +
    ` would take ${needed} invocations in one chain, ` +
    `and Lambda's recursive loop detection stops such a chain after about 16. Raise the runner function's Timeout (900 s needs at most 5), ` +
    'or set RecursiveLoop: Allow on the function and grant it lambda:GetFunctionRecursionConfig on itself.'
  );
}
