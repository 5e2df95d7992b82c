import { DescribeStacksCommand, type StackStatus } from '@aws-sdk/client-cloudformation';
import { DescribeTaskDefinitionCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { ROLE_SESSION_NAME } from '../../../src/aws/assumed-role';
import { snsNotification } from '../../../scripts/local/sns-notification';
import { mockedAws, stubHappyPath, stubStackResource, stubStackStatuses } from '../../support/aws-mocks';
import { fixtures, withProperties } from '../../support/fixtures';
import { invokeWith } from '../../support/invoke';

const aws = mockedAws();
const invoke = invokeWith(aws.ports);
const OTHER_ACCOUNT = '210987654321';
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:ecs-task-runner-requests';
const STATUS_ROLE = `arn:aws:iam::${OTHER_ACCOUNT}:role/ecs-task-runner-stack-status`;

beforeEach(() => stubHappyPath(aws));

function stackIs(status: StackStatus) {
  stubStackStatuses(aws, status);
}

function awsError(name: string, message: string, httpStatusCode = 400): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode } });
}

/** An Update (or Delete) from a stack in another account, delivered through the runner's SNS topic. */
function throughTopicFromOtherAccount(event: { StackId: string; ResponseURL: string; ServiceToken: string }): unknown {
  event.StackId = event.StackId.replace('123456789012', OTHER_ACCOUNT);
  event.ResponseURL = event.ResponseURL.replace('123456789012', OTHER_ACCOUNT);
  event.ServiceToken = TOPIC;
  return snsNotification(event, TOPIC);
}

/**
 * A Delete with OnDelete of a resource the runner keeps nothing of, under an ID this runner never answers (an earlier
 * runner's): only the stack's status can tell whether its Create succeeded (requests/teardown.ts).
 */
function deleteWithTeardown() {
  const event = withProperties(fixtures.delete(), {
    OnDelete: { TaskDefinition: 'todobackend-teardown' },
  });
  event.PhysicalResourceId = 'todobackend-MigrateTask-1A2B3C4D5E6F7';
  return event;
}

describe('an Update with RunOnRollback false, when the stack status cannot be read', () => {
  it('is answered FAILED for a stack in another account without StackStatusRoleArn, before DescribeStacks', async () => {
    const { response } = await invoke(throughTopicFromOtherAccount(fixtures.update()), {
      allowedAccountIds: OTHER_ACCOUNT,
    });

    expect(aws.cloudFormation).not.toHaveReceivedCommand(DescribeStacksCommand);
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toBe(
      `Not started: RunOnRollback is false, so the runner must tell an update from the rollback of a failed one, and it could not read the status of stack todobackend: the stack is in account ${OTHER_ACCOUNT}, and DescribeStacks sees only the runner's own account 123456789012. Give StackStatusRoleArn: a role in account ${OTHER_ACCOUNT} that the runner's role may assume, allowed cloudformation:DescribeStacks (infra/stack-status-role.yml creates one). Or set RunOnRollback to true to run on every update, rollbacks included.`,
    );
  });

  it.each([
    [
      'denied',
      awsError('AccessDenied', 'User is not authorized to perform: cloudformation:DescribeStacks'),
      'DescribeStacks was denied',
    ],
    [
      'not found',
      awsError('ValidationError', 'Stack with id todobackend does not exist'),
      'DescribeStacks does not know the stack',
    ],
    [
      'refused otherwise',
      awsError('InvalidClientTokenId', 'The security token included in the request is invalid', 403),
      'DescribeStacks failed: InvalidClientTokenId',
    ],
  ])('is answered FAILED in its own account when DescribeStacks is %s', async (_what, error, words) => {
    aws.cloudFormation.on(DescribeStacksCommand).rejects(error);
    const { response } = await invoke(fixtures.update());

    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toContain(words);
  });

  it('is answered FAILED when DescribeStacks returns no stack', async () => {
    aws.cloudFormation.on(DescribeStacksCommand).resolves({ Stacks: [] });
    const { response } = await invoke(fixtures.update());

    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toContain('DescribeStacks does not know the stack');
  });

  it('still runs with RunOnRollback true, asking nothing', async () => {
    const { response } = await invoke(
      throughTopicFromOtherAccount(withProperties(fixtures.update(), { RunOnRollback: 'true' })),
      { allowedAccountIds: OTHER_ACCOUNT },
    );

    expect(aws.cloudFormation).not.toHaveReceivedCommand(DescribeStacksCommand);
    expect(aws.ecs).toHaveReceivedCommand(RunTaskCommand);
    expect(response?.Status).toBe('SUCCESS');
  });
});

