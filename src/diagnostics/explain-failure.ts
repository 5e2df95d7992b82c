import type { AwsVpcConfiguration, Failure } from '@aws-sdk/client-ecs';
import { errorName, isClusterNotFound, isNetworkRejected, isPermissionDenied } from '../aws/aws-errors';
import type { AwsPorts } from '../aws/ports';
import { type RunnerProperties, runsOnFargate } from '../properties/runner-properties';
import { overrideEnvironmentValues } from '../properties/task-overrides';
import { reasonRoomAfter } from '../response/response-budget';
import { type Clock, withinBound } from '../runtime/clock';
import type { Invocation } from '../runtime/invocation';
import type { Log } from '../runtime/log';
import { DIAGNOSIS_TIME_MS, timeBudget } from '../runtime/time-budget';
import { describeNetwork } from './network-description';
import type { AwsLogsLocation, TaskDefinitionFacts } from '../tasks/task-definition-facts';
import { type ContainerFailure, type DecidedTask, hasSucceeded, type PendingTask } from '../tasks/task-outcome';
import { describeMissingCluster } from './cluster-call-refusal';
import { describeEniCapacity } from './eni-capacity';
import { failedOnTheNetwork, withLogHints } from './failure-hints';
import { describeAwsError, describeFailedTasks, describeRunTaskFailures, describeTimeout } from './failure-reason';
import { checkNetwork } from './network-check';
import { formatLogTail, type LogTail, logTailUntil, readLogTail } from './log-tail';
import { inspectNetworkPath } from './network-path';

/** What the diagnostics may look at, beyond the failure itself. */
export interface DiagnosisContext {
  aws: AwsPorts;
  log: Log;
  clock: Clock;
  /** The time this invocation has left: a log tail must leave enough to answer. */
  invocation: Invocation;
  /** The run's deadline (epoch ms): a log tail is not asked again after it, in the margin kept for answering. */
  deadline: number;
  cluster: string;
  network?: AwsVpcConfiguration;
  /** true or false when the properties say where tasks run; undefined: the cluster's default decides. */
  fargate?: boolean;
  /** `LogLines`: 0 turns the log tail off. */
  logLines: number;
  logs: Record<string, AwsLogsLocation>;
  usesSecrets: boolean;
  /** Override environment values: masked wherever a log line is quoted. */
  masked: string[];
}

export function diagnosisContext(
  { aws, log, clock, invocation }: Pick<DiagnosisContext, 'aws' | 'log' | 'clock' | 'invocation'>,
  properties: Pick<
    RunnerProperties,
    'cluster' | 'logLines' | 'network' | 'overrides' | 'launchType' | 'capacityProviderStrategy'
  >,
  plan: Pick<TaskDefinitionFacts, 'logs' | 'usesSecrets'> & { deadline: number },
): DiagnosisContext {
  const fargate = runsOnFargate(properties);
  return {
    aws,
    log,
    clock,
    invocation,
    deadline: plan.deadline,
    cluster: properties.cluster,
    logLines: properties.logLines,
    logs: plan.logs,
    usesSecrets: plan.usesSecrets,
    masked: overrideEnvironmentValues(properties.overrides),
    ...(properties.network ? { network: properties.network } : {}),
    ...(fargate === undefined ? {} : { fargate }),
  };
}

/** Log tails read for one failure, at most: the first failed containers say the most. */
const MAX_LOG_TAILS = 2;

/** Why tasks failed: the containers' exits, what the network path lacks, and the last lines they logged. */
export async function explainFailedTasks(tasks: readonly DecidedTask[], context: DiagnosisContext): Promise<string> {
  const failed = tasks.filter((task) => !hasSucceeded(task));
  const parts = [describeFailedTasks(tasks)];
  if (failedOnTheNetwork(failed) && context.network)
    parts.push(await networkFindings(context, context.network, diagnosisBound(context)));
  const reason = parts.join(' ');
  if (context.logLines === 0) return reason;

  const wanted = failed
    .flatMap((task) => task.failures.map((failure) => ({ task, failure })))
    .filter(({ failure }) => context.logs[failure.name] !== undefined);
  const { clock, log } = context;
  const until = logTailUntil(timeBudget(context.deadline, context));
  const tails = await Promise.all(
    wanted.slice(0, MAX_LOG_TAILS).map(async ({ task, failure }) => ({
      task,
      failure,
      tail: await readLogTail(
        { logs: () => context.aws.logs(), clock, log },
        {
          taskArn: task.taskArn,
          container: failure.name,
          location: context.logs[failure.name] as AwsLogsLocation,
          lines: context.logLines,
          masked: context.masked,
          until,
        },
      ),
    })),
  );
  logFailedContainerLines(context.log, tails);
  // The hint comes before the lines, which get whatever room is left.
  let text = withLogHints(
    reason,
    tails.flatMap(({ tail }) => tail.lines),
  );
  for (const { tail } of tails) {
    const room = reasonRoomAfter(text);
    if (room < 200) break;
    text += ` ${formatLogTail(tail, room)}`;
  }
  return text;
}

