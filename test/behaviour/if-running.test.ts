import {
  DescribeTasksCommand,
  type DescribeTasksCommandInput,
  ListTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import type { ContinuationEvent } from '../../src/run/hand-off/continuation';
import { ecsTask, mockedAws, stoppedTask, stubHappyPath, TASK_ARN } from '../support/aws-mocks';
import { fixtures } from '../support/fixtures';
import { invokeWith } from '../support/invoke';

const aws = mockedAws();
const invoke = invokeWith(aws.ports);
const EARLIER_TASK = TASK_ARN.replace('0a1b2c3d', 'e1e2e3e4');
const EARLIER_ID = 'e1e2e3e44e5f46789abcdef012345678';

function updateIfRunning(policy?: string) {
  const event = fixtures.update();
  if (policy) (event.ResourceProperties as Record<string, unknown>).IfRunning = policy;
  return event;
}

/**
 * An earlier run's task that ListTasks finds by the resource's startedBy, tagged with the request it belongs to;
 * polled by ARN, it is RUNNING `polls` times, then STOPPED (never, when polls is Infinity).
 */
function earlierRunStillRuns(options: { tag?: string; stopsAfterPolls?: number } = {}) {
  const { tag = 'an-earlier-request', stopsAfterPolls = Infinity } = options;
  aws.ecs.on(ListTasksCommand).resolves({ taskArns: [EARLIER_TASK] });
  let polls = 0;
  aws.ecs.on(DescribeTasksCommand, { tasks: [EARLIER_TASK] }).callsFake((input: DescribeTasksCommandInput) => {
    if (input.include?.includes('TAGS'))
      return { tasks: [ecsTask({ taskArn: EARLIER_TASK, tags: [{ key: 'ecs-task-runner:request', value: tag }] })] };
    return {
      tasks: [
        polls++ < stopsAfterPolls ? ecsTask({ taskArn: EARLIER_TASK }) : stoppedTask(0, { taskArn: EARLIER_TASK }),
      ],
    };
  });
}

const commandNames = () => aws.ecs.calls().map((call) => call.args[0].constructor.name);

/** DescribeTasks calls that poll the earlier task (not the one that reads its tags). */
const pollsOfEarlierTask = () =>
  aws.ecs
    .commandCalls(DescribeTasksCommand)
    .filter((call) => call.args[0].input.include === undefined && call.args[0].input.tasks?.includes(EARLIER_TASK));

beforeEach(() => {
  stubHappyPath(aws);
  aws.ecs.on(DescribeTasksCommand, { tasks: [TASK_ARN] }).resolves({ tasks: [stoppedTask(0)] });
});

describe('IfRunning', () => {
  it("looks for the resource's running tasks by startedBy alone, and reads their tags", async () => {
    await invoke(updateIfRunning());
    const listed = aws.ecs.commandCalls(ListTasksCommand)[0]?.args[0].input;
    expect(listed).toEqual({
      cluster: 'todobackend-cluster',
      startedBy: expect.stringMatching(/^cfn\/MigrateTask\/[0-9a-f]{16}$/),
      desiredStatus: 'RUNNING',
    });
    expect(aws.ecs.commandCalls(RunTaskCommand)[0]?.args[0].input.startedBy).toBe(listed?.startedBy);
    expect(aws.ecs).toHaveReceivedCommand(RunTaskCommand);
  });

  it('Wait (the default) starts only once the earlier run has stopped', async () => {
    earlierRunStillRuns({ stopsAfterPolls: 3 });
    const { response } = await invoke(updateIfRunning());
    expect(aws.ecs).toHaveReceivedCommandWith(DescribeTasksCommand, { tasks: [EARLIER_TASK], include: ['TAGS'] });
    expect(pollsOfEarlierTask()).toHaveLength(4);
    const calls = aws.ecs.calls();
    const lastPoll = calls.lastIndexOf(pollsOfEarlierTask()[3] as (typeof calls)[number]);
    expect(commandNames().indexOf('RunTaskCommand')).toBeGreaterThan(lastPoll);
    expect(aws.ecs).not.toHaveReceivedCommand(StopTaskCommand);
    expect(response?.Status).toBe('SUCCESS');
  });

  it('never waits for a task of this same request (a duplicate delivery)', async () => {
    const first = await invoke(updateIfRunning());
    const tag = aws.ecs
      .commandCalls(RunTaskCommand)[0]
      ?.args[0].input.tags?.find((entry) => entry.key === 'ecs-task-runner:request')?.value;
    expect(first.response?.Status).toBe('SUCCESS');
    aws.ecs.resetHistory();
    earlierRunStillRuns({ ...(tag ? { tag } : {}) });
    const { response } = await invoke(updateIfRunning('Fail'));
    expect(aws.ecs).toHaveReceivedCommandWith(DescribeTasksCommand, { tasks: [EARLIER_TASK], include: ['TAGS'] });
    expect(pollsOfEarlierTask()).toHaveLength(0);
    expect(aws.ecs).toHaveReceivedCommand(RunTaskCommand);
    expect(response?.Status).toBe('SUCCESS');
  });

  it('Stop stops the earlier run and waits until it has stopped before starting', async () => {
    earlierRunStillRuns({ stopsAfterPolls: 2 });
    const { response } = await invoke(updateIfRunning('Stop'));
    expect(aws.ecs).toHaveReceivedCommandWith(StopTaskCommand, {
      task: EARLIER_TASK,
      reason: 'ecs-task-runner: a new run of this resource starts (IfRunning Stop)',
    });
    const calls = commandNames();
    expect(calls.indexOf('StopTaskCommand')).toBeLessThan(calls.indexOf('RunTaskCommand'));
    expect(pollsOfEarlierTask()).toHaveLength(3);
    expect(response?.Status).toBe('SUCCESS');
  });

  it("Fail answers FAILED naming the earlier run's tasks, and starts nothing", async () => {
    earlierRunStillRuns();
    const { response } = await invoke(updateIfRunning('Fail'));
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toBe(
      `Not started: IfRunning is Fail, and 1 task of an earlier run of this resource still runs: ${EARLIER_ID} (RUNNING). Let it finish or stop it, or set IfRunning to Wait or Stop.`,
    );
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(aws.ecs).not.toHaveReceivedCommand(StopTaskCommand);
  });

  it('Wait ends at the Timeout, starting nothing and stopping nothing', async () => {
    earlierRunStillRuns();
    const event = updateIfRunning('Wait');
    event.ResourceProperties.Timeout = '45';
    const { response, clock } = await invoke(event);
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toBe(
      `Timed out after 45 s waiting for an earlier run of this resource to end (IfRunning Wait): ${EARLIER_ID} (RUNNING) still runs; nothing was started. Stop it, or raise Timeout (and ServiceTimeout).`,
    );
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBe(45_000);
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(aws.ecs).not.toHaveReceivedCommand(StopTaskCommand);
  });

  it('hands a long wait off; the fresh invocation waits on and then starts, within the same deadline', async () => {
    earlierRunStillRuns({ stopsAfterPolls: 5 });
    const { puts } = await invoke(updateIfRunning(), { budgetMs: 60_000 });
    expect(puts).toHaveLength(0);
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    const payload = JSON.parse(
      Buffer.from(aws.lambda.commandCalls(InvokeCommand)[0]?.args[0].input.Payload as Uint8Array).toString('utf8'),
    ) as ContinuationEvent;
    expect(payload.state).toEqual({ kind: 'waiting-for-earlier-run', taskArns: [EARLIER_TASK] });

    const { response } = await invoke(payload);
    expect(aws.ecs).toHaveReceivedCommandTimes(ListTasksCommand, 2);
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
    expect(response?.Status).toBe('SUCCESS');
  });

  describe('when the earlier run cannot be looked for, it fails, starting nothing, and says what to check', () => {
    const awsError = (name: string, message: string) => Object.assign(new Error(message), { name });

    it('a missing cluster (ListTasks answers ClusterNotFoundException) is named, as RunTask would name it', async () => {
      aws.ecs.on(ListTasksCommand).rejects(awsError('ClusterNotFoundException', 'Cluster not found.'));
      const { response } = await invoke(updateIfRunning());
      expect(response?.Status).toBe('FAILED');
      expect(response?.Reason).toBe(
        'Not started: cluster "todobackend-cluster" was not found in this account and region (ListTasks: ClusterNotFoundException), so no task was started — check Cluster (a cluster name or ARN in the stack\'s region).',
      );
      expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    });

    it('a refused ListTasks names the permission IAM named, the cluster, Cluster and ClusterArns', async () => {
      aws.ecs
        .on(ListTasksCommand)
        .rejects(
          awsError(
            'AccessDeniedException',
            'User: arn:aws:sts::123456789012:assumed-role/runner/fn is not authorized to perform: ecs:ListTasks on resource: * because no identity-based policy allows the ecs:ListTasks action',
          ),
        );
      const { response } = await invoke(updateIfRunning());
      expect(response?.Status).toBe('FAILED');
      expect(response?.Reason).toMatch(
        /^Not started: the runner's role may not call ecs:ListTasks on cluster "todobackend-cluster" \(looking for an earlier run of this resource, IfRunning; AccessDeniedException: User: .* is not authorized to perform: ecs:ListTasks .*\), so no task was started — check Cluster; if it is right, add the cluster's ARN to ClusterArns of the runner's stack \(infra\/task-runner.yml\), or grant its role ecs:ListTasks on it\.$/,
      );
      expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    });

    it('a refused DescribeTasks names ecs:DescribeTasks; an answer that names no action, both permissions', async () => {
      aws.ecs.on(ListTasksCommand).resolves({ taskArns: [EARLIER_TASK] });
      aws.ecs
        .on(DescribeTasksCommand, { tasks: [EARLIER_TASK] })
        .rejects(awsError('AccessDeniedException', 'User is not authorized to perform: ecs:DescribeTasks'));
      expect((await invoke(updateIfRunning())).response?.Reason).toContain(
        'may not call ecs:DescribeTasks on cluster "todobackend-cluster"',
      );
      aws.ecs.on(ListTasksCommand).rejects(awsError('AccessDeniedException', 'Access denied'));
      expect((await invoke(updateIfRunning())).response?.Reason).toContain(
        'may not call ecs:ListTasks and ecs:DescribeTasks on cluster "todobackend-cluster"',
      );
    });

    it('any other error is told by the calls and what AWS answered', async () => {
      aws.ecs.on(ListTasksCommand).rejects(awsError('InvalidParameterException', 'startedBy is not valid.'));
      const { response } = await invoke(updateIfRunning());
      expect(response?.Reason).toBe(
        'Not started: Looking for an earlier run of this resource (ListTasks, DescribeTasks) failed: InvalidParameterException: startedBy is not valid.',
      );
    });
  });

  describe('with two tasks of an earlier run', () => {
    const SECOND_EARLIER = TASK_ARN.replace('0a1b2c3d', 'e5e6e7e8');
    beforeEach(() => {
      aws.ecs.on(ListTasksCommand).resolves({ taskArns: [EARLIER_TASK, SECOND_EARLIER] });
      aws.ecs.on(DescribeTasksCommand, { tasks: [EARLIER_TASK, SECOND_EARLIER] }).resolves({
        tasks: [ecsTask({ taskArn: EARLIER_TASK }), ecsTask({ taskArn: SECOND_EARLIER, lastStatus: 'PENDING' })],
      });
    });

    it('Fail names both, in the plural', async () => {
      const { response } = await invoke(updateIfRunning('Fail'));
      expect(response?.Reason).toBe(
        `Not started: IfRunning is Fail, and 2 tasks of an earlier run of this resource still run: ${EARLIER_ID} (RUNNING), e5e6e7e84e5f46789abcdef012345678 (PENDING). Let them finish or stop them, or set IfRunning to Wait or Stop.`,
      );
    });

    it('Stop stops both; waiting ends at the Timeout naming both', async () => {
      const event = updateIfRunning('Stop');
      event.ResourceProperties.Timeout = '20';
      const { response } = await invoke(event);
      expect(aws.ecs.commandCalls(StopTaskCommand).map((call) => call.args[0].input.task)).toEqual([
        EARLIER_TASK,
        SECOND_EARLIER,
      ]);
      expect(response?.Reason).toBe(
        `Timed out after 20 s waiting for an earlier run of this resource to end (IfRunning Stop): ${EARLIER_ID} (RUNNING), e5e6e7e84e5f46789abcdef012345678 (PENDING) still run; nothing was started. Stop them, or raise Timeout (and ServiceTimeout).`,
      );
      expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    });
  });
});