describe('StackStatusRoleArn', () => {
  it('reads a stack in another account with the role it names, and runs a forward update', async () => {
    stackIs('UPDATE_IN_PROGRESS');
    const event = withProperties(fixtures.update(), { StackStatusRoleArn: STATUS_ROLE });
    const { response } = await invoke(throughTopicFromOtherAccount(event), { allowedAccountIds: OTHER_ACCOUNT });

    expect(aws.sts).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: STATUS_ROLE,
      RoleSessionName: ROLE_SESSION_NAME,
    });
    expect(aws.cloudFormation).toHaveReceivedCommandWith(DescribeStacksCommand, {
      StackName: event.StackId,
    });
    const client = aws.cloudFormation.call(0).thisValue as { config: { credentials: () => Promise<unknown> } };
    await expect(client.config.credentials()).resolves.toMatchObject({ accessKeyId: 'ASIAEXAMPLESTACKSTATUS' });
    expect(aws.ecs).toHaveReceivedCommand(RunTaskCommand);
    expect(response?.Status).toBe('SUCCESS');
  });

  it('recognises the rollback of an update in another account, and runs nothing', async () => {
    stackIs('UPDATE_ROLLBACK_IN_PROGRESS');
    const event = withProperties(fixtures.updateRollback(), { StackStatusRoleArn: STATUS_ROLE });
    const { response } = await invoke(throughTopicFromOtherAccount(event), { allowedAccountIds: OTHER_ACCOUNT });

    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(response?.Status).toBe('SUCCESS');
    expect(response?.Reason).toContain('rolling back an update');
  });

  it('answers FAILED, saying what the role needs, when it cannot be assumed', async () => {
    aws.sts
      .on(AssumeRoleCommand)
      .rejects(
        awsError('AccessDenied', `User is not authorized to perform: sts:AssumeRole on resource: ${STATUS_ROLE}`, 403),
      );
    const event = withProperties(fixtures.update(), { StackStatusRoleArn: STATUS_ROLE });
    const { response } = await invoke(throughTopicFromOtherAccount(event), { allowedAccountIds: OTHER_ACCOUNT });

    expect(aws.cloudFormation).not.toHaveReceivedCommand(DescribeStacksCommand);
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toContain(
      `could not assume StackStatusRoleArn ${STATUS_ROLE} (sts:AssumeRole): AccessDenied`,
    );
    expect(response?.Reason).toContain("The role must trust the runner's role");
  });

  it('assumes the role again while a new grant to assume it applies, naming AssumeRole in the log', async () => {
    stackIs('UPDATE_IN_PROGRESS');
    stubStackResource(aws, 'UPDATE_IN_PROGRESS');
    const credentials = {
      Credentials: {
        AccessKeyId: 'ASIAEXAMPLESTACKSTATUS',
        SecretAccessKey: 'stack-status-secret',
        SessionToken: 'stack-status-session',
        Expiration: new Date(Date.UTC(2026, 10, 25, 13, 0, 0)),
      },
    };
    // The first AssumeRole confirms the request through the topic; IAM, eventually consistent, still refuses the next.
    aws.sts
      .on(AssumeRoleCommand)
      .resolvesOnce(credentials)
      .rejectsOnce(
        awsError('AccessDenied', `User is not authorized to perform: sts:AssumeRole on resource: ${STATUS_ROLE}`, 403),
      )
      .resolves(credentials);
    const event = withProperties(fixtures.update(), { StackStatusRoleArn: STATUS_ROLE });
    const { response, log } = await invoke(throughTopicFromOtherAccount(event), { allowedAccountIds: OTHER_ACCOUNT });

    expect(log.entries.find((entry) => entry.message.startsWith('Access denied'))?.extra[0]).toMatchObject({
      call: 'AssumeRole',
      error: 'AccessDenied',
    });
    expect(aws.ecs).toHaveReceivedCommand(RunTaskCommand);
    expect(response?.Status).toBe('SUCCESS');
  });

  it("answers FAILED without calling STS when the role is not of the stack's account", async () => {
    const event = withProperties(fixtures.update(), {
      StackStatusRoleArn: 'arn:aws:iam::111111111111:role/ecs-task-runner-stack-status',
    });
    const { response } = await invoke(throughTopicFromOtherAccount(event), { allowedAccountIds: OTHER_ACCOUNT });

    expect(aws.sts).not.toHaveReceivedCommand(AssumeRoleCommand);
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toContain(`is not a role of the stack's account ${OTHER_ACCOUNT}`);
  });

  it('is checked as an IAM role ARN', async () => {
    const { response } = await invoke(withProperties(fixtures.create(), { StackStatusRoleArn: 'stack-status' }));

    expect(aws.ecs).not.toHaveReceivedCommand(DescribeTaskDefinitionCommand);
    expect(response?.Reason).toContain('StackStatusRoleArn');
    expect(response?.Reason).toContain('is not an IAM role ARN');
  });
});

