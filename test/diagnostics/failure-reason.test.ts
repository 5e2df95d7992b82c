import {
  AccessDeniedException,
  ClientException,
  InvalidParameterException,
  ServerException,
  type Failure,
} from '@aws-sdk/client-ecs';
import {
  describeAwsError,
  describeFailedTasks,
  describeRunTaskFailures,
  describeTimeout,
  describeUnexpectedError,
  lateDeliveryAdvice,
} from '../../src/diagnostics/failure-reason';
import type { DecidedTask, TaskFacts } from '../../src/tasks/task-outcome';

/**
 * The sentences a user reads in the stack event's Reason when tasks fail, time out or an AWS call is refused: each
 * asserted whole, so that a lost word, a flipped plural or a missing quote fails a test.
 */

const TASK_ID = '0a1b2c3d4e5f46789abcdef012345678';
const OTHER_ID = '9f8e7d6c5b4a43219876fedcba987654';
const THIRD_ID = '5e4d3c2b1a0947f8a6b5c4d3e2f1a0b9';
const arn = (id: string) => `arn:aws:ecs:us-east-1:123456789012:task/todobackend-cluster/${id}`;
const INSTANCE_ARN =
  'arn:aws:ecs:us-east-1:123456789012:container-instance/todobackend-cluster/1f2e3d4c5b6a47988796a5b4c3d2e1f0';

