import { DescribeTasksCommand, ListTasksCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import type { RunnerProperties } from '../../../src/properties/runner-properties';
import { earlierRun } from '../../../src/run/checks/earlier-run';
import { timeBudget } from '../../../src/runtime/time-budget';
import { ecsTask, mockedAws, TASK_ARN } from '../../support/aws-mocks';
import { fixtures } from '../../support/fixtures';
import { runDeps } from '../../support/run-harness';

const aws = mockedAws();
beforeEach(() => aws.reset());

const EARLIER_TASK = TASK_ARN.replace('0a1b2c3d', 'e1e2e3e4');
const STOPPING_TASK = TASK_ARN.replace('0a1b2c3d', 'f1f2f3f4');
const request = fixtures.update();

function properties(ifRunning: RunnerProperties['ifRunning']) {
  return { cluster: 'todobackend-cluster', startedBy: 'todobackend-MigrateTask', ifRunning };
}

/** ListTasks names `tasks` (ARN and desired status) under the startedBy; DescribeTasks reports them with their tags. */
function earlierTasksRun(...tasks: { taskArn: string; desiredStatus: 'RUNNING' | 'STOPPED' }[]) {
  aws.ecs.on(ListTasksCommand).callsFake((input: { desiredStatus?: string }) => ({
    taskArns: tasks.filter((task) => task.desiredStatus === input.desiredStatus).map((task) => task.taskArn),
  }));
  aws.ecs.on(DescribeTasksCommand).resolves({ tasks: tasks.map((task) => ecsTask(task)) });
  aws.ecs.on(StopTaskCommand).resolves({});
}

function awsError(name: string, message: string, httpStatusCode = 400): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode } });
}

async function earlierRunOf(ifRunning: RunnerProperties['ifRunning']) {
  const { deps, log, clock } = runDeps(aws);
  const outcome = await earlierRun(request, properties(ifRunning), timeBudget(clock.now() + 600_000, deps), deps);
  return { outcome, log };
}

describe("IfRunning, by the earlier run's tasks", () => {
  it.each(['Wait', 'Stop', 'Fail'] as const)('%s: none still running, the run starts at once', async (ifRunning) => {
    earlierTasksRun();
    const { outcome, log } = await earlierRunOf(ifRunning);

    expect(outcome).toEqual({ kind: 'wait-for', taskArns: [] });
    expect(aws.ecs).not.toHaveReceivedCommand(StopTaskCommand);
    expect(log.entries).toEqual([]);
  });

  it.each([
    ['Wait', { kind: 'wait-for', taskArns: [EARLIER_TASK] }],
    [
      'Fail',
      {
        kind: 'refused',
        reason: `Not started: IfRunning is Fail, and 1 task of an earlier run of this resource still runs: e1e2e3e44e5f46789abcdef012345678 (RUNNING). Let it finish or stop it, or set IfRunning to Wait or Stop.`,
      },
    ],
  ] as const)('%s: one still running, stops nothing', async (ifRunning, expected) => {
    earlierTasksRun({ taskArn: EARLIER_TASK, desiredStatus: 'RUNNING' });
    const { outcome, log } = await earlierRunOf(ifRunning);

    expect(outcome).toEqual(expected);
    expect(aws.ecs).not.toHaveReceivedCommand(StopTaskCommand);
    expect(log.entries).toEqual([
      {
        level: 'warn',
        message: 'Tasks of an earlier run of this resource still run',
        extra: [{ ifRunning, taskArns: [EARLIER_TASK] }],
      },
    ]);
  });

  it('Stop: stops the tasks nobody asked to stop yet, saying why, and waits for them all', async () => {
    earlierTasksRun(
      { taskArn: EARLIER_TASK, desiredStatus: 'RUNNING' },
      { taskArn: STOPPING_TASK, desiredStatus: 'STOPPED' },
    );
    const { outcome, log } = await earlierRunOf('Stop');

    expect(outcome).toEqual({ kind: 'wait-for', taskArns: [EARLIER_TASK, STOPPING_TASK] });
    expect(aws.ecs).toHaveReceivedCommandTimes(StopTaskCommand, 1);
    expect(aws.ecs).toHaveReceivedCommandWith(StopTaskCommand, {
      cluster: 'todobackend-cluster',
      task: EARLIER_TASK,
      reason: 'ecs-task-runner: a new run of this resource starts (IfRunning Stop)',
    });
    expect(log.entries[0]).toEqual({
      level: 'warn',
      message: 'Tasks of an earlier run of this resource still run',
      extra: [{ ifRunning: 'Stop', taskArns: [EARLIER_TASK, STOPPING_TASK] }],
    });
  });
});

describe("the lookup of the earlier run's tasks", () => {
  it('is asked again after throttling, saying so in the log', async () => {
    earlierTasksRun({ taskArn: EARLIER_TASK, desiredStatus: 'RUNNING' });
    aws.ecs
      .on(ListTasksCommand)
      .rejectsOnce(awsError('ThrottlingException', 'Rate exceeded'))
      .resolves({ taskArns: [] });
    const { outcome, log } = await earlierRunOf('Wait');

    expect(outcome).toEqual({ kind: 'wait-for', taskArns: [] });
    expect(log.entries.map((entry) => `${entry.level} ${entry.message}`)).toEqual([
      "warn Looking for an earlier run's tasks failed; asking again with backoff",
    ]);
  });

  it('refuses the run, saying what was denied, when ListTasks is denied', async () => {
    aws.ecs
      .on(ListTasksCommand)
      .rejects(awsError('AccessDeniedException', 'User is not authorized to perform: ecs:ListTasks', 403));
    const { outcome } = await earlierRunOf('Wait');

    expect(outcome).toMatchObject({ kind: 'refused' });
    expect(outcome.kind === 'refused' && outcome.reason).toContain(
      'looking for an earlier run of this resource, IfRunning',
    );
    expect(aws.ecs).toHaveReceivedCommandTimes(ListTasksCommand, 1);
  });
});
