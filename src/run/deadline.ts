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
  const cap = Math.max(1, cloudFormationWait - answerMarginSeconds(cloudFormationWait));
  if (input.timeoutSeconds === undefined) return { seconds: cap };
  if (input.timeoutSeconds <= cap) return { seconds: input.timeoutSeconds };
  return { seconds: cap, capped: { requested: input.timeoutSeconds, cap } };
}

/** What the runner keeps for stopping the tasks and answering: 10 % of CloudFormation's wait, 5 to 60 seconds. */
function answerMarginSeconds(cloudFormationWaitSeconds: number): number {
  return Math.min(60, Math.max(5, Math.ceil(cloudFormationWaitSeconds * 0.1)));
}

/** When CloudFormation sent the request, and when the runner must have answered it (epoch milliseconds). */
export interface CloudFormationWait {
  sentAt: number;
  answerBy: number;
  waitSeconds: number;
}

/**
 * CloudFormation's own clock: its ResponseURL is an S3 URL it presigns when it sends the request, so its
 * `X-Amz-Date` (SigV4's `YYYYMMDDTHHMMSSZ`) is when the wait of ServiceTimeout (default one hour) began, however
 * late SNS or Lambda's asynchronous retries delivered the request. Undefined for a URL without one (a local URL).
 */
export function cloudFormationWait(
  responseUrl: string,
  serviceTimeoutSeconds?: number,
): CloudFormationWait | undefined {
  let amzDate: string | null;
  try {
    amzDate = new URL(responseUrl).searchParams.get('X-Amz-Date');
  } catch {
    return undefined;
  }
  const parts = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate ?? '');
  if (!parts) return undefined;
  const [year, month, day, hour, minute, second] = parts.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const sentAt = Date.UTC(year, month - 1, day, hour, minute, second);
  const waitSeconds = serviceTimeoutSeconds ?? CLOUDFORMATION_DEFAULT_TIMEOUT_SECONDS;
  return { sentAt, answerBy: sentAt + (waitSeconds - answerMarginSeconds(waitSeconds)) * 1000, waitSeconds };
}
