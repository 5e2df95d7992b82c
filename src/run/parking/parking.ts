import { createHash } from 'node:crypto';
import { errorName, errorSummary } from '../../aws/aws-errors';
import type { StateTableApi } from '../../aws/ports';
import type { RunnerDeps } from '../contract';
import { runItemExpiry, runItemKey, updateRunItem } from './run-item';
import type { Run, RunState } from '../run-state';

/**
 * How long an invocation watches the tasks it started before it parks the run: a short migration (most end within
 * a minute) is still answered by the invocation that started it, at the watch's 2.75 s pace, without a wake; a
 * longer one costs no invocation time while it runs. Also how long a woken run that starts again watches.
 */
export const PARK_AFTER_MS = 60_000;

/**
 * Event-driven completion for this invocation: the state table the run is parked in, and the version of the run's
 * item this invocation last wrote (or claimed, or read before a DescribeTasks of the watch: quiet-watch.ts). A park is
 * written only on that version: if it changed, an event was recorded meanwhile (wake-parked-run.ts) and the tasks are
 * read once more before the run parks (follow-run.ts).
 * `itemVersion` is undefined until the run is registered; a run that is not cannot park, and hands off as polling does.
 */
export interface Parking {
  table: StateTableApi;
  itemVersion: number | undefined;
}

/**
 * Whether runs park in this invocation: events are on (EVENT_DRIVEN_COMPLETION 'true', `deps.eventDriven`) and the
 * function has its state table. Otherwise undefined: the run polls and hands off, exactly as without events.
 */
export async function parkingOf(
  deps: Pick<RunnerDeps, 'aws' | 'eventDriven'>,
  itemVersion?: number,
): Promise<Parking | undefined> {
  if (deps.eventDriven !== true) return undefined;
  const table = await deps.aws.stateTable();
  return table ? { table, itemVersion } : undefined;
}

/** The index item of a task the runner started: its key, from the task's ARN (what an event names). */
export function taskItemKey(taskArn: string): string {
  return `task#${createHash('sha256').update(taskArn).digest('hex')}`;
}

/** An index item's body: the key of the run item that started the task. */
export interface TaskItem {
  kind: 'task';
  run: string;
}

/**
 * Writes the run, watching the tasks RunTask just started, into its item, and an index item per task, so that an
 * event that arrives before the run parks finds it and is recorded. Index items first: an event that finds one before
 * the run item holds the tasks is recorded all the same. A failure is logged and leaves the run unregistered: it
 * polls and hands off as without events, and is never stopped for it.
 */
export async function registerRun(
  run: Run & { state: Extract<RunState, { kind: 'watching' }> },
  parking: Parking,
  deps: Pick<RunnerDeps, 'clock' | 'log'>,
): Promise<void> {
  const { table } = parking;
  const now = deps.clock.now();
  const runKey = runItemKey(run.request);
  const expiresAt = runItemExpiry(run.request.ResponseURL, now);
  try {
    for (const taskArn of run.state.taskArns) {
      const body: TaskItem = { kind: 'task', run: runKey };
      // 'conflict': the same task registered before (RunTask's clientToken gives a retried call the same tasks).
      await table.put({ pk: taskItemKey(taskArn), version: 1, body: JSON.stringify(body), expiresAt }, undefined);
    }
    parking.itemVersion = await updateRunItem<number>(table, run.request, now, (current) => {
      if ((current?.generation ?? 0) > run.generation)
        throw new Error(`generation ${String(current?.generation)} already holds the run, not ${run.generation}`);
      return {
        write: { ...current, kind: 'run', generation: run.generation, run },
        result: (version: number) => version,
      };
    });
  } catch (error) {
    parking.itemVersion = undefined;
    deps.log.warn('Could not write the run to the state table: it polls, as without events', {
      error: errorName(error),
      message: errorSummary(error),
    });
  }
}

/** What parking came to: parked; news recorded since this invocation last wrote; or another invocation holds it. */
export type ParkResult = { kind: 'parked' } | { kind: 'news' } | { kind: 'held-elsewhere'; generation: number };

/**
 * Writes the run in its `parked` state, only on the item's version this invocation last wrote. When the version
 * moved (an event was recorded: wake-parked-run.ts), nothing is written and the caller reads the tasks once more
 * with the version now read; it then parks or decides.
 */
export async function parkRun(
  run: Run & { state: Extract<RunState, { kind: 'parked' }> },
  parking: Parking,
  deps: Pick<RunnerDeps, 'clock' | 'log'>,
): Promise<ParkResult> {
  const expected = parking.itemVersion;
  if (expected === undefined) throw new Error('A run that is not registered in the state table cannot park');
  const result = await updateRunItem<ParkResult | { kind: 'written'; version: number }>(
    parking.table,
    run.request,
    deps.clock.now(),
    (current, version) => {
      if (!current || version === undefined) throw new Error('the run item is gone');
      if (current.generation > run.generation)
        return { result: { kind: 'held-elsewhere', generation: current.generation } };
      if (version !== expected) {
        parking.itemVersion = version;
        return { result: { kind: 'news' } };
      }
      return { write: { ...current, run }, result: (written: number) => ({ kind: 'written', version: written }) };
    },
  );
  if (result.kind !== 'written') return result;
  parking.itemVersion = result.version;
  deps.log.info('Parked the run: an ECS event (or the sweep) wakes it', {
    taskArns: run.state.taskArns,
    generation: run.generation,
  });
  return { kind: 'parked' };
}
