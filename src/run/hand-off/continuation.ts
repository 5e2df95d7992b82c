import type { CloudFormationCustomResourceDeleteEvent } from 'aws-lambda';
import type { DecidedTask, TaskFacts } from '../../tasks/task-outcome';
import type { Watch } from '../../tasks/watch-tasks';
import type { RunRequest } from '../contract';
import type { Purpose, Run, RunPhase, RunState, TeardownPhase } from '../run-state';

/**
 * The version of the hand-off payload this runner writes. Raise it whenever the payload's shape changes. 3: the run
 * carries the generation the hand-off was sent for (run-item.ts).
 */
export const CONTINUATION_VERSION = 3;

/**
 * The event a runner invocation sends to a fresh invocation of the same function when its own time runs short: the
 * run — the CloudFormation request it still owes an answer, what the tasks are for, the plan, the progress and the
 * state it is in.
 */
export type ContinuationEvent = Run & { ecsTaskRunnerContinuation: typeof CONTINUATION_VERSION };

/**
 * Version 1, written by runners before the run's states were explicit: the state was read from `progress.next` (absent
 * while watching) and `watch.taskArns`; `progress` is absent in events from before run policies, `phase` in events
 * from before the OnDelete teardown.
 */
export type ContinuationEventV1 = (
  { request: RunRequest; phase?: RunPhase } | { request: CloudFormationCustomResourceDeleteEvent; phase: TeardownPhase }
) & {
  ecsTaskRunnerContinuation: 1;
  watch: Watch;
  handOffs: number;
  progress?: {
    attempt: number;
    startFailures: string[];
    /** Version 1 told a task's outcome by flags: these all have `succeeded: true`. */
    succeeded: (TaskFacts & { succeeded: boolean })[];
    taskDefinitionArn: string;
    next?: { step: 'wait-for-earlier-run'; taskArns: string[] } | { step: 'start'; count: number; notBefore: number };
  };
};

/** Version 2: the run without its generation (runners before the generation claim). */
export type ContinuationEventV2 = Purpose &
  Pick<Run, 'plan' | 'progress' | 'state' | 'handOffs'> & { ecsTaskRunnerContinuation: 2 };

/** The payload of a hand-off, of this version or of an earlier one. */
export type AnyContinuationEvent = ContinuationEvent | ContinuationEventV2 | ContinuationEventV1;

export function isContinuationEvent(event: unknown): event is AnyContinuationEvent {
  if (typeof event !== 'object' || event === null) return false;
  const candidate = event as Record<string, unknown>;
  if (typeof candidate.request !== 'object') return false;
  switch (candidate.ecsTaskRunnerContinuation) {
    case 1:
      return typeof candidate.watch === 'object';
    case 2:
      return typeof candidate.plan === 'object' && typeof candidate.state === 'object';
    case CONTINUATION_VERSION:
      return (
        typeof candidate.plan === 'object' &&
        typeof candidate.state === 'object' &&
        typeof candidate.generation === 'number'
      );
    default:
      return false;
  }
}

/** The run a hand-off carries on, whatever version of the runner wrote it: converted here once, on entry. */
export function runOf(event: AnyContinuationEvent): Run {
  switch (event.ecsTaskRunnerContinuation) {
    case CONTINUATION_VERSION:
      return withoutMarker(event);
    case 2:
      return fromVersion2(event);
    case 1:
      return fromVersion1(event);
  }
}

/**
 * Version 2 carried no generation: it was sent for the one a version-3 runner would have sent (one more than the
 * hand-offs before the sender), so that two deliveries of it still claim the same generation and one ends quietly.
 */
function fromVersion2(event: ContinuationEventV2): Run {
  return withoutMarker({ ...event, generation: event.handOffs + 1 });
}

function fromVersion1(event: ContinuationEventV1): Run {
  const { watch, progress } = event;
  const { taskArns, startedAt, ...plan } = watch;
  const state = stateOfVersion1(progress?.next, { taskArns, startedAt });
  const purpose =
    event.phase?.kind === 'teardown'
      ? { request: event.request as CloudFormationCustomResourceDeleteEvent, phase: event.phase }
      : { request: event.request as RunRequest, phase: { kind: 'run' as const } };
  return {
    ...purpose,
    handOffs: event.handOffs,
    // As version 2 (fromVersion2).
    generation: event.handOffs + 1,
    plan: {
      ...plan,
      // Events from before run policies were always watching their one attempt: the ARN is never used to start.
      taskDefinitionArn: progress?.taskDefinitionArn ?? String(event.request.ResourceProperties.TaskDefinition),
    },
    progress: {
      attempt: progress?.attempt ?? 1,
      startFailures: progress?.startFailures ?? [],
      succeeded: (progress?.succeeded ?? []).map(succeededTask),
    },
    state,
  };
}

/** Version 1's state: `progress.next` when there was one, else the watch of `watched`. */
function stateOfVersion1(
  next: NonNullable<ContinuationEventV1['progress']>['next'],
  watched: { taskArns: string[]; startedAt: number },
): RunState {
  if (next === undefined) return { kind: 'watching', ...watched };
  switch (next.step) {
    case 'start':
      return { kind: 'starting', count: next.count, notBefore: next.notBefore };
    case 'wait-for-earlier-run':
      return { kind: 'waiting-for-earlier-run', taskArns: next.taskArns };
  }
}

function succeededTask(task: TaskFacts & { succeeded: boolean }): DecidedTask {
  const facts: TaskFacts & { succeeded?: boolean; decided?: boolean } = { ...task };
  delete facts.succeeded;
  delete facts.decided;
  return { ...facts, verdict: 'succeeded' };
}

function withoutMarker(event: Run & { ecsTaskRunnerContinuation: number }): Run {
  const run: Run & { ecsTaskRunnerContinuation?: number } = { ...event };
  delete run.ecsTaskRunnerContinuation;
  return run;
}

/** The payload that hands `run` to a fresh invocation. */
export function continuationOf(run: Run): ContinuationEvent {
  return { ecsTaskRunnerContinuation: CONTINUATION_VERSION, ...run };
}
