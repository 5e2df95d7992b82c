import { lateDeliveryOfRun } from '../deadline';
import { waitUntilStopped } from '../../tasks/running-tasks';
import { moveTo } from '../run-state';
import type { Step } from '../run-steps';
import { earlierRunTimeout, withUnreadTaskStatus } from '../../answers/wording';

/**
 * Waits until the tasks that must end first have stopped, then starts; hands the wait off when this invocation's
 * time runs short; fails, starting nothing, when the deadline passes first.
 */
export const waitForEarlierRun: Step<'waiting-for-earlier-run'> = async (run, state, { properties, policy, deps }) => {
  const { aws, clock, invocation, log } = deps;
  const waited = await waitUntilStopped(run.plan.cluster, state.taskArns, run.plan.deadline, {
    ecs: aws.ecs,
    clock,
    invocation,
    log,
  });
  switch (waited.kind) {
    case 'stopped':
      return { kind: 'next', run: moveTo(run, { kind: 'starting', count: properties.count, notBefore: 0 }) };
    case 'hand-off': {
      const taskArns = waited.running.map((task) => task.taskArn);
      return { kind: 'hand-off', run: moveTo(run, { kind: 'waiting-for-earlier-run', taskArns }) };
    }
    case 'deadline': {
      const late = lateDeliveryOfRun(run.request, run.plan, properties.serviceTimeoutSeconds);
      const timedOut = earlierRunTimeout(run.plan.timeoutSeconds, waited.running, policy.waitedFor, late);
      const reason = withUnreadTaskStatus(timedOut, waited.unread, clock.now());
      return { kind: 'answer', answer: { status: 'FAILED', reason, cause: 'timed-out' } };
    }
  }
};
