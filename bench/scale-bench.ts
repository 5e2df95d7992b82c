/**
 * The scenarios of `npm run bench -- --scale`, their figures and targets. The same runs (one seed: the same task
 * lengths) are simulated three times:
 * - release train: the runs start within `spreadMinutes` (default 10) with the default polling schedule; every
 *   target applies;
 * - stampede: the same runs all start within one minute. 100 tasks younger than 5 minutes polled every 2.75 s ask
 *   for 36 DescribeTasks a second, and ECS's read bucket refills 20: throttling is certain, and what matters is
 *   that no run fails or is stopped because of it;
 * - fixed 2.75 s: the release train with PollInterval 2.75, which polls every task at the interval that was the
 *   default before the adaptive schedule, for comparison;
 * - events, release train and stampede: the same runs with the state table and ECS Task State Change events
 *   (event-delivery.ts models their delays, duplicates, late and lost ones), held to issue 38's targets. Until the
 *   runner parks runs and wakes them on events, the events are logged and ignored and these runs poll.
 */
import { type Row, row } from './report';
import { AGE_BANDS, PROMISE_FLOOR_MS, PROMISE_SHARE } from './scale-accounting';
import { EVENT_DELIVERY } from './event-delivery';
import {
  ANSWER_AFTER_ARRIVAL_MS,
  PARKED_FROM_AGE_MS,
  type ScaleOutcome,
  type ScaleSettings,
  simulateScale,
  TASK_LENGTH_MIX,
} from './scale';
import { ECS_BUCKETS } from './token-bucket';

export const SCALE_DEFAULTS = { runs: 100, spreadMinutes: 10 } as const;

export const SCALE_TARGETS = {
  failedByThrottling: 0,
  youngP95Ms: 3000,
  callsPerTaskMinute: { '0–5 min': 24, '5–30 min': 6, '30+ min': 2 } as Record<string, number>,
  /** Issue 38, with events: a run answered within this long of the event's arrival, at any age. */
  answerAfterArrivalMs: ANSWER_AFTER_ARRIVAL_MS,
  /** Issue 38, with events: DescribeTasks per task-minute once runs are parked. */
  callsPerTaskMinuteParked: 0.5,
  /** Issue 38, with events: Lambda time per run, whatever its length. */
  invocationSecondsPerRun: 90,
  /** Every scenario: exactly one answer per resource. */
  answersPerRun: 1,
} as const;

const THROTTLING_PAGE =
  'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/request-throttling.html (Request throttling for the Amazon ECS API); Fargate task launches: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/throttling.html';

export interface ScaleBenchmark {
  rows: Row[];
  problems: string[];
  /** What bench/results.json records under `scale`. */
  record: Record<string, unknown>;
}

export async function runScaleBenchmark(options: { runs: number; spreadMinutes: number; seed: number }) {
  const base: ScaleSettings = { runs: options.runs, spreadMinutes: options.spreadMinutes, seed: options.seed };
  const train = await simulateScale(base);
  const stampede = await simulateScale({ ...base, spreadMinutes: 1 });
  const fixed = await simulateScale({ ...base, pollInterval: '2.75' });
  const trainEvents = await simulateScale({ ...base, completion: 'events' });
  const stampedeEvents = await simulateScale({ ...base, spreadMinutes: 1, completion: 'events' });

  const rows: Row[] = [
    ...scenarioRows(`Release train (${base.runs} runs within ${base.spreadMinutes} min)`, train, 'all'),
    ...scenarioRows(`Stampede (${base.runs} runs within 1 min)`, stampede, 'throttling'),
    ...scenarioRows('Fixed 2.75 s polls, release train (PollInterval 2.75, for comparison)', fixed, 'none'),
    ...scenarioRows(
      `Events, release train (${base.runs} runs within ${base.spreadMinutes} min)`,
      trainEvents,
      'events',
    ),
    ...scenarioRows(`Events, stampede (${base.runs} runs within 1 min)`, stampedeEvents, 'events-stampede'),
  ];
  const problems = [train, stampede, fixed, trainEvents, stampedeEvents].flatMap((outcome) =>
    outcome.errors.map((error) => `A simulated invocation threw: ${error}`),
  );
  const record = {
    about:
      'Virtual time; the runner core (answerCloudFormation) against bench/fake-ecs.ts behind ECS token buckets, with the SDK retries modelled (bench/scale-ports.ts)',
    buckets: { source: THROTTLING_PAGE, ...ECS_BUCKETS },
    taskLengths: TASK_LENGTH_MIX,
    promise: `answered within max(${PROMISE_FLOOR_MS} ms, ${PROMISE_SHARE * 100} % of the run so far) of the exit`,
    targets: SCALE_TARGETS,
    eventDelivery: EVENT_DELIVERY,
    parkedFromAgeMs: PARKED_FROM_AGE_MS,
    scenarios: {
      releaseTrain: summary(train),
      stampede: summary(stampede),
      fixedPolls: summary(fixed),
      releaseTrainEvents: summary(trainEvents),
      stampedeEvents: summary(stampedeEvents),
    },
  };
  return { rows, problems, record } satisfies ScaleBenchmark;
}

/**
 * Which targets a scenario is held to: all of polling's, only "no run fails because of throttling", none, or issue
 * 38's (events; in the stampede also no refused DescribeTasks or ListTasks). Every scenario: one answer per run.
 */
type Held = 'all' | 'throttling' | 'none' | 'events' | 'events-stampede';

