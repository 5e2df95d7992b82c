/**
 * A local stand-in for the ECS and EC2 endpoints one Create touches, on 127.0.0.1 only (the Lambda endpoint and the
 * ResponseURL are the local harness's, scripts/local/):
 * - ECS (awsJson1_1: POST / with X-Amz-Target AmazonEC2ContainerServiceV20141113.<Operation>),
 * - EC2 (query protocol: form-encoded Action=..., XML answers) for the network pre-flight check.
 * Tasks follow a script: the essential container exits 0 `exitAfterMs` after RunTask, then the task spends
 * DEPROVISIONING_MS in DEACTIVATING → STOPPING → DEPROVISIONING before it is STOPPED, as awsvpc tasks do while ECS
 * detaches their ENI. Every instant is taken with performance.now() in this process, so latencies need no clock
 * shared with the handler.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type {
  DescribeTasksRequest,
  DescribeTaskDefinitionRequest,
  ListTasksRequest,
  RunTaskRequest,
  StopTaskRequest,
} from '@aws-sdk/client-ecs';
import { type ReceivedRequest, type Reply, startLoopbackServer } from '../scripts/local/http-server';

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const ECS_TARGET_PREFIX = 'AmazonEC2ContainerServiceV20141113.';
export const DEPROVISIONING_MS = 30_000;
const SUBNETS = new Map([['subnet-1', 'vpc-1']]);
const SECURITY_GROUPS = new Map([['sg-1', 'vpc-1']]);
export const TASK_DEFINITION_FAMILY = 'bench-migrate';
const TASK_DEFINITION_ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${TASK_DEFINITION_FAMILY}:3`;

/** How a task started in one cluster behaves; the benchmark gives every run its own cluster. */
export interface TaskScript {
  runId: string;
  exitAfterMs: number;
}

export interface FakeTask {
  arn: string;
  cluster: string;
  runId: string;
  startedBy?: string;
  launchType?: string;
  runAt: number;
  createdAtEpoch: number;
  exitAt: number;
  exitCode: number;
  stopCode: string;
  stoppedReason: string;
}

export interface DescribeCall {
  at: number;
  taskArns: string[];
}

export interface UnexpectedRequest {
  method: string;
  url: string;
  target?: string;
  error?: string;
}

export interface FakeEcs {
  endpoint: string;
  tasks: Map<string, FakeTask>;
  describeCalls: DescribeCall[];
  unexpected: UnexpectedRequest[];
  /** Calls per operation, e.g. `ecs:DescribeTasks`. */
  calls: Record<string, number>;
  close(): Promise<void>;
}

/** An error answer of the fake, as ECS's JSON protocol names it (`__type`). */
export class FakeAwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** The ECS half of the fake without its HTTP server: the scale benchmark (bench/scale.ts) calls it in-process. */
export interface FakeEcsCore {
  tasks: Map<string, FakeTask>;
  describeCalls: DescribeCall[];
  /**
   * ECS's answer to one call at `at` (ms on the caller's clock), in the JSON protocol's shape (timestamps in epoch
   * seconds); undefined for an operation the fake does not script. Throws FakeAwsError for an error answer.
   */
  answer(operation: string, input: unknown, at: number): unknown;
}

