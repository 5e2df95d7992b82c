import { DescribeStacksCommand, type StackStatus } from '@aws-sdk/client-cloudformation';
import {
  DescribeTasksCommand,
  type DescribeTasksCommandInput,
  ListTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { DELETE_RELIST_AFTER_MS } from '../../src/requests/delete-resource';
import { STACK_CHECK_PATIENCE_MS } from '../../src/runtime/time-budget';
import { ecsTask, mockedAws, stoppedTask, stubHappyPath, stubStackStatuses, TASK_ARN } from '../support/aws-mocks';
import { FakeClock } from '../support/fakes';
import { fixtures, withProperties } from '../support/fixtures';
import { invokeWith } from '../support/invoke';

const aws = mockedAws();
const invoke = invokeWith(aws.ports);
/** The fake clock's start, when the runner receives the request (and the fixtures' X-Amz-Date). */
const RECEIVED_AT = Date.UTC(2026, 10, 25, 12, 0, 0);
const EARLIER_TASK = TASK_ARN.replace('0a1b2c3d', 'e1e2e3e4');

function stackStatuses(...statuses: [StackStatus, ...StackStatus[]]) {
  stubStackStatuses(aws, ...statuses);
}

beforeEach(() => stubHappyPath(aws));

describe('a Create or Update whose stack has moved on', () => {
  it('starts nothing when the Create arrives while its stack rolls back its creation', async () => {
    stackStatuses('ROLLBACK_IN_PROGRESS');
    const { response, puts } = await invoke(fixtures.create());
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(puts).toHaveLength(1);
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toBe(
      'Not started: stack todobackend is ROLLBACK_IN_PROGRESS (a resource of the stack failed, and its creation is' +
        ' being rolled back), so CloudFormation no longer waits for this Create.',
    );
  });

  it('reads the stack status again before each StartRetries attempt, and starts no retry after the rollback began', async () => {
    stackStatuses('CREATE_IN_PROGRESS', 'CREATE_IN_PROGRESS', 'ROLLBACK_IN_PROGRESS');
    aws.ecs.on(DescribeTasksCommand).resolves({
      tasks: [
        stoppedTask(undefined, {
          stopCode: 'TaskFailedToStart',
          stoppedReason: 'ResourceInitializationError: unable to pull secrets or registry auth: i/o timeout',
          containers: [{ name: 'migrate', lastStatus: 'STOPPED' }],
        }),
      ],
    });
    const { response, clock } = await invoke(withProperties(fixtures.create(), { StartRetries: '3' }));
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
    expect(aws.cloudFormation).toHaveReceivedCommandTimes(DescribeStacksCommand, 3);
    expect(clock.sleeps.length).toBeGreaterThan(0);
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toMatch(
      /^Attempt 2: Not started: stack todobackend is ROLLBACK_IN_PROGRESS .* no longer waits for this Create\./,
    );
    // The earlier attempt's failure is still told.
    expect(response?.Reason).toContain('ResourceInitializationError');
  });

  it('starts nothing after an IfRunning wait when the update has failed meanwhile (RunOnRollback false)', async () => {
    // Entry (RunOnRollback false reads it), then the check after the wait.
    stackStatuses('UPDATE_IN_PROGRESS', 'UPDATE_ROLLBACK_IN_PROGRESS');
    aws.ecs.on(ListTasksCommand).resolves({ taskArns: [EARLIER_TASK] });
    let polls = 0;
    aws.ecs.on(DescribeTasksCommand, { tasks: [EARLIER_TASK] }).callsFake((input: DescribeTasksCommandInput) => ({
      tasks: [
        input.include?.includes('TAGS') || polls++ < 2
          ? ecsTask({ taskArn: EARLIER_TASK, tags: [{ key: 'ecs-task-runner:request', value: 'an-earlier-request' }] })
          : stoppedTask(0, { taskArn: EARLIER_TASK }),
      ],
    }));
    const { response } = await invoke(withProperties(fixtures.update(), { IfRunning: 'Wait' }));
    expect(polls).toBeGreaterThan(2);
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toContain(
      'stack todobackend is UPDATE_ROLLBACK_IN_PROGRESS (the update failed and is being rolled back, and RunOnRollback' +
        ' is false), so CloudFormation no longer waits for this Update.',
    );
  });

  it('stops the tasks just started when the stack moved on while RunTask was called', async () => {
    stackStatuses('CREATE_IN_PROGRESS', 'DELETE_IN_PROGRESS');
    const { response } = await invoke(fixtures.create());
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
    expect(aws.ecs).toHaveReceivedCommandWith(StopTaskCommand, { task: TASK_ARN });
    expect(aws.ecs).not.toHaveReceivedCommand(DescribeTasksCommand);
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toBe(
      'Stopped 1 task(s) just started (0a1b2c3d4e5f46789abcdef012345678): stack todobackend became DELETE_IN_PROGRESS' +
        ' while RunTask was called (the stack is being deleted), so CloudFormation no longer waits for this Create.',
    );
  });

  it('runs an Update during its rollback when RunOnRollback is true', async () => {
    stackStatuses('UPDATE_ROLLBACK_IN_PROGRESS');
    const event = withProperties(fixtures.updateRollback(), { RunOnRollback: 'true' });
    const { response } = await invoke(event);
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
    expect(response?.Status).toBe('SUCCESS');
  });

  it('goes ahead, saying so in the log, when the status cannot be read (a stack of another account, no role) and RunOnRollback is true', async () => {
    const event = withProperties(fixtures.create(), { RunOnRollback: 'true' });
    const otherAccount = { ...event, StackId: event.StackId.replace('123456789012', '210987654321') };
    const { response, log } = await invoke(otherAccount, { allowedAccountIds: '210987654321' });
    expect(aws.cloudFormation).not.toHaveReceivedCommand(DescribeStacksCommand);
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
    expect(response?.Status).toBe('SUCCESS');
    const line = log.entries.find((entry) => entry.message.includes("stack's status could not be read"));
    expect(line?.level).toBe('info');
    expect(JSON.stringify(line?.extra)).toContain('other-account');
  });

  it.each([
    ['a stack of another account without StackStatusRoleArn', 'other-account'],
    ['DescribeStacks denied', 'denied'],
  ])(
    'starts no Create whose stack cannot be read when RunOnRollback is false, naming both ways out: %s',
    async (_what, cause) => {
      const event = fixtures.create();
      const request =
        cause === 'other-account'
          ? { ...event, StackId: event.StackId.replace('123456789012', '210987654321') }
          : event;
      if (cause === 'denied')
        aws.cloudFormation.on(DescribeStacksCommand).rejects(
          Object.assign(new Error('User is not authorized to perform: cloudformation:DescribeStacks'), {
            name: 'AccessDenied',
          }),
        );
      const { response } = await invoke(request, { allowedAccountIds: '210987654321' });
      expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
      expect(response?.Status).toBe('FAILED');
      expect(response?.Reason).toMatch(
        /^Not started: RunOnRollback is false, so every update of this resource must tell/,
      );
      expect(response?.Reason).toContain(
        cause === 'other-account'
          ? "Give StackStatusRoleArn: a role in account 210987654321 that the runner's role may assume, allowed cloudformation:DescribeStacks (infra/stack-status-role.yml creates one)."
          : "Allow the runner's role cloudformation:DescribeStacks on the stack (StackArns in the runner template).",
      );
      expect(response?.Reason).toContain('Or set RunOnRollback to true');
      expect(response?.Reason).toContain('UPDATE_ROLLBACK_FAILED');
    },
  );

  it('asks a throttled DescribeStacks again for at most a minute, then goes ahead with a warning', async () => {
    aws.cloudFormation
      .on(DescribeStacksCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));
    const { response, log, clock } = await invoke(fixtures.create());
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
    expect(response?.Status).toBe('SUCCESS');
    const line = log.entries.find((entry) => entry.message.includes("stack's status could not be read"));
    expect(line?.level).toBe('warn');
    // Two checks (before and after RunTask), each given up within its patience.
    const waited = clock.sleeps.filter((ms) => ms >= 1000).reduce((total, ms) => total + ms, 0);
    expect(waited).toBeLessThanOrEqual(2 * STACK_CHECK_PATIENCE_MS);
    expect(aws.cloudFormation.commandCalls(DescribeStacksCommand).length).toBeGreaterThan(2);
  });

  it('never holds back the OnDelete teardown, which runs while the stack is being deleted', async () => {
    stackStatuses('DELETE_IN_PROGRESS');
    aws.ecs.on(ListTasksCommand).resolves({ taskArns: [] });
    const { response } = await invoke(withProperties(fixtures.delete(), { OnDelete: {} }));
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
    expect(response?.Reason).toContain('Teardown task');
  });
});