const COMPLETED = { stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited' };
const PERMISSION_HINT =
  'Hint: the runner\'s role lacks a permission — see "IAM permissions" (docs/iam.md) in the ecs-task-runner' +
  ' repository (RunTask also needs iam:PassRole for the task and execution roles).';
const SIGTERM_NOTE =
  'A container that handles SIGTERM may exit 0 although it was cut short, so this run does not count.';

/** A task whose essential container "migrate" exited with `exitCode`, as task-outcome judged it. */
function exited(id: string, exitCode: number, extra: Partial<TaskFacts> = {}): DecidedTask {
  return {
    taskArn: arn(id),
    lastStatus: 'STOPPED',
    verdict: exitCode === 0 ? 'succeeded' : 'failed',
    failures: exitCode === 0 ? [] : [{ name: 'migrate', exitCode }],
    exitCode,
    ...COMPLETED,
    ...extra,
  };
}

function stoppedFromOutside(extra: Partial<TaskFacts>): DecidedTask {
  return {
    taskArn: arn(TASK_ID),
    lastStatus: 'STOPPED',
    verdict: 'stopped-from-outside',
    failures: [],
    ...extra,
  };
}

describe('describeFailedTasks: a failed task', () => {
  it('names the container, its exit code and why ECS stopped the task (stop code: "stopped reason")', () => {
    expect(describeFailedTasks([exited(TASK_ID, 1)])).toBe(
      `Task ${TASK_ID} failed: container "migrate" exited with code 1` +
        ' (EssentialContainerExited: "Essential container in task exited").',
    );
  });

  it("lists every failed container, in order, with ECS's reason for each that has one", () => {
    const task = exited(TASK_ID, 2, {
      failures: [
        { name: 'migrate', exitCode: 2 },
        { name: 'seed', exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' },
      ],
    });
    expect(describeFailedTasks([task])).toBe(
      `Task ${TASK_ID} failed: container "migrate" exited with code 2,` +
        ' container "seed" exited with code 137 (OutOfMemoryError: Container killed due to memory usage)' +
        ' (EssentialContainerExited: "Essential container in task exited").' +
        ' Hint: the container was killed (out of memory or SIGKILL) — raise its memory in the task definition or in' +
        ' Overrides.',
    );
  });

  it.each<[string, Partial<TaskFacts>, string]>([
    [
      'only a stop code',
      { stopCode: 'EssentialContainerExited', stoppedReason: undefined },
      ' (EssentialContainerExited)',
    ],
    [
      'only a stopped reason',
      { stopCode: undefined, stoppedReason: 'Essential container in task exited' },
      ' ("Essential container in task exited")',
    ],
    ['neither (an older agent)', { stopCode: undefined, stoppedReason: undefined }, ''],
  ])('says why ECS stopped it from what ECS said: %s', (_, said, stop) => {
    expect(describeFailedTasks([exited(TASK_ID, 1, said)])).toBe(
      `Task ${TASK_ID} failed: container "migrate" exited with code 1${stop}.`,
    );
  });

  it('quotes a stopped reason as JSON, so that its own quotes cannot end it', () => {
    const task = exited(TASK_ID, 1, { stopCode: undefined, stoppedReason: 'Essential container "migrate" exited' });
    expect(describeFailedTasks([task])).toBe(
      `Task ${TASK_ID} failed: container "migrate" exited with code 1 ("Essential container \\"migrate\\" exited").`,
    );
  });

  it.each<[string, DecidedTask['failures'][number], string]>([
    ['was not reported at all', { name: 'migrate', notReported: true }, 'container "migrate" was not reported by ECS'],
    [
      "never ran, with ECS's reason",
      {
        name: 'migrate',
        reason:
          'CannotStartContainerError: Error response from daemon: failed to create shim task: OCI runtime create' +
          ' failed: exec: "./migrate.sh": permission denied',
      },
      'container "migrate" never ran (CannotStartContainerError: Error response from daemon: failed to create shim' +
        ' task: OCI runtime create failed: exec: "./migrate.sh": permission denied)',
    ],
    ['never ran, without a reason', { name: 'migrate' }, 'container "migrate" never ran'],
    ['exited, without a reason', { name: 'migrate', exitCode: 3 }, 'container "migrate" exited with code 3'],
    [
      "exited, with ECS's reason",
      { name: 'migrate', exitCode: 255, reason: 'Essential container exited' },
      'container "migrate" exited with code 255 (Essential container exited)',
    ],
  ])('tells of a container that %s', (_, failure, said) => {
    const task: DecidedTask = {
      taskArn: arn(TASK_ID),
      lastStatus: 'STOPPED',
      verdict: 'failed',
      failures: [failure],
    };
    expect(describeFailedTasks([task])).toBe(`Task ${TASK_ID} failed: ${said}.`);
  });

  it('says so when no essential container reported an exit code', () => {
    const task: DecidedTask = {
      taskArn: arn(TASK_ID),
      lastStatus: 'STOPPED',
      verdict: 'failed',
      failures: [],
      neverRan: true,
      stopCode: 'TaskFailedToStart',
    };
    expect(describeFailedTasks([task])).toBe(
      `Task ${TASK_ID} failed: no essential container reported an exit code (TaskFailedToStart).`,
    );
  });

  it('says a task ECS never knew failed, how long the runner waited, and that it was stopped', () => {
    const task: DecidedTask = {
      taskArn: arn(TASK_ID),
      lastStatus: 'UNKNOWN',
      verdict: 'unknown-to-ecs',
      ecsSaid: 'MISSING',
      failures: [],
    };
    expect(describeFailedTasks([task])).toBe(
      `Task ${TASK_ID} failed: ECS still did not know the task 5 minutes after RunTask (MISSING);` +
        ' it was stopped (StopTask, best effort) so that it cannot run unwatched.',
    );
  });
});

describe('describeFailedTasks: a task stopped from outside', () => {
  it.each([
    [
      'SpotInterruption',
      'Spot capacity was reclaimed — run the migration on on-demand capacity (LaunchType FARGATE, or a capacity' +
        ' provider that is not Spot)',
    ],
    ['UserInitiated', 'someone or something called StopTask on it'],
    [
      'ServiceSchedulerInitiated',
      'the ECS service scheduler stopped it — do not give the task a Group or StartedBy of a service',
    ],
    ['TerminationNotice', 'its host was being retired or its instance drained'],
    ['InfrastructureHealth', 'ECS stopped it because the infrastructure under it was unhealthy'],
  ])('says what stop code %s means', (stopCode, meaning) => {
    expect(describeFailedTasks([stoppedFromOutside({ stopCode })])).toBe(
      `Task ${TASK_ID} was stopped before it finished (${stopCode}): ${meaning}. ${SIGTERM_NOTE}`,
    );
  });

  it('says it was stopped from outside when the stop code is one the runner does not know', () => {
    expect(describeFailedTasks([stoppedFromOutside({ stopCode: 'HostMaintenance' })])).toBe(
      `Task ${TASK_ID} was stopped before it finished (HostMaintenance): it was stopped from outside. ${SIGTERM_NOTE}`,
    );
  });

  it('says it was stopped from outside when ECS gave only a stopped reason', () => {
    expect(describeFailedTasks([stoppedFromOutside({ stoppedReason: 'Task stopped by user' })])).toBe(
      `Task ${TASK_ID} was stopped before it finished ("Task stopped by user"): it was stopped from outside.` +
        ` ${SIGTERM_NOTE}`,
    );
  });

  it('adds the containers that failed as they were cut short', () => {
    const task = stoppedFromOutside({
      stopCode: 'SpotInterruption',
      stoppedReason: 'Your Spot Task was interrupted.',
      failures: [
        { name: 'migrate', exitCode: 143 },
        { name: 'sidecar', notReported: true },
      ],
      exitCode: 143,
    });
    expect(describeFailedTasks([task])).toBe(
      `Task ${TASK_ID} was stopped before it finished (SpotInterruption: "Your Spot Task was interrupted."):` +
        ' Spot capacity was reclaimed — run the migration on on-demand capacity (LaunchType FARGATE, or a capacity' +
        ` provider that is not Spot). ${SIGTERM_NOTE} container "migrate" exited with code 143,` +
        ' container "sidecar" was not reported by ECS.',
    );
  });

  it("gives the essential container's exit code when no container failed (it exited 0 on SIGTERM)", () => {
    const task = stoppedFromOutside({ stopCode: 'UserInitiated', stoppedReason: 'Task stopped by user', exitCode: 0 });
    expect(describeFailedTasks([task])).toBe(
      `Task ${TASK_ID} was stopped before it finished (UserInitiated: "Task stopped by user"):` +
        ` someone or something called StopTask on it. ${SIGTERM_NOTE} Its essential container exited with code 0.`,
    );
  });
});

describe('describeFailedTasks: several tasks', () => {
  it('counts the failed ones and describes only them, in order, one after the other', () => {
    const tasks = [exited(TASK_ID, 1), exited(OTHER_ID, 0), exited(THIRD_ID, 2, { stoppedReason: undefined })];
    expect(describeFailedTasks(tasks)).toBe(
      '2 of 3 tasks failed.' +
        ` Task ${TASK_ID} failed: container "migrate" exited with code 1` +
        ' (EssentialContainerExited: "Essential container in task exited").' +
        ` Task ${THIRD_ID} failed: container "migrate" exited with code 2 (EssentialContainerExited).`,
    );
  });

  it('gives no count for a single task', () => {
    expect(describeFailedTasks([exited(TASK_ID, 1, { stopCode: undefined, stoppedReason: undefined })])).toBe(
      `Task ${TASK_ID} failed: container "migrate" exited with code 1.`,
    );
  });
});

describe('describeRunTaskFailures', () => {
  it("gives ECS's reason and detail for one task, and the hint they call for", () => {
    const failures: Failure[] = [{ reason: 'RESOURCE:ENI', detail: 'no free ENI', arn: INSTANCE_ARN }];
    expect(describeRunTaskFailures(failures, 0, 1)).toBe(
      `RunTask started 0 of 1 task: RESOURCE:ENI no free ENI (${INSTANCE_ARN}).` +
        ' Hint: no container instance has a free network interface: every awsvpc task on EC2 needs its own ENI and' +
        ' the primary ENI counts (a t2.micro fits 1 task, a c5.large 2) — add instances, use larger instance types,' +
        ' or turn on awsvpcTrunking.',
    );
  });

  it('lists every failure, and says the tasks that did start were stopped', () => {
    const failures: Failure[] = [
      { reason: 'Capacity is unavailable at this time. Please try again later or in a different availability zone' },
      { arn: INSTANCE_ARN, reason: 'AGENT' },
    ];
    expect(describeRunTaskFailures(failures, 1, 3)).toBe(
      'RunTask started 1 of 3 tasks and the started ones were stopped:' +
        ' Capacity is unavailable at this time. Please try again later or in a different availability zone;' +
        ` AGENT (${INSTANCE_ARN}).` +
        " Hint: Fargate had no capacity in the subnets' Availability Zones — retry later or add subnets in other" +
        ' Availability Zones.',
    );
  });

  it('says ECS gave no reason when its failures[] is empty', () => {
    expect(describeRunTaskFailures([], 0, 2)).toBe('RunTask started 0 of 2 tasks: ECS gave no reason.');
  });
});

describe('describeTimeout', () => {
  it('names the one task still running, its status, and what to do', () => {
    expect(describeTimeout([{ taskArn: arn(TASK_ID), lastStatus: 'RUNNING' }], 600)).toBe(
      `Timed out after 600 s waiting for task ${TASK_ID} (RUNNING); stopped it.` +
        ' Raise Timeout (and ServiceTimeout) if the task needs longer, or find out why it did not finish.',
    );
  });

  it('names every task still running', () => {
    const pending = [
      { taskArn: arn(TASK_ID), lastStatus: 'RUNNING' },
      { taskArn: arn(OTHER_ID), lastStatus: 'PENDING' },
    ];
    expect(describeTimeout(pending, 3600)).toBe(
      `Timed out after 3600 s waiting for tasks ${TASK_ID} (RUNNING), ${OTHER_ID} (PENDING); stopped them.` +
        ' Raise Timeout (and ServiceTimeout) if the task needs longer, or find out why it did not finish.',
    );
  });

  it('says the request came late, in place of raising Timeout, when it did', () => {
    const late = { lateSeconds: 1500, waitSeconds: 3600 };
    expect(describeTimeout([{ taskArn: arn(TASK_ID), lastStatus: 'RUNNING' }], 2100, late)).toBe(
      `Timed out after 2100 s waiting for task ${TASK_ID} (RUNNING); stopped it.` +
        " The request reached the runner 1500 s after CloudFormation sent it (an SNS delay, or Lambda's" +
        " asynchronous retries), so only 2100 s of CloudFormation's 3600 s wait were left: run the stack operation" +
        ' again.',
    );
  });
});

describe('lateDeliveryAdvice', () => {
  it('says how late the request was, how much of the wait was left, and what to do', () => {
    expect(lateDeliveryAdvice({ lateSeconds: 90, waitSeconds: 3600 }, 3480)).toBe(
      "The request reached the runner 90 s after CloudFormation sent it (an SNS delay, or Lambda's asynchronous" +
        " retries), so only 3480 s of CloudFormation's 3600 s wait were left: run the stack operation again.",
    );
  });
});

const DESERIALIZATION_NOTE =
  '\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.';

/** What the SDK throws for an HTML page in place of JSON: the parser's error, the raw response hidden on it. */
function htmlPage(response: object, metadata?: object): Error {
  const error = new SyntaxError(`Unexpected token '<', "<!doctype "... is not valid JSON${DESERIALIZATION_NOTE}`);
  if (metadata) Object.assign(error, { $metadata: metadata });
  Object.defineProperty(error, '$response', { value: response, enumerable: false });
  return error;
}

const UNREADABLE =
  " with a body that is not the API's (an error page from a proxy or load balancer?); it was retried while time" +
  ' allowed — try again later.';

describe('describeAwsError', () => {
  it("says an answer that is not the API's is one, with its HTTP status", () => {
    const error = htmlPage({ statusCode: 502, body: '<html>502 Bad Gateway</html>' }, { httpStatusCode: 502 });
    expect(describeAwsError('RunTask', error)).toBe(`RunTask failed: AWS answered HTTP 502${UNREADABLE}`);
  });

  it("says an answer that is not the API's is one, without a status when none is known", () => {
    const error = htmlPage({ body: '<html>Bad Gateway</html>' });
    expect(describeAwsError('DescribeTasks', error)).toBe(`DescribeTasks failed: AWS answered${UNREADABLE}`);
  });

  it("gives the error's name and message, and the HTTP status of a server fault", () => {
    const error = new ServerException({
      message: 'Service Unavailable. Please try again later.',
      $metadata: { httpStatusCode: 500 },
    });
    expect(describeAwsError('RunTask', error)).toBe(
      'RunTask failed: ServerException: Service Unavailable. Please try again later. (HTTP 500)',
    );
  });

  it('gives the name alone when the error has no message', () => {
    const error = new ServerException({ message: '', $metadata: { httpStatusCode: 503 } });
    expect(describeAwsError('StopTask', error)).toBe('StopTask failed: ServerException (HTTP 503)');
  });

  it('gives no HTTP status for a client error, nor when none is known', () => {
    const invalid = new InvalidParameterException({
      message: 'Task definition does not support launch_type FARGATE.',
      $metadata: { httpStatusCode: 400 },
    });
    expect(describeAwsError('RunTask', invalid)).toBe(
      'RunTask failed: InvalidParameterException: Task definition does not support launch_type FARGATE.',
    );
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), { code: 'ECONNREFUSED' });
    expect(describeAwsError('DescribeTasks', refused)).toBe(
      'DescribeTasks failed: Error: connect ECONNREFUSED 127.0.0.1:443',
    );
  });

  it('keeps the message on one line', () => {
    const error = new ClientException({
      message: 'Unable to describe task definition.\n  Check the family and revision.',
      $metadata: { httpStatusCode: 400 },
    });
    expect(describeAwsError('DescribeTaskDefinition', error)).toBe(
      'DescribeTaskDefinition failed: ClientException: Unable to describe task definition. Check the family and' +
        ' revision.',
    );
  });

  it('adds the permission hint when the call was denied', () => {
    const error = new AccessDeniedException({
      message:
        'User: arn:aws:sts::123456789012:assumed-role/task-runner/fn is not authorized to perform: ecs:RunTask' +
        ' on resource: arn:aws:ecs:us-east-1:123456789012:task-definition/todobackend:7',
      $metadata: { httpStatusCode: 400 },
    });
    expect(describeAwsError('RunTask', error)).toBe(
      'RunTask failed: AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/task-runner/fn is not' +
        ' authorized to perform: ecs:RunTask on resource:' +
        ` arn:aws:ecs:us-east-1:123456789012:task-definition/todobackend:7 ${PERMISSION_HINT}`,
    );
  });
});

describe('describeUnexpectedError', () => {
  it("says an AWS answer that is not the API's is one, whichever call it was", () => {
    const error = htmlPage({ statusCode: 504 }, { httpStatusCode: 504 });
    expect(describeUnexpectedError(error)).toBe(`An AWS call failed: AWS answered HTTP 504${UNREADABLE}`);
  });

  it('gives something thrown that is not an Error as it is, on one line', () => {
    expect(describeUnexpectedError('lost\n  the   connection ')).toBe('lost the connection');
  });

  it("gives an Error's name and message, on one line", () => {
    expect(describeUnexpectedError(new RangeError('Invalid time value\n at Date.toISOString'))).toBe(
      'RangeError: Invalid time value at Date.toISOString',
    );
  });

  it('gives an Error without a message by its name alone', () => {
    expect(describeUnexpectedError(new TypeError(''))).toBe('TypeError');
    expect(describeUnexpectedError(new TypeError('  \n '))).toBe('TypeError');
  });
});
