import { errorName } from '../../aws/aws-errors';
import { HAND_OFF_MARGIN_MS } from '../../runtime/time-budget';
import type { RunnerDeps } from '../contract';
import { chainTooLong } from '../../answers/wording';

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

/** Whether a watch can start: it fits in one chain of invocations, or the function allows recursion. */
export type ChainCheck = { kind: 'fits' } | { kind: 'refused'; reason: string };

/**
 * Whether a watch of `timeoutMs` can be started: it fits in one chain of invocations, or the function allows
 * recursion. The setting is read only when it matters; not knowing counts as not allowed.
 */
export async function checkInvocationChain(
  timeoutMs: number,
  deps: Pick<RunnerDeps, 'aws' | 'invocation' | 'log'>,
): Promise<ChainCheck> {
  const invocationMs = deps.invocation.remainingTimeMs();
  const needed = invocationsNeeded(timeoutMs, invocationMs);
  if (needed <= MAX_INVOCATIONS_IN_CHAIN) return { kind: 'fits' };
  const functionName = unqualifiedFunctionArn(deps.invocation.functionArn);
  try {
    const setting = await (await deps.aws.lambda()).recursiveLoop(functionName);
    if (setting === 'Allow') {
      deps.log.info('The watch needs a long chain of invocations; the function allows recursion', {
        invocationsNeeded: needed,
      });
      return { kind: 'fits' };
    }
  } catch (error) {
    deps.log.warn(
      "Could not read the function's recursion setting (lambda:GetFunctionRecursionConfig); assuming Terminate",
      { error: errorName(error) },
    );
  }
  return { kind: 'refused', reason: chainTooLong(invocationMs, timeoutMs, needed) };
}
