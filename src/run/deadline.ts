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

/**
 * How much later than CloudFormation sent it a request may reach the runner and still count as on time: SNS and
 * Lambda's asynchronous queue take seconds, and X-Amz-Date counts whole seconds. Later than this, with CloudFormation's
 * wait ending before the Timeout would, the request was delivered late (an SNS delay, Lambda's retries).
 */
export const LATE_AFTER_MS = 60_000;

/** A request delivered late, whose deadline is what was left of CloudFormation's wait. */
export interface LateDelivery {
  /** How long after CloudFormation sent it the request reached the runner, in whole seconds. */
  lateSeconds: number;
  /** CloudFormation's wait (ServiceTimeout). */
  waitSeconds: number;
}

/**
 * Whether the run's deadline — `deadline`, for a request received at `receivedAt` (epoch ms) — was cut short by a late
 * delivery: then raising Timeout would not have helped, and the Reason says so. Derived from the request's
 * ResponseURL, so every invocation of the run tells the same.
 */
export function lateDelivery(
  responseUrl: string,
  serviceTimeoutSeconds: number | undefined,
  receivedAt: number,
  deadline: number,
): LateDelivery | undefined {
  const wait = cloudFormationWait(responseUrl, serviceTimeoutSeconds);
  if (!wait || deadline < wait.answerBy || receivedAt - wait.sentAt <= LATE_AFTER_MS) return undefined;
  return { lateSeconds: Math.round((receivedAt - wait.sentAt) / 1000), waitSeconds: wait.waitSeconds };
}

/** The run's late delivery, if any: from its request and plan (the plan's Timeout counts from the arrival). */
export function lateDeliveryOfRun(
  request: { ResponseURL: string },
  plan: { deadline: number; timeoutSeconds: number },
  serviceTimeoutSeconds: number | undefined,
): LateDelivery | undefined {
  return lateDelivery(
    request.ResponseURL,
    serviceTimeoutSeconds,
    plan.deadline - plan.timeoutSeconds * 1000,
    plan.deadline,
  );
}
