import type { Failure } from '@aws-sdk/client-ecs';
import { errorName, errorSummary, isNoContainerInstances, isThrottled, isTransient } from '../aws/aws-errors';
import type { DecidedTask } from './task-outcome';

/**
 * Whether a failed start can pass with time, so that StartRetries may try again. Based on ECS's documented
 * messages (Amazon ECS Developer Guide): "Amazon ECS stopped tasks error messages" (stopped-task-error-codes.html),
 * "CannotPullContainer task errors in Amazon ECS" (task_cannot_pull_image.html), "Troubleshooting Amazon ECS
 * ResourceInitializationError errors" (resource-initialization-error.html), "Troubleshooting Amazon ECS
 * CannotStartContainerError errors" (cannot-start-container.html), and "Amazon ECS API failure reasons"
 * (api_failures_messages.html) for RunTask's `failures[]`.
 */
export type StartFailureVerdict =
  { kind: 'passes-with-time'; cause: TransientCause } | { kind: 'final'; cause: FinalCause; evidence: string };

/** Capacity (RESOURCE:*, Fargate capacity, ENIs or IP addresses, no instance yet), throttling, a network hiccup. */
export type TransientCause = 'capacity' | 'throttling' | 'network';

export type FinalCause =
  | 'image-not-found'
  | 'access-denied'
  | 'missing-or-invalid-reference'
  | 'cannot-start-command'
  | 'no-instance-can-run'
  | 'unrecognised';

/**
 * A repository, image or tag that does not exist, in the registry's words as ECS quotes them
 * (CannotPullContainerError "... not found", ECR's "manifest unknown"). The failure hints read the same words.
 */
export const IMAGE_NOT_FOUND = /\bnot found\b|manifest unknown|name unknown|RepositoryNotFound|ImageNotFound/i;

/**
 * Messages that never pass with time, checked before the transient ones: a pull "retried 5 time(s)" that ends in
 * "not found", or a secret read that ends in AccessDeniedException, is final.
 */
const FINAL: readonly (readonly [FinalCause, RegExp])[] = [
  // CannotStartContainerError: the runtime could not exec the command (missing binary, wrong architecture).
  [
    'cannot-start-command',
    /CannotStartContainerError|executable file not found|OCI runtime (create|exec) failed|exec format error|exec: "/i,
  ],
  // ECR, a private registry, Secrets Manager, SSM, CloudWatch Logs or KMS refused the task execution role.
  ['access-denied', /AccessDenied|not authori[sz]ed|UnauthorizedOperation|pull access denied|403 Forbidden|denied:/i],
  ['image-not-found', IMAGE_NOT_FOUND],
  // ResourceInitializationError: a log group, secret or parameter the task definition names does not exist.
  [
    'missing-or-invalid-reference',
    /does not exist|can't find|cannot find|ResourceNotFoundException|ParameterNotFound|invalid parameters|ClientException|InvalidParameter/i,
  ],
  // RunTask failures[]: no container instance matches the task's requirements (placement constraints, attributes).
  ['no-instance-can-run', /^ATTRIBUTE\b/],
];

/** One case-insensitive pattern matching any of `patterns` (written apart to keep each line readable). */
function anyOf(...patterns: RegExp[]): RegExp {
  return new RegExp(patterns.map((pattern) => pattern.source).join('|'), 'i');
}

const TRANSIENT: readonly (readonly [TransientCause, RegExp])[] = [
  [
    'capacity',
    anyOf(
      /^RESOURCE:|^AGENT\b|Capacity is unavailable|InsufficientFreeAddresses|insufficient free (ip )?addresses/,
      /network interface provisioning|NetworkInterfaceLimitExceeded|AttachmentLimitExceeded/,
      /No Container Instances were found/,
    ),
  ],
  ['throttling', /Throttl|Rate exceeded|TooManyRequests|RequestLimitExceeded|pull rate limit|\b429\b/i],
  [
    'network',
    anyOf(
      /i\/o timeout|timed out|timeout|deadline exceeded|context canceled|request canceled|connection (reset|refused)/,
      /TLS handshake|unexpected EOF|no such host|temporary failure/,
      /InternalError|Internal Server Error|Service Unavailable|Bad Gateway|API error \(5\d\d\)/,
    ),
  ],
];