/**
 * The failed containers' last lines, whole (the Reason keeps only what fits), as one entry in the runner's own log:
 * tools that show a custom resource's function log on failure then show the migration's error too.
 */
function logFailedContainerLines(
  log: Log,
  tails: readonly { task: DecidedTask; failure: ContainerFailure; tail: LogTail }[],
): void {
  const containers = tails.map(({ task, failure, tail }) => ({
    taskArn: task.taskArn,
    container: failure.name,
    ...(failure.exitCode === undefined ? {} : { exitCode: failure.exitCode }),
    lines: tail.lines,
    logs: tail.link,
    ...(tail.note ? { note: tail.note } : {}),
  }));
  if (containers.length > 0) log.error('Last log lines of the failed containers', { containers });
}

/** Why RunTask placed fewer tasks than asked; with the cluster's ENI numbers when ENIs ran out. */
export async function explainRunTaskFailures(
  failures: readonly Failure[],
  started: number,
  context: DiagnosisContext & { wanted: number },
): Promise<string> {
  const reason = describeRunTaskFailures(failures, started, context.wanted);
  const eniFailures = failures.filter((failure) => failure.reason === 'RESOURCE:ENI');
  if (eniFailures.length === 0) return reason;
  const instances = eniFailures.flatMap((failure) =>
    failure.arn?.includes(':container-instance/') ? [failure.arn] : [],
  );
  return `${reason} ${await attempt(
    'read the ENI capacity',
    'ecs:DescribeContainerInstances, ec2:DescribeInstances and ec2:DescribeInstanceTypes',
    diagnosisBound(context),
    () => describeEniCapacity(context.aws.ecs, () => context.aws.ec2(), context.cluster, instances),
  )}`;
}

/** The deadline passed: which tasks were still running, and why tasks that never started may not have. */
export async function explainTimeout(
  pending: readonly PendingTask[],
  timeoutSeconds: number,
  context: DiagnosisContext,
  late?: { lateSeconds: number; waitSeconds: number },
): Promise<string> {
  const reason = describeTimeout(pending, timeoutSeconds, late);
  const unplaced = pending.some((task) => task.lastStatus === 'PROVISIONING' || task.lastStatus === 'PENDING');
  if (!unplaced) return reason;
  return `${reason} ${await explainSlowStart(context)}`;
}

/**
 * Tasks that stay in PROVISIONING or PENDING: Fargate capacity, or ENIs on the EC2 instances; and, when the
 * subnets have no way out to ECR, S3 and CloudWatch Logs, that too (an image pull that cannot connect keeps a task
 * PENDING until it fails).
 */
export async function explainSlowStart(context: DiagnosisContext): Promise<string> {
  // One bound for both: the ENI capacity and the network path together take at most DIAGNOSIS_TIME_MS.
  const bound = diagnosisBound(context);
  const capacity =
    context.fargate === true
      ? "Fargate kept the task waiting for capacity: capacity may be short in these subnets' Availability Zones" +
        ' — retry later, or add subnets in other Availability Zones.'
      : await attempt(
          'read the ENI capacity',
          'ecs:ListContainerInstances, ecs:DescribeContainerInstances, ec2:DescribeInstances and ec2:DescribeInstanceTypes',
          bound,
          () => describeEniCapacity(context.aws.ecs, () => context.aws.ec2(), context.cluster),
        );
  if (!context.network) return capacity;
  const path = await networkPathIfBlocked(context, context.network, bound);
  return path ? `${capacity} ${path}` : capacity;
}

/**
 * RunTask refused the call. A missing cluster and a refused network configuration are explained in the user's
 * terms (which property, which ID); anything else by the call and what AWS answered.
 */