function scenarioRows(title: string, outcome: ScaleOutcome, held: Held): Row[] {
  const targets = held === 'all';
  const events = held === 'events' || held === 'events-stampede';
  const refused = Object.values(outcome.refused).reduce((total, count) => total + count, 0);
  const attempts = refused + Object.values(outcome.accepted).reduce((total, count) => total + count, 0);
  const answered = outcome.latencyByAge.reduce((total, band) => total + band.runs, 0);
  const within = outcome.latencyByAge.reduce((total, band) => total + band.withinPromise, 0);
  const throttledFailures = outcome.failedByThrottling;
  const rows: Row[] = [
    row(`${title}: ECS calls refused by the buckets`, `${refused} of ${attempts} (${describe(outcome.refused)})`),
    row(
      '  runs failed or stopped because of throttling',
      String(throttledFailures),
      held === 'none' ? '—' : String(SCALE_TARGETS.failedByThrottling),
      held === 'none' ? null : throttledFailures === SCALE_TARGETS.failedByThrottling,
    ),
    row('  runs failed or stopped for any reason', String(outcome.failedOrStopped.length)),
    ...(held === 'events-stampede' ? [watchRefusedRow(outcome)] : []),
    ...answerRows(outcome, events),
  ];
  for (const band of outcome.callsByAge) {
    const target = SCALE_TARGETS.callsPerTaskMinute[band.band];
    rows.push(
      row(
        `  DescribeTasks per task-minute, age ${band.band}`,
        band.callsPerTaskMinute.toFixed(2),
        targets && target !== undefined ? `≤ ${target}` : '—',
        targets && target !== undefined ? band.callsPerTaskMinute <= target : null,
      ),
    );
  }
  for (const band of outcome.latencyByAge) {
    const young = band.band === AGE_BANDS[0]?.name;
    rows.push(
      row(
        `  completion latency p95, exit at age ${band.band} (${band.runs} runs)`,
        seconds(band.p95Ms),
        targets && young ? `≤ ${seconds(SCALE_TARGETS.youngP95Ms)}` : '—',
        targets && young ? band.p95Ms <= SCALE_TARGETS.youngP95Ms : null,
      ),
    );
  }
  rows.push(
    row(
      '  answered within max(3 s, 5 % of the run) of the exit',
      `${within} / ${answered}`,
      targets ? `${answered} / ${answered}` : '—',
      targets ? within === answered : null,
    ),
  );
  return rows;
}

/** The watch's calls (DescribeTasks, ListTasks) refused: issue 38 wants none in the stampede. */
function watchRefusedRow(outcome: ScaleOutcome): Row {
  const refused = (outcome.refused.DescribeTasks ?? 0) + (outcome.refused.ListTasks ?? 0);
  return row('  DescribeTasks and ListTasks refused (the watch)', String(refused), '0', refused === 0);
}

/** One answer per run, Lambda time, calls after parking and, with events, the answer after the event's arrival. */
function answerRows(outcome: ScaleOutcome, events: boolean): Row[] {
  const { none, one, more } = outcome.answersPerRun;
  const runs = none + one + more;
  const parked = outcome.describeAfterParking;
  const lambda = outcome.invocationSecondsPerRun;
  const rows = [
    row(
      '  runs answered exactly once',
      `${one} / ${runs}${none > 0 ? ` (${none} never)` : ''}${more > 0 ? ` (${more} more than once)` : ''}`,
      `${runs} / ${runs}`,
      one === runs,
    ),
    row(
      `  DescribeTasks per task-minute, age over ${PARKED_FROM_AGE_MS / 60_000} min (parked with events)`,
      parked.afterTheAnswer > 0
        ? `${parked.callsPerTaskMinute.toFixed(2)} (${((parked.calls - parked.afterTheAnswer) / Math.max(parked.taskMinutes, 1e-9)).toFixed(2)} to the answer; ${parked.afterTheAnswer} calls after it)`
        : parked.callsPerTaskMinute.toFixed(2),
      events ? `≤ ${SCALE_TARGETS.callsPerTaskMinuteParked}` : '—',
      events ? parked.callsPerTaskMinute <= SCALE_TARGETS.callsPerTaskMinuteParked : null,
    ),
    row(
      '  invocation-seconds per run: mean, p95, max',
      `${lambda.mean} s, ${lambda.p95} s, ${lambda.max} s`,
      events ? `max ≤ ${SCALE_TARGETS.invocationSecondsPerRun} s` : '—',
      events ? lambda.max <= SCALE_TARGETS.invocationSecondsPerRun : null,
    ),
  ];
  const arrival = outcome.events?.latencyFromArrival;
  if (outcome.events && arrival) {
    const { delivered, duplicates, lost } = outcome.events;
    rows.push(
      row('  events delivered (of which duplicates), lost', `${delivered} (${duplicates}), ${lost}`),
      row(
        `  answer after the first event of the exit arrived: p95 (${arrival.runs} runs)`,
        seconds(arrival.p95Ms),
        `≤ ${seconds(SCALE_TARGETS.answerAfterArrivalMs)}`,
        arrival.p95Ms <= SCALE_TARGETS.answerAfterArrivalMs,
      ),
    );
  }
  return rows;
}

function summary(outcome: ScaleOutcome) {
  return {
    ...outcome,
    latencyByAge: outcome.latencyByAge.map((band) => ({
      ...band,
      p50Ms: Math.round(band.p50Ms),
      p95Ms: Math.round(band.p95Ms),
      maxMs: Math.round(band.maxMs),
    })),
  };
}

function describe(counts: Record<string, number>): string {
  const entries = Object.entries(counts);
  return entries.length === 0 ? 'none' : entries.map(([action, count]) => `${action} ${count}`).join(', ');
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}
