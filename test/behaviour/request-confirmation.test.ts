import { DescribeStackResourceCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeTasksCommand, ListTasksCommand, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { snsNotification } from '../../scripts/local/sns-notification';
import {
  ecsTask,
  mockedAws,
  RESOURCE_TAG,
  stubHappyPath,
  stubStackResource,
  stubStackStatuses,
  TASK_ARN,
} from '../support/aws-mocks';
import { resourceTag } from '../../src/shared/resource-identity';
import { fixtures, withProperties } from '../support/fixtures';
import { invokeWith } from '../support/invoke';

const aws = mockedAws();
const invoke = invokeWith(aws.ports);
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:ecs-task-runner-requests';
const OTHER_ACCOUNT = '210987654321';
const ORGANIZATION = 'o-a1b2c3d4e5';
const ROLE_NAME = 'ecs-task-runner-stack-status';
const OTHER_ROLE = `arn:aws:iam::${OTHER_ACCOUNT}:role/${ROLE_NAME}`;
const UNCONFIRMED =
  'Refused the request: CloudFormation does not confirm it, so nothing was started or stopped, and nothing will be sent to its ResponseURL';

beforeEach(() => stubHappyPath(aws));

type Request = { StackId: string; ResponseURL: string; ServiceToken: string };

/** A request of a stack of `account` (the fixtures' event is the runner's own account's). */
function fromAccount<E extends Request>(event: E, account: string): E {
  event.StackId = event.StackId.replace('123456789012', account);
  event.ResponseURL = event.ResponseURL.replace('123456789012', account);
  return event;
}

/** A request as the topic delivers it, from a stack of `account` (the runner's own by default). */
function throughTopic(event: Request, account = '123456789012'): unknown {
  fromAccount(event, account).ServiceToken = TOPIC;
  return snsNotification(event, TOPIC);
}

/** A running task of the resource `event` names (it carries the resource's tag): a served Delete stops it. */
function resourceTaskRuns(event: Request & { LogicalResourceId: string }): void {
  aws.ecs.on(ListTasksCommand).resolves({ taskArns: [TASK_ARN] });
  aws.ecs
    .on(DescribeTasksCommand)
    .resolves({ tasks: [ecsTask({ tags: [{ key: RESOURCE_TAG.key, value: resourceTag(event) }] })] });
}

function awsError(name: string, message: string, httpStatusCode = 400): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode } });
}

