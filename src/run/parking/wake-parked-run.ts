import type { Task } from '@aws-sdk/client-ecs';
import type { StateTableApi } from '../../aws/ports';
import { confirmationOf, newsOf } from '../../events/event-news';
import type { TaskStateChange } from '../../events/task-state-change';
import type { RunnerDeps } from '../contract';
import { type TaskItem, taskItemKey } from './parking';
import { HOLDER_GONE_AFTER_MS, type RunItem, type RunItemChange, runItemOf, updateRunItem } from './run-item';
import type { FreshRead } from './fresh-read';
import type { Run } from '../run-state';

/**
 * How often, and how far apart, DescribeTasks is asked again when it has not caught up with an event (its task's
 * `version` below the event's): ECS's API is eventually consistent, and the event may come before the API shows the
 * change. About ten seconds in all; an event still not confirmed then is not believed (and not recorded).
 */
export const CONFIRM_ATTEMPTS = 5;
export const CONFIRM_WAIT_MS = 2_000;

/**
 * What an ECS event did to the runner's runs: nothing (a task the runner did not start, a stale or unconfirmed
 * event), recorded in a run an invocation still holds (the holder reads the tasks again before it parks), or woke a
 * parked run, now held by this invocation at `itemVersion` of its item.
 */
export type Wake =
  | { kind: 'ignored'; why: 'no-table' | 'foreign-task' | 'stale' | 'unconfirmed' | 'not-parked-here' }
  | { kind: 'recorded' }
  | { kind: 'woken'; run: Run; itemVersion: number; read?: FreshRead };

/**
 * The wake entry of an ECS Task State Change (events on): finds the run of the event's task by its index item (none:
 * a task the runner did not start), drops the event when its `detail.version` is not above the one confirmed for the
 * task, confirms it with DescribeTasks (an event is never believed on its own: anyone allowed to invoke the function
 * could send one), then records the version in the run's item — and, when the run is parked, claims its next
 * generation in the same conditional write: of two events (or an event and a hand-off) only one carries the run on.
 * The woken run starts from its parked state: its step reads the tasks once more and decides (parked-attempt.ts).
 *
 * A wake is an invocation of the run like a hand-off's receiver: it holds a generation, and every write of the run's
 * item is conditioned on the version read (run-item.ts), so a wake and a hand-off, or two wakes, cannot both claim it.
 */
export async function wakeParkedRun(
  change: TaskStateChange,
  deps: Pick<RunnerDeps, 'aws' | 'clock' | 'log'>,
): Promise<Wake> {
  const { clock, log } = deps;
  const table = await deps.aws.stateTable();
  if (!table) return { kind: 'ignored', why: 'no-table' };
  const found = await runOfTask(table, change.taskArn);
  if (found === 'answered') {
    // The run's answer went out: its item keeps nothing to confirm (answer-claim.ts), and no DescribeTasks is made.
    log.info('ECS event of a task whose run was answered already: nothing to do', {
      taskArn: change.taskArn,
      version: change.version,
    });
    return { kind: 'ignored', why: 'stale' };
  }
  if (!found) {
    log.debug('ECS task state change for a task this runner did not start: nothing to do', {
      taskArn: change.taskArn,
      version: change.version,
    });
    return { kind: 'ignored', why: 'foreign-task' };
  }
  const { run, item } = found;
  const fact = { taskArn: change.taskArn, version: change.version, lastStatus: change.lastStatus };
  if (newsOf(change, item.seen?.[change.taskArn]).kind === 'stale') {
    log.info('A stale or repeated ECS event (detail.version already seen): nothing to do', fact);
    return { kind: 'ignored', why: 'stale' };
  }
  const confirmation = await confirm(change, run.plan.cluster, deps);
  if (confirmation.kind === 'unconfirmed') {
    log.warn('DescribeTasks did not catch up with the event: not believed, nothing recorded', fact);
    return { kind: 'ignored', why: 'unconfirmed' };
  }
  const wake = await updateRunItem<Wake>(table, run.request, clock.now(), (current) => {
    if (!current?.run) return { result: { kind: 'ignored', why: 'not-parked-here' } };
    if (newsOf(change, current.seen?.[change.taskArn]).kind === 'stale')
      return { result: { kind: 'ignored', why: 'stale' } };
    // A task ECS does not know carries no version to record: the woken run's step judges it.
    const seen =
      confirmation.kind === 'not-found' ? current.seen : { ...current.seen, [change.taskArn]: change.version };
    const recorded: RunItem = { ...current, ...(seen ? { seen } : {}) };
    return takeIfParked(recorded, { kind: 'recorded' });
  });
  switch (wake.kind) {
    case 'woken':
      log.info('An ECS event woke the parked run', { ...fact, generation: wake.run.generation });
      break;
    case 'recorded':
      log.info('ECS event recorded: the invocation that holds the run reads the tasks again before parking it', fact);
      break;
    case 'ignored':
      log.info('ECS event: nothing to do', { ...fact, why: wake.why });
  }
  // The confirmation's read answers the woken run's first look at its tasks when that asks the same (fresh-read.ts).
  return wake.kind === 'woken' ? { ...wake, read: confirmation.read } : wake;
}

