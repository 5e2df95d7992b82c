import { errorName, isPermissionDenied } from '../aws/aws-errors';
import type { AwsPorts } from '../aws/ports';
import type { RunnerDeps } from '../run/contract';
import { deniedCallDelayMs } from '../runtime/delays';
import { retry } from '../runtime/retry';
import { HAND_OFF_MARGIN_MS, IAM_PROPAGATION_MS, type TimeBudget } from '../runtime/time-budget';

type Retry = <R>(what: string, call: () => Promise<R>) => Promise<R>;

/**
 * `deps` whose AWS calls are retried when denied, for IAM_PROPAGATION_MS after now (runtime/time-budget.ts says why)
 * and never past `budget`: not past its deadline, and not into the time this invocation keeps to hand off or answer
 * (HAND_OFF_MARGIN_MS). Then a denial is final and fails as it would have at once (the Reason names the missing
 * permission). For Create and Update, whose grants may be as new as the request; a Delete does not wait.
 */
export function retryingDeniedCalls(deps: RunnerDeps, budget: TimeBudget): RunnerDeps {
  const { clock, log } = deps;
  const until = Math.min(budget.patienceUntil(IAM_PROPAGATION_MS), budget.callUntil(HAND_OFF_MARGIN_MS));
  const retryDenied: Retry = (what, call) =>
    retry(
      call,
      {
        retryable: isPermissionDenied,
        delay: (failures) => deniedCallDelayMs(failures - 1),
        until: { time: until, lastWait: 'must-fit' },
        onRetry: ({ attempt, error, delayMs }) =>
          log.warn('Access denied; new IAM grants can take seconds to apply, so the call is retried', {
            call: what,
            error: errorName(error),
            attempt,
            delayMs,
          }),
      },
      clock,
    );
  return { ...deps, aws: retryingPorts(deps.aws, retryDenied) };
}

/**
 * The calls only the diagnostics make (EC2, the container instances' reads): not retried when denied. A diagnosis
 * has its own bound (DIAGNOSIS_TIME_MS) and says which permission it lacked; waiting out IAM for it would only cut
 * it short and hold the answer.
 */
const DIAGNOSIS_ONLY_ECS_CALLS: ReadonlySet<string> = new Set(['listContainerInstances', 'describeContainerInstances']);

function retryingPorts(aws: AwsPorts, retry: Retry): AwsPorts {
  const once: Retry = (_what, call) => call();
  return {
    ecs: retrying(aws.ecs, (what, call) => (DIAGNOSIS_ONLY_ECS_CALLS.has(what) ? once : retry)(what, call)),
    ec2: () => aws.ec2(),
    lambda: async () => retrying(await aws.lambda(), retry),
    cloudFormation: async () => retrying(await aws.cloudFormation(), retry),
    // The role may be as new as the request too: its AssumeRole is retried as well.
    cloudFormationAs: async (roleArn) =>
      retrying(await retry('AssumeRole', () => aws.cloudFormationAs(roleArn)), retry),
    logs: async () => retrying(await aws.logs(), retry),
    stateTable: async () => {
      const table = await aws.stateTable();
      return table && retrying(table, retry);
    },
  };
}

/** `api` with each of its methods' calls retried by `retry`. */
function retrying<T extends object>(api: T, retry: Retry): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(api)) {
    wrapped[name] =
      typeof member === 'function'
        ? (...args: unknown[]) =>
            retry(name, () => (member as (...input: unknown[]) => Promise<unknown>).apply(api, args))
        : member;
  }
  return wrapped as T;
}