export function createFakeEcsCore(plan: (cluster: string) => TaskScript | undefined): FakeEcsCore {
  const tasks = new Map<string, FakeTask>();
  const byClientToken = new Map<string, string[]>();
  const describeCalls: DescribeCall[] = [];
  const known = (arn: string): FakeTask => {
    const task = tasks.get(arn);
    if (!task) throw new FakeAwsError('InvalidParameterException', 'The referenced task was not found.');
    return task;
  };

  const ecs: Record<string, (input: never, at: number) => unknown> = {
    DescribeTaskDefinition(input: DescribeTaskDefinitionRequest) {
      const family = ((input.taskDefinition ?? '').split('/').pop() ?? '').split(':')[0];
      if (family !== TASK_DEFINITION_FAMILY)
        throw new FakeAwsError('ClientException', 'Unable to describe task definition.');
      return {
        taskDefinition: {
          taskDefinitionArn: TASK_DEFINITION_ARN,
          family: TASK_DEFINITION_FAMILY,
          revision: 3,
          status: 'ACTIVE',
          networkMode: 'awsvpc',
          requiresCompatibilities: ['FARGATE'],
          compatibilities: ['EC2', 'FARGATE'],
          cpu: '256',
          memory: '512',
          containerDefinitions: [
            {
              name: 'app',
              image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/bench:latest`,
              essential: true,
              command: ['migrate'],
            },
            {
              name: 'log-router',
              image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable',
              essential: false,
            },
          ],
        },
        tags: [],
      };
    },
    RunTask(input: RunTaskRequest, at: number) {
      const cluster = input.cluster ?? 'default';
      const script = plan(cluster);
      if (!script) throw new FakeAwsError('ClusterNotFoundException', 'Cluster not found.');
      if (!(input.taskDefinition ?? '').startsWith(TASK_DEFINITION_ARN.split(':').slice(0, -1).join(':'))) {
        throw new FakeAwsError('ClientException', 'TaskDefinition not found.');
      }
      const subnets = input.networkConfiguration?.awsvpcConfiguration?.subnets ?? [];
      if (subnets.length === 0)
        throw new FakeAwsError(
          'InvalidParameterException',
          "Network Configuration must be provided when networkMode 'awsvpc' is specified.",
        );
      const token = input.clientToken ? `${cluster}/${input.clientToken}` : undefined;
      const earlier = token ? byClientToken.get(token) : undefined;
      if (earlier) return { tasks: earlier.map((arn) => view(known(arn), at)), failures: [] };
      const started: string[] = [];
      for (let i = 0; i < (input.count ?? 1); i++) {
        const task: FakeTask = {
          arn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task/${cluster}/${randomBytes(16).toString('hex')}`,
          cluster,
          runId: script.runId,
          ...(input.startedBy ? { startedBy: input.startedBy } : {}),
          ...(input.launchType ? { launchType: input.launchType } : {}),
          runAt: at,
          createdAtEpoch: Date.now() / 1000,
          exitAt: at + script.exitAfterMs,
          exitCode: 0,
          stopCode: 'EssentialContainerExited',
          stoppedReason: 'Essential container in task exited',
        };
        tasks.set(task.arn, task);
        started.push(task.arn);
      }
      if (token) byClientToken.set(token, started);
      return { tasks: started.map((arn) => view(known(arn), at)), failures: [] };
    },
    DescribeTasks(input: DescribeTasksRequest, at: number) {
      const arns = input.tasks ?? [];
      if (arns.length > 100) throw new FakeAwsError('InvalidParameterException', 'Tasks cannot be longer than 100.');
      describeCalls.push({ at, taskArns: arns });
      return {
        tasks: arns.filter((arn) => tasks.has(arn)).map((arn) => view(known(arn), at)),
        failures: arns.filter((arn) => !tasks.has(arn)).map((arn) => ({ arn, reason: 'MISSING' })),
      };
    },
    StopTask(input: StopTaskRequest, at: number) {
      const task = known(input.task ?? '');
      if (at < task.exitAt)
        Object.assign(task, {
          exitAt: at,
          exitCode: 143,
          stopCode: 'UserInitiated',
          stoppedReason: input.reason ?? 'Task stopped by user',
        });
      return { task: view(task, at) };
    },
    ListTasks(input: ListTasksRequest, at: number) {
      const taskArns = [...tasks.values()]
        .filter((task) => task.cluster === (input.cluster ?? 'default'))
        .filter((task) => input.startedBy === undefined || task.startedBy === input.startedBy)
        .filter((task) => (input.desiredStatus === 'STOPPED') === at >= task.exitAt)
        .map((task) => task.arn);
      return { taskArns };
    },
  };

  return {
    tasks,
    describeCalls,
    answer: (operation, input, at) => ecs[operation]?.(input as never, at),
  };
}

export async function startFakeEcs(plan: (cluster: string) => TaskScript | undefined): Promise<FakeEcs> {
  const core = createFakeEcsCore(plan);
  const unexpected: UnexpectedRequest[] = [];
  const calls: Record<string, number> = {};
  const count = (name: string): void => {
    calls[name] = (calls[name] ?? 0) + 1;
  };

  const answerEcs = (operation: string, request: ReceivedRequest): Reply => {
    count(`ecs:${operation}`);
    const json = (status: number, value: unknown): Reply => ({
      status,
      body: JSON.stringify(value),
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() },
    });
    try {
      const answer = core.answer(operation, JSON.parse(request.body || '{}'), request.receivedAt);
      if (answer === undefined)
        return json(400, { __type: 'UnknownOperationException', message: `${operation} is not scripted` });
      return json(200, answer);
    } catch (error) {
      if (error instanceof FakeAwsError) return json(error.status, { __type: error.type, message: error.message });
      throw error;
    }
  };

  const answerEc2 = (request: ReceivedRequest): Reply => {
    const form = new URLSearchParams(request.body);
    const action = form.get('Action') ?? '';
    count(`ec2:${action}`);
    const xml = (status: number, text: string): Reply => ({
      status,
      body: `<?xml version="1.0" encoding="UTF-8"?>\n${text}`,
      headers: { 'content-type': 'text/xml;charset=UTF-8' },
    });
    if (action === 'DescribeSubnets') {
      const items = select(SUBNETS, wanted(form, 'subnet-id', 'SubnetId')).map(
        ([id, vpc]) =>
          `<item><subnetId>${id}</subnetId><vpcId>${vpc}</vpcId><state>available</state><availabilityZone>${REGION}a</availabilityZone></item>`,
      );
      return xml(200, ec2Response(action, `<subnetSet>${items.join('')}</subnetSet>`));
    }
    if (action === 'DescribeSecurityGroups') {
      const items = select(SECURITY_GROUPS, wanted(form, 'group-id', 'GroupId')).map(
        ([id, vpc]) =>
          `<item><groupId>${id}</groupId><groupName>bench-${id}</groupName><vpcId>${vpc}</vpcId><ownerId>${ACCOUNT}</ownerId></item>`,
      );
      return xml(200, ec2Response(action, `<securityGroupInfo>${items.join('')}</securityGroupInfo>`));
    }
    return xml(
      400,
      `<Response><Errors><Error><Code>InvalidAction</Code><Message>${action} is not scripted</Message></Error></Errors><RequestID>${randomUUID()}</RequestID></Response>`,
    );
  };

  const server = await startLoopbackServer((request) => {
    const target = request.headers['x-amz-target'];
    try {
      if (request.method === 'POST' && typeof target === 'string' && target.startsWith(ECS_TARGET_PREFIX))
        return answerEcs(target.slice(ECS_TARGET_PREFIX.length), request);
      if (
        request.method === 'POST' &&
        (request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
      )
        return answerEc2(request);
    } catch (error) {
      unexpected.push({ method: request.method, url: request.url, error: String(error) });
      return { status: 500 };
    }
    unexpected.push({ method: request.method, url: request.url, ...(typeof target === 'string' ? { target } : {}) });
    return { status: 404 };
  });

  return {
    endpoint: server.url,
    tasks: core.tasks,
    describeCalls: core.describeCalls,
    unexpected,
    calls,
    close: () => server.close(),
  };
}

/** One change of a task, as ECS counts them in its `version` and reports them in an ECS Task State Change event. */
export interface TaskTransition {
  at: number;
  lastStatus: string;
  desiredStatus: 'RUNNING' | 'STOPPED';
  /** The task's version after this change: 1 for the first. */
  version: number;
}

/**
 * Every change of the task's status as view() reports it, in order: PROVISIONING, PENDING and RUNNING while it
 * starts (RUNNING only if the container has not exited by then), then, from the exit on, desired STOPPED with
 * DEACTIVATING, STOPPING, DEPROVISIONING and STOPPED. A StopTask moves the exit, and so the later changes.
 */
export function taskTransitions(task: Pick<FakeTask, 'runAt' | 'exitAt'>): TaskTransition[] {
  const starting = [
    { at: task.runAt, lastStatus: 'PROVISIONING' },
    { at: task.runAt + 1000, lastStatus: 'PENDING' },
    { at: task.runAt + 2000, lastStatus: 'RUNNING' },
  ].filter((change) => change.at < task.exitAt);
  const stopping = ['DEACTIVATING', 'STOPPING', 'DEPROVISIONING', 'STOPPED'].map((lastStatus, step) => ({
    at: task.exitAt + (step * DEPROVISIONING_MS) / 3,
    lastStatus,
  }));
  return [
    ...starting.map((change) => ({ ...change, desiredStatus: 'RUNNING' as const })),
    ...stopping.map((change) => ({ ...change, desiredStatus: 'STOPPED' as const })),
  ].map((change, index) => ({ ...change, version: index + 1 }));
}

/** The task as DescribeTasks reports it at `now` (JSON protocol: timestamps in epoch seconds). */
export function view(task: FakeTask, now: number) {
  const sinceRun = now - task.runAt;
  const sinceExit = now - task.exitAt;
  const exited = sinceExit >= 0;
  const lastStatus = exited
    ? sinceExit >= DEPROVISIONING_MS
      ? 'STOPPED'
      : ['DEACTIVATING', 'STOPPING', 'DEPROVISIONING'][Math.floor((sinceExit / DEPROVISIONING_MS) * 3)]
    : sinceRun < 1000
      ? 'PROVISIONING'
      : sinceRun < 2000
        ? 'PENDING'
        : 'RUNNING';
  const started = !exited && lastStatus === 'RUNNING';
  const appStatus = exited ? 'STOPPED' : started ? 'RUNNING' : 'PENDING';
  const routerStopped = sinceExit >= DEPROVISIONING_MS / 3;
  return {
    taskArn: task.arn,
    clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${task.cluster}`,
    taskDefinitionArn: TASK_DEFINITION_ARN,
    lastStatus,
    desiredStatus: exited ? 'STOPPED' : 'RUNNING',
    launchType: task.launchType ?? 'FARGATE',
    platformVersion: '1.4.0',
    cpu: '256',
    memory: '512',
    startedBy: task.startedBy,
    createdAt: task.createdAtEpoch,
    availabilityZone: `${REGION}a`,
    // ECS counts every change of the task; an event's detail.version is compared with it.
    version: taskTransitions(task).filter((change) => change.at <= now).length,
    ...(exited
      ? {
          stopCode: task.stopCode,
          stoppedReason: task.stoppedReason,
          stoppingAt: task.createdAtEpoch + (task.exitAt - task.runAt) / 1000,
        }
      : {}),
    ...(lastStatus === 'STOPPED'
      ? { stoppedAt: task.createdAtEpoch + (task.exitAt - task.runAt + DEPROVISIONING_MS) / 1000 }
      : {}),
    containers: [
      { name: 'app', taskArn: task.arn, lastStatus: appStatus, ...(exited ? { exitCode: task.exitCode } : {}) },
      {
        name: 'log-router',
        taskArn: task.arn,
        lastStatus: routerStopped ? 'STOPPED' : appStatus,
        ...(routerStopped ? { exitCode: 137 } : {}),
      },
    ],
  };
}

/** The IDs an EC2 Describe call asks for, by filter or by ID list; undefined: all. */
function wanted(form: URLSearchParams, filterName: string, idParameter: string): string[] | undefined {
  const ids: string[] = [];
  for (const [key, value] of form) {
    const filter = /^Filter\.(\d+)\.Name$/.exec(key);
    if (filter && value === filterName) {
      for (const [valueKey, id] of form) if (valueKey.startsWith(`Filter.${filter[1]}.Value.`)) ids.push(id);
    }
    if (key.startsWith(`${idParameter}.`)) ids.push(value);
  }
  return ids.length > 0 ? ids : undefined;
}

function select(known: Map<string, string>, ids: string[] | undefined): [string, string][] {
  return [...known].filter(([id]) => ids === undefined || ids.includes(id));
}

function ec2Response(action: string, content: string): string {
  return `<${action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>${randomUUID()}</requestId>${content}</${action}Response>`;
}
