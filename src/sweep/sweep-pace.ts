import type { Clock } from '../runtime/clock';

/**
 * The gap the sweep keeps between its ECS reads (ListTasks, DescribeTasks). They draw on the account's bucket for
 * cluster resource reads, shared with every watch and deployment (ECS refills it at 20 calls a second, "Request
 * throttling for the Amazon ECS API", ECS Developer Guide): a background pass that spends it in a burst gets the
 * watches of a release train refused. Four calls a second, a fifth of the refill, is 50 s for 100 clusters.
 */
export const SWEEP_CALL_GAP_MS = 250;

/** A pacer for one pass: the first call goes at once, each later one SWEEP_CALL_GAP_MS after the one before. */
export function sweepPace(clock: Pick<Clock, 'sleep'>): () => Promise<void> {
  let first = true;
  return async () => {
    if (first) {
      first = false;
      return;
    }
    await clock.sleep(SWEEP_CALL_GAP_MS);
  };
}