describe('a request through the topic, confirmed with DescribeStackResource', () => {
  it('runs a Create whose resource CloudFormation reports CREATE_IN_PROGRESS, of its type', async () => {
    stubStackResource(aws, 'CREATE_IN_PROGRESS');
    const event = fixtures.create();
    const { response } = await invoke(throughTopic(event));

    expect(aws.cloudFormation).toHaveReceivedCommandWith(DescribeStackResourceCommand, {
      StackName: event.StackId,
      LogicalResourceId: 'MigrateTask',
    });
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
    expect(response?.Status).toBe('SUCCESS');
  });

  it.each([
    ['CREATE_COMPLETE', 'Custom::ECSTaskRunner', 'CloudFormation reports the resource CREATE_COMPLETE'],
    ['UPDATE_IN_PROGRESS', 'Custom::ECSTaskRunner', 'waits for a Create only while it is CREATE_IN_PROGRESS'],
    ['CREATE_IN_PROGRESS', 'Custom::SomethingElse', 'of type Custom::SomethingElse, not Custom::ECSTaskRunner'],
  ] as const)(
    'starts nothing and answers nothing when CloudFormation reports the resource %s, %s',
    async (status, type, problem) => {
      stubStackResource(aws, status, type);
      const metrics: { name: string; dimensions: Record<string, string> }[] = [];
      const { puts, log } = await invoke(throughTopic(fixtures.create()), {
        metrics: { add: (name, _value, dimensions) => void metrics.push({ name, dimensions }) },
      });

      expect(metrics).toEqual([{ name: 'RefusedEvents', dimensions: { Refused: 'Unconfirmed' } }]);
      expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
      expect(puts).toHaveLength(0);
      const refusal = log.entries.find((entry) => entry.message === UNCONFIRMED);
      expect(refusal?.level).toBe('error');
      expect((refusal?.extra[0] as { problem: string }).problem).toContain(problem);
    },
  );

  it("moves no task for another account's stack whose resource CloudFormation does not report in progress", async () => {
    stubStackResource(aws, 'UPDATE_COMPLETE');
    const remove = withProperties(fromAccount(fixtures.delete(), OTHER_ACCOUNT), { StackStatusRoleArn: OTHER_ROLE });
    const update = withProperties(fromAccount(fixtures.update(), OTHER_ACCOUNT), {
      StackStatusRoleArn: OTHER_ROLE,
      IfRunning: 'Stop',
    });
    resourceTaskRuns(remove);

    for (const event of [remove, update]) {
      const { puts } = await invoke(throughTopic(event, OTHER_ACCOUNT), { allowedAccountIds: OTHER_ACCOUNT });
      expect(puts).toHaveLength(0);
    }
    expect(aws.sts).toHaveReceivedCommandWith(AssumeRoleCommand, { RoleArn: OTHER_ROLE });
    expect(aws.ecs).not.toHaveReceivedCommand(StopTaskCommand);
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
  });

  it("stops the resource's task on a Delete of another account's stack that CloudFormation reports DELETE_IN_PROGRESS", async () => {
    stubStackResource(aws, 'DELETE_IN_PROGRESS');
    const event = withProperties(fromAccount(fixtures.delete(), OTHER_ACCOUNT), { StackStatusRoleArn: OTHER_ROLE });
    resourceTaskRuns(event);
    const { response } = await invoke(throughTopic(event, OTHER_ACCOUNT), { allowedAccountIds: OTHER_ACCOUNT });

    expect(aws.ecs).toHaveReceivedCommandWith(StopTaskCommand, { task: TASK_ARN });
    expect(response?.Status).toBe('SUCCESS');
  });

  it("runs the rollback's Update: the resource UPDATE_IN_PROGRESS, the stack UPDATE_ROLLBACK_IN_PROGRESS", async () => {
    stubStackResource(aws, 'UPDATE_IN_PROGRESS');
    stubStackStatuses(aws, 'UPDATE_ROLLBACK_IN_PROGRESS');
    const event = withProperties(fixtures.update(), { RunOnRollback: 'true' });
    const { response } = await invoke(throughTopic(event));

    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
    expect(response?.Status).toBe('SUCCESS');
  });

  it('retries a throttled DescribeStackResource, then runs', async () => {
    stubStackResource(aws, 'CREATE_IN_PROGRESS', 'Custom::ECSTaskRunner', [
      awsError('Throttling', 'Rate exceeded'),
      awsError('InternalFailure', 'We encountered an internal error', 500),
    ]);
    const { response, log } = await invoke(throughTopic(fixtures.create()));

    expect(aws.cloudFormation).toHaveReceivedCommandTimes(DescribeStackResourceCommand, 3);
    expect(log.entries.filter((entry) => entry.message === 'DescribeStackResource failed; retrying')).toHaveLength(2);
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
    expect(response?.Status).toBe('SUCCESS');
  });

  it('starts nothing and answers nothing when DescribeStackResource stays throttled', async () => {
    aws.cloudFormation.on(DescribeStackResourceCommand).rejects(awsError('Throttling', 'Rate exceeded'));
    const { puts, log } = await invoke(throughTopic(fixtures.create()));

    expect(aws.cloudFormation.commandCalls(DescribeStackResourceCommand).length).toBeGreaterThan(2);
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(puts).toHaveLength(0);
    expect(log.entries.find((entry) => entry.message === UNCONFIRMED)?.extra[0]).toMatchObject({
      problem: expect.stringMatching(/^DescribeStackResource did not answer: Throttling: Rate exceeded/) as unknown,
    });
  });

  it('serves its own account as before when DescribeStackResource is denied (a role without the permission)', async () => {
    aws.cloudFormation
      .on(DescribeStackResourceCommand)
      .rejects(awsError('AccessDenied', 'User is not authorized to perform: cloudformation:DescribeStackResource'));
    const { response, log } = await invoke(throughTopic(fixtures.create()));

    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
    expect(response?.Status).toBe('SUCCESS');
    expect(log.entries.find((entry) => entry.message.startsWith('The request could not be confirmed'))?.level).toBe(
      'warn',
    );
  });

  it('does not confirm a request invoked directly (ServiceToken the function): CloudFormation or a trusted invoker', async () => {
    stubStackResource(aws, 'CREATE_COMPLETE');
    const { response } = await invoke(fixtures.create());

    expect(aws.cloudFormation).not.toHaveReceivedCommand(DescribeStackResourceCommand);
    expect(response?.Status).toBe('SUCCESS');
  });
});