describe('throttling and transient errors of DescribeStacks', () => {
  it('are retried with backoff, and the answer follows the status read in the end', async () => {
    aws.cloudFormation
      .on(DescribeStacksCommand)
      .rejectsOnce(awsError('Throttling', 'Rate exceeded'))
      .rejectsOnce(awsError('InternalFailure', 'We encountered an internal error', 500))
      .resolves({
        Stacks: [{ StackName: 'todobackend', StackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS', CreationTime: new Date() }],
      });
    const { response, clock } = await invoke(fixtures.updateRollback());

    expect(aws.cloudFormation).toHaveReceivedCommandTimes(DescribeStacksCommand, 3);
    expect(clock.sleeps.slice(0, 2)).toEqual([1000, 2000]);
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(response?.Status).toBe('SUCCESS');
  });

  it('end in FAILED, never in "no rollback", when they last until the time to read runs out', async () => {
    aws.cloudFormation.on(DescribeStacksCommand).rejects(awsError('Throttling', 'Rate exceeded'));
    const event = withProperties(fixtures.update(), { Timeout: '120' });
    const { response } = await invoke(event);

    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toMatch(
      /DescribeStacks kept failing \(\d+ attempts, the last: Throttling: Rate exceeded\)/,
    );
  });
});

describe("the OnDelete teardown's rollback check", () => {
  it('runs no teardown when the stack status cannot be read, and says why in a SUCCESS', async () => {
    aws.cloudFormation.on(DescribeStacksCommand).rejects(awsError('AccessDenied', 'not authorized'));
    const { response } = await invoke(deleteWithTeardown());

    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(response?.Status).toBe('SUCCESS');
    expect(response?.Reason).toContain(
      'No teardown task: the runner could not read the status of stack todobackend, so it cannot tell a deletion from the rollback of a failed creation',
    );
  });

  it('runs no teardown for a stack in another account without StackStatusRoleArn', async () => {
    const { response } = await invoke(throughTopicFromOtherAccount(deleteWithTeardown()), {
      allowedAccountIds: OTHER_ACCOUNT,
    });

    expect(aws.cloudFormation).not.toHaveReceivedCommand(DescribeStacksCommand);
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(response?.Status).toBe('SUCCESS');
    expect(response?.Reason).toContain('Give StackStatusRoleArn');
  });

  it('reads a stack in another account with StackStatusRoleArn, and skips the teardown of a failed creation', async () => {
    stackIs('ROLLBACK_IN_PROGRESS');
    const event = withProperties(deleteWithTeardown(), { StackStatusRoleArn: STATUS_ROLE });
    const { response } = await invoke(throughTopicFromOtherAccount(event), { allowedAccountIds: OTHER_ACCOUNT });

    expect(aws.sts).toHaveReceivedCommand(AssumeRoleCommand);
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(response?.Reason).toContain('the stack is rolling back its creation');
  });
});