describe('a Delete that comes right after a RunTask', () => {
  /** ECS lists a task only once it is 6 s old (ListTasks is eventually consistent); the Create started it 1 s before. */
  function listedOnceSixSecondsOld(clock: FakeClock, startedAt: number) {
    aws.ecs.on(ListTasksCommand).callsFake(() => ({ taskArns: clock.now() - startedAt >= 6_000 ? [TASK_ARN] : [] }));
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask()] });
  }

  it('lists the resource tasks again 10 s after the Delete was sent, and stops the one the first listing missed', async () => {
    const clock = new FakeClock();
    listedOnceSixSecondsOld(clock, RECEIVED_AT - 1_000);
    const { response, log } = await invoke(fixtures.delete(), { clock });
    expect(clock.now()).toBe(RECEIVED_AT + DELETE_RELIST_AFTER_MS);
    expect(aws.ecs).toHaveReceivedCommandWith(StopTaskCommand, { task: TASK_ARN });
    expect(log.entries).toContainEqual({
      level: 'warn',
      message: 'A second listing found tasks of the resource the first did not name',
      extra: [{ taskArns: [TASK_ARN] }],
    });
    expect(response?.Status).toBe('SUCCESS');
    expect(response?.Reason).toBe(
      'Stopped 1 task(s) still running: 0a1b2c3d4e5f46789abcdef012345678. Task 0a1b2c3d4e5f46789abcdef012345678 had' +
        ' just started: ECS listed it only on a second look, 10 s after the Delete was sent.',
    );
  });

  it('lists once when the Delete arrives more than 10 s after CloudFormation sent it', async () => {
    const clock = new FakeClock(RECEIVED_AT + 15_000);
    listedOnceSixSecondsOld(clock, RECEIVED_AT - 1_000);
    const { response } = await invoke(fixtures.delete(), { clock });
    expect(clock.sleeps).toEqual([]);
    expect(aws.ecs).toHaveReceivedCommandTimes(ListTasksCommand, 2);
    expect(response?.Reason).toBe('Stopped 1 task(s) still running: 0a1b2c3d4e5f46789abcdef012345678.');
  });

  it('lists once when the Delete arrives exactly 10 s after CloudFormation sent it', async () => {
    const clock = new FakeClock(RECEIVED_AT + DELETE_RELIST_AFTER_MS);
    listedOnceSixSecondsOld(clock, RECEIVED_AT - 1_000);
    await invoke(fixtures.delete(), { clock });
    expect(clock.sleeps).toEqual([]);
    expect(aws.ecs).toHaveReceivedCommandTimes(ListTasksCommand, 2);
  });

  it('does not stop a task twice when both listings name it', async () => {
    const clock = new FakeClock();
    listedOnceSixSecondsOld(clock, RECEIVED_AT - 60_000);
    const { response, log } = await invoke(fixtures.delete(), { clock });
    expect(log.text()).not.toContain('A second listing');
    expect(aws.ecs).toHaveReceivedCommandTimes(StopTaskCommand, 1);
    expect(response?.Reason).toBe('Stopped 1 task(s) still running: 0a1b2c3d4e5f46789abcdef012345678.');
  });
});