/** What one message of ECS about a failed start says about time. */
export function judgeStartFailureMessage(message: string): StartFailureVerdict {
  const text = message.trim();
  for (const [cause, pattern] of FINAL) if (pattern.test(text)) return { kind: 'final', cause, evidence: text };
  for (const [cause, pattern] of TRANSIENT) if (pattern.test(text)) return { kind: 'passes-with-time', cause };
  return { kind: 'final', cause: 'unrecognised', evidence: text };
}

/** Every message must pass with time for the whole to: the first final one decides. */
function judgeAll(messages: readonly string[]): StartFailureVerdict {
  if (messages.length === 0) return { kind: 'final', cause: 'unrecognised', evidence: 'no reason given' };
  const verdicts = messages.map(judgeStartFailureMessage);
  return verdicts.find((verdict) => verdict.kind === 'final') ?? (verdicts[0] as StartFailureVerdict);
}

/**
 * Tasks that failed to start (see `failedToStart`): Spot reclaiming the capacity before the container ran is
 * capacity; otherwise ECS's stopped reason and the containers' reasons say why.
 */
export function judgeFailedStarts(tasks: readonly DecidedTask[]): StartFailureVerdict {
  return judgeAll(
    tasks.flatMap((task) => {
      if (task.stopCode === 'SpotInterruption') return ['RESOURCE: Spot capacity reclaimed before the task ran'];
      const reasons = [task.stoppedReason, ...task.failures.map((failure) => failure.reason)].filter(
        (reason): reason is string => reason !== undefined && reason.trim() !== '',
      );
      // "Task failed to start" alone says nothing; a container's reason says why.
      const specific = reasons.filter((reason) => !/^Task failed to start\.?$/i.test(reason.trim()));
      return [(specific.length > 0 ? specific : reasons).join(' ')];
    }),
  );
}

/** RunTask's `failures[]` for tasks it could not place. */
export function judgePlacementFailures(failures: readonly Failure[]): StartFailureVerdict {
  if (failures.length === 0) return judgeAll([]);
  const verdicts = failures.map((failure) => {
    // Either field may carry the telling part (`MISSING` with "Capacity is unavailable at this time.").
    const parts = [failure.reason, failure.detail].filter((part): part is string => Boolean(part?.trim()));
    const judged = parts.map(judgeStartFailureMessage);
    return judged.find((verdict) => verdict.kind === 'passes-with-time') ?? judgeAll([parts.join(' ')]);
  });
  return verdicts.find((verdict) => verdict.kind === 'final') ?? (verdicts[0] as StartFailureVerdict);
}

/**
 * A RunTask call ECS refused (after the call's own retries). Throttling and server faults pass with time, and so
 * does "No Container Instances were found in your cluster" (an Auto Scaling group scaling out from zero).
 */
export function judgeRunTaskRefusal(error: unknown): StartFailureVerdict {
  if (isThrottled(error)) return { kind: 'passes-with-time', cause: 'throttling' };
  if (isNoContainerInstances(error)) return { kind: 'passes-with-time', cause: 'capacity' };
  if (isTransient(error)) return { kind: 'passes-with-time', cause: 'network' };
  return { kind: 'final', cause: 'unrecognised', evidence: `${errorName(error)}: ${errorSummary(error)}` };
}

/** Every failure RunTask reported may pass with time: starting again can work. */
export function isTransientPlacementFailure(failures: readonly Failure[]): boolean {
  return judgePlacementFailures(failures).kind === 'passes-with-time';
}

/**
 * The task failed to start: ECS stopped it with `TaskFailedToStart` (CannotPullContainerError,
 * ResourceInitializationError, ...), or Spot reclaimed its capacity before any essential container ran. A task whose
 * essential container ran and exited — with any exit code — did start.
 */
export function failedToStart(task: DecidedTask): boolean {
  switch (task.verdict) {
    case 'succeeded':
    case 'unknown-to-ecs':
      return false;
    case 'failed':
    case 'stopped-from-outside':
      return task.stopCode === 'TaskFailedToStart' || (task.stopCode === 'SpotInterruption' && task.neverRan === true);
  }
}