export async function explainRunTaskRefusal(error: unknown, context: DiagnosisContext): Promise<string> {
  if (isClusterNotFound(error)) {
    return describeMissingCluster('RunTask', context.cluster);
  }
  const said = describeAwsError('RunTask', error);
  if (!isNetworkRejected(error) || !context.network) return said;
  const network = context.network;
  const checked = await diagnose(
    'describe the subnets and security groups',
    'ec2:DescribeSubnets and ec2:DescribeSecurityGroups',
    diagnosisBound(context),
    async () => checkNetwork(network, await describeNetwork(await context.aws.ec2(), network)),
  );
  // RunTask's own words name the subnet or group it refused: kept whenever EC2 cannot name the problems instead.
  if (checked.kind === 'not-diagnosed') return `${said} ${checked.note}`;
  if (checked.value.length === 0) return said;
  return `Not started: ${checked.value.join('; ')}. (RunTask refused the network configuration; no task was started.)`;
}

async function networkPathIfBlocked(
  context: DiagnosisContext,
  network: AwsVpcConfiguration,
  bound: DiagnosisBound,
): Promise<string | undefined> {
  try {
    const inspected = async () => {
      const ec2 = await context.aws.ec2();
      return inspectNetworkPath(ec2, networkInput(context, network), await describeNetwork(ec2, network));
    };
    const result = await withinBound(inspected(), bound.until, bound.clock);
    if (result.kind === 'cut-short') return cutShort("check the subnets' routes");
    return result.value.wayOut ? undefined : result.value.findings;
  } catch (error) {
    context.log.debug('Could not check the network path of a slow task', { error: String(error) });
    return undefined;
  }
}

async function networkFindings(
  context: DiagnosisContext,
  network: AwsVpcConfiguration,
  bound: DiagnosisBound,
): Promise<string> {
  return attempt(
    "check the subnets' routes",
    'ec2:DescribeRouteTables, ec2:DescribeVpcEndpoints and ec2:DescribeSecurityGroups',
    bound,
    async () => {
      const ec2 = await context.aws.ec2();
      return (await inspectNetworkPath(ec2, networkInput(context, network), await describeNetwork(ec2, network)))
        .findings;
    },
  );
}

function networkInput(context: DiagnosisContext, network: AwsVpcConfiguration) {
  return {
    subnets: network.subnets ?? [],
    securityGroups: network.securityGroups ?? [],
    publicIp: network.assignPublicIp === 'ENABLED' && context.fargate !== false,
    usesSecrets: context.usesSecrets,
  };
}

/**
 * Runs a diagnosis; when it fails (often a missing read permission), says so instead of failing differently; when
 * it has not answered by `until` (its bound: `diagnosisUntil`), says it was cut short instead of holding the answer.
 */
async function attempt(
  what: string,
  permissions: string,
  bound: DiagnosisBound,
  work: () => Promise<string>,
): Promise<string> {
  const result = await diagnose(what, permissions, bound, work);
  return result.kind === 'diagnosed' ? result.value : result.note;
}

/** What a diagnosis found, or the note that says why it found nothing (`attempt`'s words). */
type Diagnosis<T> = { kind: 'diagnosed'; value: T } | { kind: 'not-diagnosed'; note: string };

async function diagnose<T>(
  what: string,
  permissions: string,
  bound: DiagnosisBound,
  work: () => Promise<T>,
): Promise<Diagnosis<T>> {
  try {
    const result = await withinBound(work(), bound.until, bound.clock);
    if (result.kind === 'done') return { kind: 'diagnosed', value: result.value };
    bound.log.warn('A diagnosis was cut short at its bound', { what, seconds: DIAGNOSIS_TIME_MS / 1000 });
    return { kind: 'not-diagnosed', note: cutShort(what) };
  } catch (error) {
    const grant = isPermissionDenied(error) ? ` — grant the runner ${permissions}` : '';
    return { kind: 'not-diagnosed', note: `(Could not ${what}: ${errorName(error)}${grant}.)` };
  }
}

/** Said in the Reason when AWS did not answer a diagnosis in time. */
function cutShort(what: string): string {
  return `(Could not ${what}: AWS did not answer in time, so the diagnosis was cut short.)`;
}

/** Until when the diagnoses of one failure may go on (epoch ms), set once when its explanation begins. */
interface DiagnosisBound {
  until: number;
  clock: Clock;
  log: Log;
}

function diagnosisBound(context: DiagnosisContext): DiagnosisBound {
  return { until: timeBudget(context.deadline, context).diagnosisUntil(), clock: context.clock, log: context.log };
}