describe('an Organization (ORGANIZATION_ID)', () => {
  it('refuses an account of the Organization without a stack-status role, naming StackStatusRoleName', async () => {
    const { response } = await invoke(throughTopic(fixtures.create(), OTHER_ACCOUNT), {
      organizationId: ORGANIZATION,
    });

    expect(aws.cloudFormation).not.toHaveReceivedCommand(DescribeStackResourceCommand);
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toBe(
      `Not started: this runner serves the accounts of its Organization only once CloudFormation confirms the request, and it could not read the stack in account ${OTHER_ACCOUNT}: the stack is in account ${OTHER_ACCOUNT}, and DescribeStacks sees only the runner's own account 123456789012. Its owner can set StackStatusRoleName (STACK_STATUS_ROLE_NAME) in the runner template and deploy that role in every account (infra/stack-status-role.yml as a StackSet), allowed cloudformation:DescribeStackResource.`,
    );
  });

  it('serves an account of the Organization once the role STACK_STATUS_ROLE_NAME names there confirms the request', async () => {
    stubStackResource(aws, 'UPDATE_IN_PROGRESS');
    const { response } = await invoke(throughTopic(fixtures.update(), OTHER_ACCOUNT), {
      organizationId: ORGANIZATION,
      stackStatusRoleName: ROLE_NAME,
    });

    // The same role confirms the request and reads the stack's status to tell an update from a rollback.
    const roles = aws.sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input.RoleArn);
    expect(roles.length).toBeGreaterThanOrEqual(2);
    expect(new Set(roles)).toEqual(new Set([OTHER_ROLE]));
    expect(aws.cloudFormation).toHaveReceivedCommand(DescribeStacksCommand);
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
    expect(response?.Status).toBe('SUCCESS');
  });

  it('moves no task and answers nothing when the role reads the resource as not in progress', async () => {
    stubStackResource(aws, 'DELETE_COMPLETE');
    const event = fromAccount(fixtures.delete(), OTHER_ACCOUNT);
    resourceTaskRuns(event);
    const { puts } = await invoke(throughTopic(event, OTHER_ACCOUNT), {
      organizationId: ORGANIZATION,
      stackStatusRoleName: ROLE_NAME,
    });

    expect(aws.ecs).not.toHaveReceivedCommand(StopTaskCommand);
    expect(puts).toHaveLength(0);
  });

  it('refuses with a Reason when the role cannot read the stack (denied)', async () => {
    aws.cloudFormation
      .on(DescribeStackResourceCommand)
      .rejects(awsError('AccessDenied', 'User is not authorized to perform: cloudformation:DescribeStackResource'));
    const { response } = await invoke(throughTopic(fixtures.create(), OTHER_ACCOUNT), {
      organizationId: ORGANIZATION,
      stackStatusRoleName: ROLE_NAME,
    });

    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toContain('Its owner can set StackStatusRoleName (STACK_STATUS_ROLE_NAME)');
  });

  it('refuses an account of the Organization invoking the function directly: it may only publish to the topic', async () => {
    const event = fixtures.create();
    event.StackId = event.StackId.replace('123456789012', OTHER_ACCOUNT);
    event.ResponseURL = event.ResponseURL.replace('123456789012', OTHER_ACCOUNT);
    const { response } = await invoke(event, { organizationId: ORGANIZATION, stackStatusRoleName: ROLE_NAME });

    expect(aws.sts).not.toHaveReceivedCommand(AssumeRoleCommand);
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toContain(`this runner does not serve stacks of account ${OTHER_ACCOUNT}`);
  });

  it('still serves the listed accounts without a role, as before', async () => {
    const event = withProperties(fixtures.create(), { RunOnRollback: 'true' });
    const { response } = await invoke(throughTopic(event, OTHER_ACCOUNT), {
      organizationId: ORGANIZATION,
      allowedAccountIds: OTHER_ACCOUNT,
    });

    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
    expect(response?.Status).toBe('SUCCESS');
  });
});
