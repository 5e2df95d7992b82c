import { errorName, errorSummary } from '../../aws/aws-errors';
import type { DescribeGate } from '../../tasks/watch-tasks';
import type { RunnerDeps } from '../contract';
import type { Parking } from '../parking/parking';
import { type RunKey, runItemKey, runItemOf } from '../parking/run-item';

/**
 * How long a registered run's first-minute watch goes without a DescribeTasks while its item shows no news: an event
 * may be lost (the sweep looks only at parked runs), so ECS is still asked this often — three calls in the minute
 * before the run parks, where the young-task schedule makes about twenty (poll-schedule.ts). A stampede of runs then
 * stays well inside ECS's read bucket.
 */
export const QUIET_FALLBACK_MS = 20_000;

/** What the watch last read from ECS after a look at the run item: its version and the event versions it held. */
interface Look {
  version: number | undefined;
  seen: string;
}

/**
 * With events on and the run registered (parking.ts), the first minute's watch asks ECS only when something
 * happened. At each scheduled poll the gate reads the run's item (GetItem, strongly consistent: DynamoDB's capacity,
 * not ECS's buckets) and says yes when the item changed since the last look that DescribeTasks followed — an event's
 * wake confirmed it with DescribeTasks and recorded it in `seen` (wake-parked-run.ts), so the answer follows within
 * one poll of the event's arrival — or when QUIET_FALLBACK_MS passed since the last yes (a lost event). An item that
 * cannot be read says yes. `describeFirst`: the first poll asks ECS (a watch taken over knows nothing yet).
 *
 * Once DescribeTasks answered after a look, the run parks on the version that look read (`parking.itemVersion`):
 * the events recorded up to it were read from ECS since, so parking need not read the tasks once more for them.
 */
export function quietWatch(
  request: RunKey,
  parking: Parking,
  deps: Pick<RunnerDeps, 'clock' | 'log'>,
  describeFirst: boolean,
): DescribeGate {
  const { clock, log } = deps;
  const pk = runItemKey(request);
  let read: Look = { version: parking.itemVersion, seen: JSON.stringify({}) };
  let looked: Look | undefined;
  let askedAt = describeFirst ? Number.NEGATIVE_INFINITY : clock.now();
  return {
    async shouldDescribe() {
      let news: boolean;
      try {
        const stored = await parking.table.get(pk);
        looked = { version: stored?.version, seen: JSON.stringify(stored ? (runItemOf(stored).seen ?? {}) : {}) };
        news = looked.version !== read.version || looked.seen !== read.seen;
      } catch (error) {
        log.warn('Could not read the run item: asking ECS', { error: errorName(error), message: errorSummary(error) });
        looked = undefined;
        news = true;
      }
      if (!news && clock.now() - askedAt < QUIET_FALLBACK_MS) return false;
      askedAt = clock.now();
      return true;
    },
    described() {
      if (!looked) return;
      read = looked;
      // The park is written on this version: a later generation's write still ends it quietly (parkRun).
      if (looked.version !== undefined) parking.itemVersion = looked.version;
    },
  };
}
