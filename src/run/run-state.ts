import type { CloudFormationCustomResourceDeleteEvent } from 'aws-lambda';
import type { AnsweredTasks, Answer } from '../response/answer';
import type { DecidedTask } from '../tasks/task-outcome';
import type { Watch } from '../tasks/watch-tasks';
import type { RunRequest } from './contract';

/** Create or Update: the watched tasks are the resource's run. */
export interface RunPhase {
  kind: 'run';
}

/** Delete: the watched task is the OnDelete teardown. */
export interface TeardownPhase {
  kind: 'teardown';
  /** What became of the resource's own running tasks before the teardown started, for the Delete's Reason. */
  cleanup: string;
}

/**
 * What the tasks are for. It travels with every hand-off, so that the invocation that finishes the request answers
 * it as the first one would have.
 */
export type Purpose =
  { request: RunRequest; phase: RunPhase } | { request: CloudFormationCustomResourceDeleteEvent; phase: TeardownPhase };

/** What the planning step decided once, before anything started; the same in every invocation of the run. */
export interface RunPlan extends Omit<Watch, 'taskArns' | 'startedAt'> {
  /** The task definition's ARN with its revision: every attempt runs the same one. */
  taskDefinitionArn: string;
}

/** How far the run has come, across attempts. */
export interface RunProgress {
  /** The attempt being made: 1 for the first start, one more for each StartRetries retry. */
  attempt: number;
  /** Why each earlier attempt failed to start, oldest first: the final Reason lists them. */
  startFailures: string[];
  /** Tasks of earlier attempts that succeeded: with Count above 1, only the tasks that failed to start are retried. */
  succeeded: DecidedTask[];
}

/**
 * Where the run is. Each state has one step that takes it to the next transition (follow-run.ts picks it:
 * wait-for-earlier-run.ts, start-attempt.ts, watch-attempt.ts, read-outputs-attempt.ts); every state can be handed to a fresh invocation, so
 * each carries all it needs. A new state is a member here, a step file and a case in follow-run.ts's switch (the
 * lint's exhaustiveness check finds a missing one); a state that outlives an invocation in a new shape raises
 * CONTINUATION_VERSION (continuation.ts), with a conversion of the older payloads.
 */
export type RunState =
  /** Tasks that must end before anything starts: an earlier run (IfRunning), or the tasks a Delete just stopped. */
  | { kind: 'waiting-for-earlier-run'; taskArns: string[] }
  /** RunTask for `count` tasks (attempt `progress.attempt`), not before `notBefore` (epoch ms; a retry's backoff). */
  | { kind: 'starting'; count: number; notBefore: number }
  /** Polling the tasks RunTask started at `startedAt` (epoch ms) until each one's outcome is known. */
  | { kind: 'watching'; taskArns: string[]; startedAt: number }
  /**
   * Every task succeeded (with earlier attempts' successes: `tasks`), found so at `stoppedAt` (epoch ms); reading the
   * declared Outputs they printed, until OUTPUT_WAIT_AFTER_STOP_MS after that (tasks/task-outputs.ts). `answered`:
   * the run's timings for the answer's metrics (absent in hand-offs of runners before them).
   */
  | { kind: 'reading-outputs'; tasks: DecidedTask[]; stoppedAt: number; answered?: AnsweredTasks }
  /**
   * No invocation holds the run: the tasks RunTask started at `startedAt` are left to ECS's events (parking.ts),
   * since `parkedAt` (epoch ms). Written to the run's item in the state table, never handed off; a woken run's step
   * (parked-attempt.ts) reads the tasks once and decides, or parks again.
   */
  | { kind: 'parked'; taskArns: string[]; startedAt: number; parkedAt: number };

/** Everything a run is: what it is for, what was planned, how far it came and where it is. */
export type Run = Purpose & {
  plan: RunPlan;
  progress: RunProgress;
  state: RunState;
  /** How many hand-offs came before the invocation that holds this run. */
  handOffs: number;
  /**
   * The invocation that holds the run: 1 for the one that planned it, one more for each hand-off. An invocation that
   * took the run over claims its generation in the run's item of the state table first (run-item.ts).
   */
  generation: number;
};

/**
 * What a step leads to: the next state in this invocation, the same run in a fresh invocation, the run parked, or
 * the answer. A
 * hand-off's `ifNotSent` gives the answer when the hand-off cannot be sent, for a run with nothing left to stop (the
 * Outputs read so far; composed, and its warnings logged, only then); without it the tasks are stopped and the run
 * fails (hand-off.ts).
 */
export type Transition =
  | { kind: 'next'; run: Run }
  /** The run, in its `parked` state, is written to the state table and this invocation lets it go (parking.ts). */
  | { kind: 'park'; run: Run }
  | { kind: 'hand-off'; run: Run; ifNotSent?: () => Answer }
  | { kind: 'answer'; answer: Answer };

/** The run in `state`. */
export function moveTo(run: Run, state: RunState): Run {
  return { ...run, state };
}

/** The tasks the run has started and not yet judged: those a failed hand-off must stop. */
export function startedTasks(state: RunState): string[] {
  switch (state.kind) {
    case 'watching':
    case 'parked':
      return state.taskArns;
    case 'waiting-for-earlier-run':
      // These are an earlier run's tasks, or those a Delete stopped: not the run's to stop.
      return [];
    case 'starting':
      return [];
    case 'reading-outputs':
      // They have stopped.
      return [];
  }
}

/** What watch-tasks.ts polls in the watching state. */
export function watchOf(plan: RunPlan, state: Extract<RunState, { kind: 'watching' | 'parked' }>): Watch {
  return { ...plan, taskArns: state.taskArns, startedAt: state.startedAt };
}
