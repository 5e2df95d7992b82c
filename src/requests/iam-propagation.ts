import { errorName, isPermissionDenied } from '../aws/aws-errors';
import type { AwsPorts } from '../aws/ports';
import type { LifecycleDependencies } from '../run/contract';

/**
 * How long after a request arrives an AccessDenied may still be IAM catching up. IAM is eventually consistent
 * (IAM User Guide, troubleshooting): a role or policy created in the same deployment — the CDK construct grants
 * the runner's role next to the resource — can be refused for a few seconds after CloudFormation reports it
 * complete.
 */
export const IAM_PROPAGATION_MS = 60_000;

/** Waits between attempts of a denied call: 2, 4, 8, then every 10 seconds. */
export function deniedRetryDelayMs(attempt: number): number {
  return Math.min(10_000, 2_000 * 2 ** attempt);
}

type Retry = <R>(what: string, call: () => Promise<R>) => Promise<R>;

/**
 * `deps` whose AWS calls are retried when denied, until IAM_PROPAGATION_MS after now; then a denial is final and
 * fails as it would have at once (the Reason names the missing permission). For Create and Update, whose grants
 * may be as new as the request; a Delete does not wait.
 */
export function retryingDeniedCalls(deps: LifecycleDependencies): LifecycleDependencies {
  const { clock, log } = deps;
  const until = clock.now() + IAM_PROPAGATION_MS;
  const retry: Retry = async (what, call) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        const delay = deniedRetryDelayMs(attempt);
        if (!isPermissionDenied(error) || clock.now() + delay > until) throw error;
        log.warn('Access denied; new IAM grants can take seconds to apply, so the call is retried', {
          call: what,
          error: errorName(error),
          attempt: attempt + 1,
          delayMs: delay,
        });
        await clock.sleep(delay);
      }
    }
  };
  return { ...deps, aws: retryingPorts(deps.aws, retry) };
}

function retryingPorts(aws: AwsPorts, retry: Retry): AwsPorts {
  return {
    ecs: retrying(aws.ecs, retry),
    ec2: async () => retrying(await aws.ec2(), retry),
    lambda: async () => retrying(await aws.lambda(), retry),
    cloudFormation: async () => retrying(await aws.cloudFormation(), retry),
    // The role may be as new as the request too: its AssumeRole is retried as well.
    cloudFormationAs: async (roleArn) =>
      retrying(await retry('AssumeRole', () => aws.cloudFormationAs(roleArn)), retry),
    logs: async () => retrying(await aws.logs(), retry),
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
