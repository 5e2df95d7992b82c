// A local stand-in for the AWS endpoints one Create touches, on 127.0.0.1 only:
// - ECS (awsJson1_1: POST / with X-Amz-Target AmazonEC2ContainerServiceV20141113.<Operation>),
// - EC2 (query protocol: form-encoded Action=..., XML answers) for the network pre-flight check,
// - Lambda Invoke (counted: a hand-off during the benchmark is a finding),
// - the CloudFormation ResponseURL receiver (PUT /response/<id>).
// Tasks follow a script: the essential container exits 0 `exitAfterMs` after RunTask, then the task spends
// DEPROVISIONING_MS in DEACTIVATING → STOPPING → DEPROVISIONING before it is STOPPED, as awsvpc tasks do while ECS
// detaches their ENI. Every instant is taken with performance.now() in this process, so latencies need no clock
// shared with the handler.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const ECS_TARGET_PREFIX = 'AmazonEC2ContainerServiceV20141113.';
export const DEPROVISIONING_MS = 30_000;
const SUBNETS = new Map([['subnet-1', 'vpc-1']]);
const SECURITY_GROUPS = new Map([['sg-1', 'vpc-1']]);
export const TASK_DEFINITION_FAMILY = 'bench-migrate';
const TASK_DEFINITION_ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${TASK_DEFINITION_FAMILY}:3`;

class AwsError extends Error {
  constructor(type, message, status = 400) {
    super(message);
    this.type = type;
    this.status = status;
  }
}

/**
 * Starts the server. `plan(cluster)` says how a task RunTask starts in that cluster behaves:
 * `{ runId, exitAfterMs }`; the benchmark gives every run its own cluster.
 */
export async function startFakeAws({ plan }) {
  const tasks = new Map();
  const byClientToken = new Map();
  const describeCalls = [];
  const responses = new Map();
  const lambdaInvokes = [];
  const unexpected = [];
  const calls = {};
  const count = (name) => {
    calls[name] = (calls[name] ?? 0) + 1;
  };

  const ecs = {
    DescribeTaskDefinition(input) {
      const family = String(input.taskDefinition ?? '').split('/').pop().split(':')[0];
      if (family !== TASK_DEFINITION_FAMILY) throw new AwsError('ClientException', 'Unable to describe task definition.');
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
            { name: 'app', image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/bench:latest`, essential: true, command: ['migrate'] },
            { name: 'log-router', image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable', essential: false },
          ],
        },
        tags: [],
      };
    },
    RunTask(input) {
      const cluster = String(input.cluster ?? 'default');
      const script = plan(cluster);
      if (!script) throw new AwsError('ClusterNotFoundException', 'Cluster not found.');
      if (!String(input.taskDefinition ?? '').startsWith(TASK_DEFINITION_ARN.split(':').slice(0, -1).join(':'))) {
        throw new AwsError('ClientException', 'TaskDefinition not found.');
      }
      const subnets = input.networkConfiguration?.awsvpcConfiguration?.subnets ?? [];
      if (subnets.length === 0) throw new AwsError('InvalidParameterException', 'Network Configuration must be provided when networkMode \'awsvpc\' is specified.');
      const token = input.clientToken ? `${cluster}/${input.clientToken}` : undefined;
      if (token && byClientToken.has(token)) return { tasks: byClientToken.get(token).map((arn) => view(tasks.get(arn))), failures: [] };
      const started = [];
      for (let i = 0; i < (input.count ?? 1); i++) {
        const now = performance.now();
        const task = {
          arn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task/${cluster}/${randomBytes(16).toString('hex')}`,
          cluster,
          runId: script.runId,
          startedBy: input.startedBy,
          launchType: input.launchType,
          runAt: now,
          createdAtEpoch: Date.now() / 1000,
          exitAt: now + script.exitAfterMs,
          exitCode: 0,
          stopCode: 'EssentialContainerExited',
          stoppedReason: 'Essential container in task exited',
        };
        tasks.set(task.arn, task);
        started.push(task.arn);
      }
      if (token) byClientToken.set(token, started);
      return { tasks: started.map((arn) => view(tasks.get(arn))), failures: [] };
    },
    DescribeTasks(input) {
      const at = performance.now();
      const arns = input.tasks ?? [];
      if (arns.length > 100) throw new AwsError('InvalidParameterException', 'Tasks cannot be longer than 100.');
      describeCalls.push({ at, taskArns: arns });
      const known = arns.filter((arn) => tasks.has(arn));
      return {
        tasks: known.map((arn) => view(tasks.get(arn), at)),
        failures: arns.filter((arn) => !tasks.has(arn)).map((arn) => ({ arn, reason: 'MISSING' })),
      };
    },
    StopTask(input) {
      const task = tasks.get(input.task);
      if (!task) throw new AwsError('InvalidParameterException', 'The referenced task was not found.');
      const now = performance.now();
      if (now < task.exitAt) Object.assign(task, { exitAt: now, exitCode: 143, stopCode: 'UserInitiated', stoppedReason: input.reason ?? 'Task stopped by user' });
      return { task: view(task, now) };
    },
    ListTasks(input) {
      const now = performance.now();
      const taskArns = [...tasks.values()]
        .filter((t) => t.cluster === (input.cluster ?? 'default'))
        .filter((t) => input.startedBy === undefined || t.startedBy === input.startedBy)
        .filter((t) => (input.desiredStatus === 'STOPPED') === now >= t.exitAt)
        .map((t) => t.arn);
      return { taskArns };
    },
  };

  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const arrivedAt = performance.now();
      const body = Buffer.concat(chunks).toString('utf8');
      try {
        route(req, res, body, arrivedAt);
      } catch (error) {
        unexpected.push({ method: req.method, url: req.url, error: String(error) });
        res.writeHead(500).end();
      }
    });
  });

  function route(req, res, body, arrivedAt) {
    const target = req.headers['x-amz-target'];
    if (req.method === 'POST' && typeof target === 'string' && target.startsWith(ECS_TARGET_PREFIX)) {
      const operation = target.slice(ECS_TARGET_PREFIX.length);
      count(`ecs:${operation}`);
      const json = (status, value) => res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() }).end(JSON.stringify(value));
      const handle = ecs[operation];
      if (!handle) return json(400, { __type: 'UnknownOperationException', message: `${operation} is not scripted` });
      try {
        return json(200, handle(JSON.parse(body || '{}')));
      } catch (error) {
        if (error instanceof AwsError) return json(error.status, { __type: error.type, message: error.message });
        throw error;
      }
    }
    if (req.method === 'POST' && /^\/2015-03-31\/functions\/[^/]+\/invocations/.test(req.url ?? '')) {
      count('lambda:Invoke');
      lambdaInvokes.push({ at: arrivedAt, url: req.url, invocationType: req.headers['x-amz-invocation-type'] });
      return res.writeHead(202, { 'x-amzn-requestid': randomUUID() }).end();
    }
    if (req.method === 'PUT' && (req.url ?? '').startsWith('/response/')) {
      const id = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname.slice('/response/'.length));
      count('cloudformation:Response');
      const previous = responses.get(id);
      responses.set(id, { at: previous?.at ?? arrivedAt, count: (previous?.count ?? 0) + 1, headers: req.headers, bytes: Buffer.byteLength(body), body: parseJson(body) });
      return res.writeHead(200).end();
    }
    if (req.method === 'POST' && String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      const form = new URLSearchParams(body);
      const action = form.get('Action');
      count(`ec2:${action}`);
      const xml = (status, text) => res.writeHead(status, { 'content-type': 'text/xml;charset=UTF-8' }).end(`<?xml version="1.0" encoding="UTF-8"?>\n${text}`);
      if (action === 'DescribeSubnets') {
        const items = select(SUBNETS, wanted(form, 'subnet-id', 'SubnetId'))
          .map(([id, vpc]) => `<item><subnetId>${id}</subnetId><vpcId>${vpc}</vpcId><state>available</state><availabilityZone>${REGION}a</availabilityZone></item>`);
        return xml(200, ec2Response(action, `<subnetSet>${items.join('')}</subnetSet>`));
      }
      if (action === 'DescribeSecurityGroups') {
        const items = select(SECURITY_GROUPS, wanted(form, 'group-id', 'GroupId'))
          .map(([id, vpc]) => `<item><groupId>${id}</groupId><groupName>bench-${id}</groupName><vpcId>${vpc}</vpcId><ownerId>${ACCOUNT}</ownerId></item>`);
        return xml(200, ec2Response(action, `<securityGroupInfo>${items.join('')}</securityGroupInfo>`));
      }
      return xml(400, `<Response><Errors><Error><Code>InvalidAction</Code><Message>${action} is not scripted</Message></Error></Errors><RequestID>${randomUUID()}</RequestID></Response>`);
    }
    unexpected.push({ method: req.method, url: req.url, target });
    res.writeHead(404).end();
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();

  return {
    port,
    endpoint: `http://127.0.0.1:${port}`,
    tasks,
    describeCalls,
    responses,
    lambdaInvokes,
    unexpected,
    calls,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The task as DescribeTasks reports it at `now`. */
function view(task, now = performance.now()) {
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
    ...(exited ? { stopCode: task.stopCode, stoppedReason: task.stoppedReason, stoppingAt: task.createdAtEpoch + (task.exitAt - task.runAt) / 1000 } : {}),
    ...(lastStatus === 'STOPPED' ? { stoppedAt: task.createdAtEpoch + (task.exitAt - task.runAt + DEPROVISIONING_MS) / 1000 } : {}),
    containers: [
      { name: 'app', taskArn: task.arn, lastStatus: appStatus, ...(exited ? { exitCode: task.exitCode } : {}) },
      { name: 'log-router', taskArn: task.arn, lastStatus: routerStopped ? 'STOPPED' : appStatus, ...(routerStopped ? { exitCode: 137 } : {}) },
    ],
  };
}

/** The IDs an EC2 Describe call asks for, by filter or by ID list; undefined: all. */
function wanted(form, filterName, idParameter) {
  const ids = [];
  for (const [key, value] of form) {
    const filter = /^Filter\.(\d+)\.Name$/.exec(key);
    if (filter && value === filterName) {
      for (const [valueKey, id] of form) if (valueKey.startsWith(`Filter.${filter[1]}.Value.`)) ids.push(id);
    }
    if (key.startsWith(`${idParameter}.`)) ids.push(value);
  }
  return ids.length > 0 ? ids : undefined;
}

function select(known, ids) {
  return [...known].filter(([id]) => ids === undefined || ids.includes(id));
}

function ec2Response(action, content) {
  return `<${action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>${randomUUID()}</requestId>${content}</${action}Response>`;
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