/**
 * Wakes a parked run with no event (the sweep: a lost event, or the deadline passed): claims its next generation if
 * it is still parked, by the same conditional write an event's wake makes.
 */
export async function claimParkedRun(table: StateTableApi, run: Run, now: number): Promise<Wake> {
  return updateRunItem<Wake>(table, run.request, now, (current) =>
    current?.run
      ? takeIfParked(current, { kind: 'ignored', why: 'not-parked-here' })
      : { result: { kind: 'ignored', why: 'not-parked-here' } },
  );
}

/**
 * Takes over a run whose holder is gone (the sweep): shown `watching` by a generation claimed HOLDER_GONE_AFTER_MS
 * ago or longer, with no answer claimed — the invocation that held it (a wake, the sweep, or the one that started
 * it) timed out or crashed before it parked or answered. Its next generation is claimed by the same conditional
 * write as a wake's, so should that invocation still write (it cannot: Lambda has ended it), its park or its answer
 * finds a later generation and it ends quietly (parking.ts, answer-claim.ts). The run carries on from `parked` at
 * `now`: its tasks are read once, then it is answered or parked again (parked-attempt.ts).
 */
export async function claimOrphanedRun(table: StateTableApi, run: Run, now: number): Promise<Wake> {
  return updateRunItem<Wake>(table, run.request, now, (current) => {
    const held = current?.run;
    if (!current || held?.state.kind !== 'watching' || current.answer || !holderGone(current, now))
      return { result: { kind: 'ignored', why: 'not-parked-here' } };
    const { taskArns, startedAt } = held.state;
    return takeIfParked(
      { ...current, run: { ...held, state: { kind: 'parked', taskArns, startedAt, parkedAt: now } } },
      {
        kind: 'ignored',
        why: 'not-parked-here',
      },
    );
  });
}

/** Whether the generation that holds the run was claimed so long ago that its invocation has ended (run-item.ts). */
export function holderGone(item: RunItem, now: number): boolean {
  return item.heldSince !== undefined && now - item.heldSince >= HOLDER_GONE_AFTER_MS;
}

/**
 * The item's change that takes its run when it is parked — the next generation claimed, the run shown `watching`
 * while this invocation holds it, so that another event is then only recorded — or else `item` written as it is
 * with `otherwise` (an event's recorded version), or nothing written.
 */
function takeIfParked(item: RunItem, otherwise: Wake): RunItemChange<Wake> {
  const held = item.run;
  if (held?.state.kind !== 'parked')
    return otherwise.kind === 'recorded' ? { write: item, result: () => otherwise } : { result: otherwise };
  const woken: Run = { ...held, generation: item.generation + 1 };
  const watched: Run = {
    ...woken,
    state: { kind: 'watching', taskArns: held.state.taskArns, startedAt: held.state.startedAt },
  };
  return {
    write: { ...item, generation: woken.generation, run: watched },
    result: (itemVersion) => ({ kind: 'woken', run: woken, itemVersion }),
  };
}

/**
 * The run whose tasks include `taskArn`, and its item, found through the task's index item; `answered` when that run
 * was answered (its item keeps nothing more).
 */
async function runOfTask(
  table: StateTableApi,
  taskArn: string,
): Promise<{ run: Run; item: RunItem } | 'answered' | undefined> {
  const index = await table.get(taskItemKey(taskArn));
  if (!index) return undefined;
  const task = JSON.parse(index.body) as Partial<TaskItem>;
  if (task.kind !== 'task' || typeof task.run !== 'string') return undefined;
  const stored = await table.get(task.run);
  if (!stored) return undefined;
  const item = runItemOf(stored);
  if (item.answered === true) return 'answered';
  return item.run ? { run: item.run, item } : undefined;
}

/**
 * Whether DescribeTasks backs the event: `caught-up` (the task's version at least the event's), `not-found` (ECS
 * does not know the task: the woken run's step decides what that means), or `unconfirmed` after CONFIRM_ATTEMPTS.
 */
async function confirm(
  change: TaskStateChange,
  cluster: string,
  deps: Pick<RunnerDeps, 'aws' | 'clock'>,
): Promise<{ kind: 'caught-up' | 'not-found'; read: FreshRead } | { kind: 'unconfirmed' }> {
  for (let attempt = 1; attempt <= CONFIRM_ATTEMPTS; attempt++) {
    if (attempt > 1) await deps.clock.sleep(CONFIRM_WAIT_MS);
    const input = { cluster, tasks: [change.taskArn] };
    const response = await deps.aws.ecs.describeTasks(input);
    const read: FreshRead = { input, output: response };
    const described: Task | undefined = response.tasks?.find((task) => task.taskArn === change.taskArn);
    // ECS always reports a task's version; moto (the local tools, the integration tests) reports none. Nothing is
    // believed from the event either way: the woken run's step decides from what DescribeTasks says.
    if (described && described.version === undefined) return { kind: 'caught-up', read };
    const confirmation = confirmationOf(described, change.version);
    if (confirmation.kind !== 'ask-again') return { kind: confirmation.kind, read };
  }
  return { kind: 'unconfirmed' };
}
