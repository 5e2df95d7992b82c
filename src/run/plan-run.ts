import { checkBeforeStart } from '../tasks/preflight';
import { MIN_INVOCATION_MS, timeBudget } from '../runtime/time-budget';
import type { RunnerDeps } from './contract';
import { cloudFormationWait, effectiveTimeout, lateDelivery } from './deadline';
import { earlierRun } from './checks/earlier-run';
import { checkInvocationChain } from './checks/invocation-chain';
import { parkingOf } from './parking/parking';
import { checkOutputsFit } from '../answers/outputs-fit';
import type { PhasePolicy } from './phase-policy';
import type { Purpose, Run } from './run-state';
import { preflightRefused, requestTooLate, tooLittleInvocationTime } from '../answers/wording';

/** The planning step's verdict: the run to carry out, or why nothing is started (a Reason). */
export type Planned = { kind: 'planned'; run: Run } | { kind: 'refused'; reason: string };

/**
 * Everything decided once, before anything starts: the deadline, and every reason not to start — too little time in
 * this invocation, a watch longer than Lambda's recursion limit allows, a task definition that does not match the
 * properties (the preflight's problems), declared Outputs that cannot fit the response, an earlier run still running
 * (IfRunning Fail). Before a teardown, the resource's tasks just stopped (`waitFor`) end first. The run works from
 * `policy`'s properties (phase-policy.ts).
 */
export async function planRun(
  purpose: Purpose,
  policy: PhasePolicy,
  deps: RunnerDeps,
  waitFor: readonly string[] = [],
): Promise<Planned> {
  const { clock, log } = deps;
  const { properties } = policy;
  // Timeout counts from the request's arrival, not from RunTask: CloudFormation's own clock started even earlier.
  const receivedAt = clock.now();
  const budget = timeBudget(Infinity, deps);
  const remainingMs = budget.invocationLeftMs();
  if (remainingMs < MIN_INVOCATION_MS) return { kind: 'refused', reason: tooLittleInvocationTime(remainingMs) };
  const timeout = effectiveTimeout(properties);
  if (timeout.capped) {
    log.warn(
      "Timeout lowered to fit CloudFormation's wait (ServiceTimeout, default 3600 s, less a margin to answer)",
      timeout.capped,
    );
  }
  const wait = cloudFormationWait(purpose.request.ResponseURL, properties.serviceTimeoutSeconds);
  if (wait && wait.answerBy <= receivedAt) return { kind: 'refused', reason: requestTooLate(wait, receivedAt) };
  // A request delivered late (an SNS delay, Lambda's asynchronous retries) gets what is left of CloudFormation's wait.
  const deadline = Math.min(receivedAt + timeout.seconds * 1000, wait?.answerBy ?? Infinity);
  const late = lateDelivery(purpose.request.ResponseURL, properties.serviceTimeoutSeconds, receivedAt, deadline);
  if (late)
    log.warn("The request arrived late: the deadline is CloudFormation's (ResponseURL's X-Amz-Date + ServiceTimeout)", {
      lateSeconds: late.lateSeconds,
      deadline: new Date(deadline).toISOString(),
    });
  // With events on, a watch parks instead of chaining invocations (parking.ts): the chain's length is no limit.
  if (!(await parkingOf(deps))) {
    const chain = await checkInvocationChain(deadline - receivedAt, deps);
    if (chain.kind === 'refused') return chain;
  }
  const checked = await checkBeforeStart(deps.aws, properties, {
    clock,
    log,
    until: budget.withDeadline(deadline).callUntil(MIN_INVOCATION_MS),
  });
  if (checked.kind === 'refused') return { kind: 'refused', reason: preflightRefused(checked.problems) };
  const { definition } = checked;
  const outputs = checkOutputsFit(purpose.request, properties, definition.arn, log);
  if (outputs.kind === 'refused') return outputs;
  const earlier = policy.waitedFor.teardown
    ? { kind: 'wait-for' as const, taskArns: [...waitFor] }
    : await earlierRun(
        purpose.request,
        { cluster: properties.cluster, startedBy: policy.startedBy, ifRunning: policy.waitedFor.ifRunning },
        budget.withDeadline(deadline),
        deps,
      );
  if (earlier.kind === 'refused') return earlier;
  return {
    kind: 'planned',
    run: {
      ...purpose,
      handOffs: 0,
      generation: 1,
      plan: {
        cluster: properties.cluster,
        taskDefinitionArn: definition.arn,
        essentialContainers: definition.essentialContainers,
        logs: definition.logs,
        usesSecrets: definition.usesSecrets,
        deadline,
        timeoutSeconds: Math.floor((deadline - receivedAt) / 1000),
        pollIntervalSeconds: properties.pollIntervalSeconds,
      },
      progress: { attempt: 1, startFailures: [], succeeded: [] },
      state:
        earlier.taskArns.length > 0
          ? { kind: 'waiting-for-earlier-run', taskArns: earlier.taskArns }
          : { kind: 'starting', count: properties.count, notBefore: 0 },
    },
  };
}
