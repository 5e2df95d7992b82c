/** CloudFormation's default wait for a custom resource's answer, when the template sets no ServiceTimeout. */
export const CLOUDFORMATION_DEFAULT_TIMEOUT_SECONDS = 3600;

export interface DeadlineInput {
  timeoutSeconds?: number;
  serviceTimeoutSeconds?: number;
}

export interface EffectiveTimeout {
  seconds: number;
  /** Set when `Timeout` was lowered to fit CloudFormation's own wait; the runner logs it. */
  capped?: { requested: number; cap: number };
}

/**
 * How long the tasks may take. CloudFormation stops waiting after ServiceTimeout (default one hour) from its
 * request; the runner must have answered by then, so it keeps a margin for stopping the tasks and answering
 * (10 % of that wait, 5 to 60 seconds).
 */
export function effectiveTimeout(input: DeadlineInput): EffectiveTimeout {
  const cloudFormationWait = input.serviceTimeoutSeconds ?? CLOUDFORMATION_DEFAULT_TIMEOUT_SECONDS;
  const margin = Math.min(60, Math.max(5, Math.ceil(cloudFormationWait * 0.1)));
  const cap = Math.max(1, cloudFormationWait - margin);
  if (input.timeoutSeconds === undefined) return { seconds: cap };
  if (input.timeoutSeconds <= cap) return { seconds: input.timeoutSeconds };
  return { seconds: cap, capped: { requested: input.timeoutSeconds, cap } };
}
