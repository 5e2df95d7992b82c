import { RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import type { HandlerLogRecord } from '../../scripts/local/handler-invoker';
import { loggedAnswer } from '../../scripts/local/logged-answer';
import { snsNotification } from '../../scripts/local/sns-notification';
import { mockedAws, stubHappyPath } from '../support/aws-mocks';
import { fixtures } from '../support/fixtures';
import { invokeWith } from '../support/invoke';

const aws = mockedAws();
const invoke = invokeWith(aws.ports);
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:ecs-task-runner-requests';
const OTHER_ACCOUNT = '210987654321';

beforeEach(() => stubHappyPath(aws));

/** A fixture as a stack in `account` sends it (StackId and ResponseURL key name that account's stack). */
function fromAccount<E extends { StackId: string; ResponseURL: string }>(event: E, account: string): E {
  event.StackId = event.StackId.replace('123456789012', account);
  event.ResponseURL = event.ResponseURL.replace('123456789012', account);
  return event;
}

function awsCalls(): number {
  return [aws.ecs, aws.ec2, aws.lambda, aws.cloudFormation, aws.logs].reduce(
    (count, mock) => count + mock.calls().length,
    0,
  );
}

describe('a ResponseURL other than CloudFormation’s response bucket', () => {
  it.each([
    ["the sender's own presigned S3 bucket", 'https://attackers-bucket.s3.amazonaws.com/loot?X-Amz-Signature=abc'],
    [
      'a path-style URL of another bucket',
      'https://s3.us-east-1.amazonaws.com/attackers-bucket/loot?X-Amz-Signature=abc',
    ],
    ['an API Gateway endpoint', 'https://abc123.execute-api.us-east-1.amazonaws.com/prod/loot?X-Amz-Signature=abc'],
  ])('is refused before any AWS call: %s', async (_what, responseUrl) => {
    const event = fixtures.create();
    event.ResponseURL = responseUrl;
    const { puts, log } = await invoke(event);

    expect(awsCalls()).toBe(0);
    expect(puts).toHaveLength(0);
    expect(log.entries).toHaveLength(1);
    expect(log.entries[0]?.level).toBe('error');
    expect(log.text()).toContain(`${new URL(responseUrl).hostname} is not CloudFormation's response bucket`);
    expect(log.text()).not.toContain('X-Amz-Signature');
    // `npm run invoke` tells the refusal from this log record (its message and problem), as Powertools prints it.
    const records: HandlerLogRecord[] = log.entries.map((entry) => ({
      level: entry.level,
      message: entry.message,
      ...(entry.extra[0] as Record<string, unknown>),
    }));
    expect(loggedAnswer(records, responseUrl).text).toBe(
      `✗ The handler refused the ResponseURL (${new URL(responseUrl).origin}): ${String(records[0]?.problem)}. It did` +
        ' not answer; CloudFormation would wait until ServiceTimeout (default 1 hour).',
    );
    expect(records[0]?.message).toBe('Refused the ResponseURL: nothing was started, and nothing will be sent to it');
    expect(records[0]?.host).toBe(new URL(responseUrl).hostname);
  });

  it('is answered in a partition the runner cannot derive once RESPONSE_URL_EXTRA_ENDPOINTS names its endpoint and bucket', async () => {
    const functionArn = 'arn:aws-future:lambda:fu-north-1:123456789012:function:runner';
    const bucket = 'cloudformation-custom-resource-response-funorth1';
    const event = fixtures.create();
    event.ResponseURL = `https://${bucket}.s3.fu-north-1.example.cloud/key?X-Amz-Signature=abc`;

    const refused = await invoke(event, { functionArn });
    expect(refused.puts).toHaveLength(0);
    expect(refused.log.entries[0]?.extra[0]).toMatchObject({ host: `${bucket}.s3.fu-north-1.example.cloud` });
    expect(String((refused.log.entries[0]?.extra[0] as { problem?: unknown }).problem)).toContain(
      'add one with RESPONSE_URL_EXTRA_ENDPOINTS',
    );

    const answered = await invoke(event, {
      functionArn,
      extraResponseEndpoints: `s3.fu-north-1.example.cloud, s3.fu-north-1.example.cloud/${bucket}`,
    });
    expect(answered.puts.map((put) => put.url.href)).toEqual([event.ResponseURL]);
    expect(answered.response?.Status).toBe('SUCCESS');
    const warning = answered.log.entries.find((entry) => entry.message.startsWith('RESPONSE_URL_EXTRA_ENDPOINTS'));
    expect(warning?.level).toBe('warn');
    expect(warning?.extra[0]).toEqual({ ignored: ['s3.fu-north-1.example.cloud'] });
  });

  it('is refused the same way when it comes through the SNS topic, Overrides and all', async () => {
    const event = fixtures.create();
    event.ServiceToken = TOPIC;
    event.ResponseURL = 'https://attackers-bucket.s3.amazonaws.com/loot?X-Amz-Signature=abc';
    event.ResourceProperties.Overrides = { ContainerOverrides: [{ Name: 'migrate', Command: ['sh', '-c', 'env'] }] };
    const { puts, log } = await invoke(snsNotification(event, TOPIC));

    expect(awsCalls()).toBe(0);
    expect(puts).toHaveLength(0);
    expect(log.text()).toContain("attackers-bucket.s3.amazonaws.com is not CloudFormation's response bucket");
  });

  it('is never a hand-off when it comes through the SNS topic: only the runner itself hands off', async () => {
    const continuation = fixtures.continuation();
    const { puts, log } = await invoke(snsNotification(continuation, TOPIC));

    expect(awsCalls()).toBe(0);
    expect(puts).toHaveLength(0);
    expect(log.text()).toContain('Not a CloudFormation custom resource request');
  });

  it('is refused in a hand-off event too, which is never resumed', async () => {
    const continuation = fixtures.continuation();
    continuation.request.ResponseURL = 'https://attackers-bucket.s3.amazonaws.com/loot';
    const { puts } = await invoke(continuation);

    expect(awsCalls()).toBe(0);
    expect(puts).toHaveLength(0);
  });
});

describe('the accounts served', () => {
  it("refuses a Create from another account's stack without calling AWS, answering FAILED", async () => {
    const { puts, response, log } = await invoke(fromAccount(fixtures.create(), OTHER_ACCOUNT));

    expect(awsCalls()).toBe(0);
    expect(puts).toHaveLength(1);
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toBe(
      `Not started: this runner does not serve stacks of account ${OTHER_ACCOUNT}. Its owner can add the account to the runner's ALLOWED_ACCOUNT_IDS (TopicAccountIds in the runner template), or deploy a runner in that account.`,
    );
    expect(log.entries).toContainEqual({
      level: 'error',
      message: "Refused the request: the stack's account is not one this runner serves",
      extra: [{ stackId: fromAccount(fixtures.create(), OTHER_ACCOUNT).StackId }],
    });
  });

  it('refuses an Update the same way', async () => {
    const { response } = await invoke(fromAccount(fixtures.update(), OTHER_ACCOUNT));

    expect(awsCalls()).toBe(0);
    expect(response?.Status).toBe('FAILED');
  });

  it('answers a Delete from another account SUCCESS without stopping anything, so its stack is not stuck', async () => {
    const { response } = await invoke(fromAccount(fixtures.delete(), OTHER_ACCOUNT));

    expect(awsCalls()).toBe(0);
    expect(aws.ecs).not.toHaveReceivedCommand(StopTaskCommand);
    expect(response?.Status).toBe('SUCCESS');
    expect(response?.Reason).toContain(
      `Nothing was done: this runner does not serve stacks of account ${OTHER_ACCOUNT}`,
    );
  });

  it('serves the accounts of ALLOWED_ACCOUNT_IDS, through the SNS topic', async () => {
    const event = fromAccount(fixtures.create(), OTHER_ACCOUNT);
    event.ServiceToken = TOPIC;
    // Without StackStatusRoleArn the runner cannot read that stack's status: it runs only with RunOnRollback true.
    event.ResourceProperties.RunOnRollback = 'true';
    const { response } = await invoke(snsNotification(event, TOPIC), {
      allowedAccountIds: ` 111111111111 , ${OTHER_ACCOUNT}`,
    });

    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
    expect(response?.Status).toBe('SUCCESS');
  });

  it('refuses through the SNS topic an account that is not listed, before any AWS call', async () => {
    const event = fromAccount(fixtures.create(), OTHER_ACCOUNT);
    event.ServiceToken = TOPIC;
    const { response } = await invoke(snsNotification(event, TOPIC), {
      allowedAccountIds: '111111111111',
    });

    expect(awsCalls()).toBe(0);
    expect(response?.Status).toBe('FAILED');
  });

  it("serves the function's own account without ALLOWED_ACCOUNT_IDS, and only it", async () => {
    const ownAccount = await invoke(fixtures.create());
    expect(ownAccount.response?.Status).toBe('SUCCESS');
    expect(ownAccount.log.text()).not.toContain('ALLOWED_ACCOUNT_IDS');

    const elsewhere = await invoke(fixtures.create(), {
      functionArn: `arn:aws:lambda:us-east-1:${OTHER_ACCOUNT}:function:runner`,
    });
    expect(elsewhere.response?.Status).toBe('FAILED');
    expect(elsewhere.response?.Reason).toContain('does not serve stacks of account 123456789012');
  });

  it('ignores entries of ALLOWED_ACCOUNT_IDS that are not account IDs, and names them', async () => {
    const notAccounts = [
      '*',
      `arn:aws:iam::${OTHER_ACCOUNT}:root`,
      `arn:aws:iam::${OTHER_ACCOUNT}`,
      `${OTHER_ACCOUNT}0`,
    ];
    const { response, log } = await invoke(fromAccount(fixtures.create(), OTHER_ACCOUNT), {
      allowedAccountIds: ` ${notAccounts.join(' , ')},,111111111111 `,
    });

    expect(awsCalls()).toBe(0);
    expect(response?.Status).toBe('FAILED');
    const warning = log.entries.find((entry) => entry.message.startsWith('ALLOWED_ACCOUNT_IDS has entries'));
    expect(warning?.message).toBe(
      'ALLOWED_ACCOUNT_IDS has entries that are not 12-digit account IDs; they are ignored',
    );
    // Exactly the entries that are not 12 digits, trimmed; the empty entry and the account ID are not among them.
    expect(warning?.extra[0]).toEqual({ ignored: notAccounts });
  });

  it('refuses a stack whose StackId shows no account, saying so rather than naming one', async () => {
    for (const stackId of ['migrate-demo', 'arn:aws:cloudformation:us-east-1:not-an-account:stack/migrate-demo/1']) {
      const event = fixtures.create();
      event.StackId = stackId;
      const { response } = await invoke(event);

      expect(awsCalls()).toBe(0);
      expect(response?.Status).toBe('FAILED');
      expect(response?.Reason).toBe(
        "Not started: this runner does not serve stacks of an account the StackId does not show. Its owner can add the account to the runner's ALLOWED_ACCOUNT_IDS (TopicAccountIds in the runner template), or deploy a runner in that account.",
      );
    }
  });

  it('refuses a hand-off whose request is from an account not served', async () => {
    const continuation = fixtures.continuation();
    fromAccount(continuation.request, OTHER_ACCOUNT);
    const { response } = await invoke(continuation);

    expect(awsCalls()).toBe(0);
    expect(response?.Status).toBe('FAILED');
  });
});

describe('an ECS event, from the task-events rule or anyone allowed to invoke the function', () => {
  it('is never taken for a request: nothing is called, answered or refused, and it is logged at debug only', async () => {
    // A stopped task the runner never started, in an event that also carries a request's fields.
    const event = { ...fixtures.ecsTaskStopping(), ...fixtures.create() };
    Object.assign(event, { source: 'aws.ecs', 'detail-type': 'ECS Task State Change' });
    const { puts, log } = await invoke(event);

    expect(awsCalls()).toBe(0);
    expect(puts).toHaveLength(0);
    expect(log.entries.map((entry) => entry.level)).toEqual(['debug']);
  });

  it('is taken without an error however malformed its detail', async () => {
    const { puts, log } = await invoke({ ...fixtures.ecsTaskStopping(), detail: { taskArn: 42 } });

    expect(awsCalls()).toBe(0);
    expect(puts).toHaveLength(0);
    expect(log.entries).toEqual([
      {
        level: 'debug',
        message: 'ECS event the runner cannot read: nothing to do',
        extra: [{ problem: 'detail.taskArn is not a non-empty string' }],
      },
    ]);
  });
});
