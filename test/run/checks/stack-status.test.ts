import { DescribeStacksCommand, StackStatus } from '@aws-sdk/client-cloudformation';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import type { UnreadableCause } from '../../../src/answers/wording';
import {
  goesAheadUnread,
  readFromStack,
  readStackStatus,
  stackStance,
  stackStatusRole,
  stackStillWaits,
} from '../../../src/run/checks/stack-status';
import type { RunRequest } from '../../../src/run/contract';
import { timeBudget } from '../../../src/runtime/time-budget';
import { mockedAws, stubStackStatuses } from '../../support/aws-mocks';
import { RecordingLog } from '../../support/fakes';
import { fixtures } from '../../support/fixtures';
import { runDeps } from '../../support/run-harness';

const aws = mockedAws();
beforeEach(() => aws.reset());

const STACK_ID = fixtures.create().StackId;
const OTHER_ACCOUNT = '210987654321';
const OTHER_STACK_ID = STACK_ID.replace('123456789012', OTHER_ACCOUNT);
const STATUS_ROLE = `arn:aws:iam::${OTHER_ACCOUNT}:role/ecs-task-runner-stack-status`;
/** The properties a read needs: no StackStatusRoleArn, a Timeout of `timeoutSeconds`. */
const NO_ROLE = { stackStatusRoleArn: undefined, timeoutSeconds: 600, serviceTimeoutSeconds: undefined };

function awsError(name: string, message: string, httpStatusCode = 400): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode } });
}

/** Every status the API names, and whether a Create / an Update / an Update with RunOnRollback may start in it. */
const WAITS: Record<StackStatus, [create: boolean, update: boolean, updateRunOnRollback: boolean]> = {
  CREATE_IN_PROGRESS: [true, true, true],
  UPDATE_IN_PROGRESS: [true, true, true],
  UPDATE_ROLLBACK_IN_PROGRESS: [false, false, true],
  REVIEW_IN_PROGRESS: [true, true, true],
  IMPORT_IN_PROGRESS: [true, true, true],
  ROLLBACK_IN_PROGRESS: [false, false, false],
  IMPORT_ROLLBACK_IN_PROGRESS: [false, false, false],
  DELETE_IN_PROGRESS: [false, false, false],
  UPDATE_COMPLETE_CLEANUP_IN_PROGRESS: [false, false, false],
  UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS: [false, false, false],
  CREATE_COMPLETE: [false, false, false],
  CREATE_FAILED: [false, false, false],
  DELETE_COMPLETE: [false, false, false],
  DELETE_FAILED: [false, false, false],
  IMPORT_COMPLETE: [false, false, false],
  IMPORT_ROLLBACK_COMPLETE: [false, false, false],
  IMPORT_ROLLBACK_FAILED: [false, false, false],
  ROLLBACK_COMPLETE: [false, false, false],
  ROLLBACK_FAILED: [false, false, false],
  UPDATE_COMPLETE: [false, false, false],
  UPDATE_FAILED: [false, false, false],
  UPDATE_ROLLBACK_COMPLETE: [false, false, false],
  UPDATE_ROLLBACK_FAILED: [false, false, false],
};

describe('whether CloudFormation still waits for a Create or Update, by its stack status', () => {
  it('covers every status of the API', () => {
    expect(Object.keys(WAITS).sort()).toEqual(Object.values(StackStatus).sort());
  });

  it.each(Object.entries(WAITS))('%s', (status, [create, update, updateRunOnRollback]) => {
    const waits = (requestType: 'Create' | 'Update', runOnRollback: boolean) =>
      stackStance(requestType, status, runOnRollback).kind === 'waits';
    expect([waits('Create', false), waits('Update', false), waits('Update', true)]).toEqual([
      create,
      update,
      updateRunOnRollback,
    ]);
    // RunOnRollback never changes a Create: a rollback creates nothing.
    expect(waits('Create', true)).toBe(create);
  });

  it('says why in words for the Reason, with the status', () => {
    expect(stackStance('Create', 'UPDATE_ROLLBACK_IN_PROGRESS', true)).toEqual({
      kind: 'moved-on',
      status: 'UPDATE_ROLLBACK_IN_PROGRESS',
      why: 'the update that added this resource failed, and is being rolled back',
    });
    expect(stackStance('Update', 'UPDATE_COMPLETE', false)).toEqual({
      kind: 'moved-on',
      status: 'UPDATE_COMPLETE',
      why: 'the stack operation this request belonged to has ended',
    });
    expect(stackStance('Create', 'IMPORT_ROLLBACK_IN_PROGRESS', false)).toMatchObject({
      why: 'the stack is rolling back an import',
    });
  });

  it('does not take a status it does not know for a cancellation', () => {
    expect(stackStance('Create', 'SOME_NEW_IN_PROGRESS', false)).toEqual({ kind: 'waits' });
  });

  it('tells the rollback of an Update from that of the update that added a Create, in words', () => {
    expect(stackStance('Update', 'UPDATE_ROLLBACK_IN_PROGRESS', false)).toEqual({
      kind: 'moved-on',
      status: 'UPDATE_ROLLBACK_IN_PROGRESS',
      why: 'the update failed and is being rolled back, and RunOnRollback is false',
    });
    expect(stackStance('Create', 'UPDATE_ROLLBACK_IN_PROGRESS', false)).toMatchObject({
      why: 'the update that added this resource failed, and is being rolled back',
    });
  });
});

describe('the role that reads the stack', () => {
  const deps = (stackStatusRoleName?: string) => ({ ...runDeps(aws).deps, stackStatusRoleName });

  it.each([
    ['the StackStatusRoleArn given, before anything else', STACK_ID, STATUS_ROLE, 'stack-status', STATUS_ROLE],
    [
      "STACK_STATUS_ROLE_NAME in the stack's account, for another account",
      OTHER_STACK_ID,
      undefined,
      'stack-status',
      `arn:aws:iam::${OTHER_ACCOUNT}:role/stack-status`,
    ],
    [
      "STACK_STATUS_ROLE_NAME in the stack's partition",
      OTHER_STACK_ID.replace('arn:aws:', 'arn:aws-cn:'),
      undefined,
      'stack-status',
      `arn:aws-cn:iam::${OTHER_ACCOUNT}:role/stack-status`,
    ],
    ["the runner's own, for a stack of its account", STACK_ID, undefined, 'stack-status', undefined],
    ["the runner's own, without STACK_STATUS_ROLE_NAME", OTHER_STACK_ID, undefined, undefined, undefined],
    ["the runner's own, for a stack ID that is no ARN", 'todobackend', undefined, 'stack-status', undefined],
  ])('is %s', (_what, stackId, roleArn, roleName, expected) => {
    expect(stackStatusRole(stackId, roleArn, deps(roleName))).toBe(expected);
  });
});

describe('reading the stack status', () => {
  it("asks DescribeStacks with the runner's role for a stack of its account", async () => {
    stubStackStatuses(aws, 'UPDATE_IN_PROGRESS');
    const { deps } = runDeps(aws);

    await expect(readStackStatus(STACK_ID, NO_ROLE, deps)).resolves.toEqual({
      kind: 'read',
      status: 'UPDATE_IN_PROGRESS',
    });
    expect(aws.cloudFormation).toHaveReceivedCommandWith(DescribeStacksCommand, { StackName: STACK_ID });
    expect(aws.sts).not.toHaveReceivedCommand(AssumeRoleCommand);
  });

  it("assumes STACK_STATUS_ROLE_NAME's role for a stack of another account", async () => {
    stubStackStatuses(aws, 'UPDATE_IN_PROGRESS');
    aws.sts.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: 'ASIAEXAMPLE',
        SecretAccessKey: 'secret',
        SessionToken: 'session',
        Expiration: new Date(Date.UTC(2026, 10, 25, 13, 0, 0)),
      },
    });
    const deps = { ...runDeps(aws).deps, stackStatusRoleName: 'ecs-task-runner-stack-status' };

    await expect(readStackStatus(OTHER_STACK_ID, NO_ROLE, deps)).resolves.toEqual({
      kind: 'read',
      status: 'UPDATE_IN_PROGRESS',
    });
    expect(aws.sts).toHaveReceivedCommandWith(AssumeRoleCommand, { RoleArn: STATUS_ROLE });
  });

  it('retries throttling with backoff, saying so in a warning that names the call', async () => {
    aws.cloudFormation
      .on(DescribeStacksCommand)
      .rejectsOnce(awsError('Throttling', 'Rate exceeded'))
      .resolves({
        Stacks: [{ StackName: 'todobackend', StackStatus: 'CREATE_IN_PROGRESS', CreationTime: new Date() }],
      });
    const { deps, log, clock } = runDeps(aws);

    await expect(readStackStatus(STACK_ID, NO_ROLE, deps)).resolves.toEqual({
      kind: 'read',
      status: 'CREATE_IN_PROGRESS',
    });
    expect(clock.sleeps).toEqual([1000]);
    expect(log.entries).toEqual([
      {
        level: 'warn',
        message: 'DescribeStacks failed; retrying',
        extra: [{ attempt: 1, error: 'Throttling', delayMs: 1000 }],
      },
    ]);
  });

  it.each([
    // 1 + 2 + 4 + 8 + 16 + 4 × 20 s of waits fit in 120 s; a fifth 20 s wait would not.
    ['the Timeout', { ...NO_ROLE, timeoutSeconds: 120 }, Infinity, 10, 111_000],
    // 1 + 2 + 4 s fit in 10 s; the 8 s wait would not.
    ['`until`, when sooner than the Timeout', NO_ROLE, 10_000, 4, 7_000],
  ])(
    'gives up on throttling that lasts past %s, counting the attempts',
    async (_what, properties, untilIn, attempts, waitedMs) => {
      aws.cloudFormation.on(DescribeStacksCommand).rejects(awsError('Throttling', 'Rate exceeded'));
      const { deps, clock } = runDeps(aws);
      const start = clock.now();

      await expect(readStackStatus(STACK_ID, properties, deps, start + untilIn)).resolves.toEqual({
        kind: 'unreadable',
        cause: { kind: 'gave-up', error: 'Throttling: Rate exceeded', attempts },
      });
      expect(aws.cloudFormation).toHaveReceivedCommandTimes(DescribeStacksCommand, attempts);
      expect(clock.now() - start).toBe(waitedMs);
    },
  );

  it.each<[string, Error, UnreadableCause]>([
    [
      'a denial',
      awsError('AccessDenied', 'User is not authorized to perform: cloudformation:DescribeStacks', 403),
      {
        kind: 'denied',
        roleArn: undefined,
        error: 'AccessDenied: User is not authorized to perform: cloudformation:DescribeStacks',
      },
    ],
    [
      'a denial with a 5xx status',
      awsError('AccessDenied', 'User is not authorized to perform: cloudformation:DescribeStacks', 503),
      {
        kind: 'denied',
        roleArn: undefined,
        error: 'AccessDenied: User is not authorized to perform: cloudformation:DescribeStacks',
      },
    ],
    [
      'an unknown stack',
      awsError('ValidationError', `Stack with id ${STACK_ID} does not exist`),
      { kind: 'not-found', roleArn: undefined },
    ],
    [
      'an unknown stack with a 5xx status',
      awsError('ValidationError', `Stack with id ${STACK_ID} does not exist`, 503),
      { kind: 'not-found', roleArn: undefined },
    ],
    [
      'any other error',
      awsError('ValidationError', 'StackName is invalid'),
      { kind: 'failed', error: 'ValidationError: StackName is invalid' },
    ],
  ])('takes %s as final, asking once', async (_what, error, cause) => {
    aws.cloudFormation.on(DescribeStacksCommand).rejects(error);
    const { deps, clock } = runDeps(aws);

    await expect(readStackStatus(STACK_ID, NO_ROLE, deps)).resolves.toEqual({ kind: 'unreadable', cause });
    expect(aws.cloudFormation).toHaveReceivedCommandTimes(DescribeStacksCommand, 1);
    expect(clock.sleeps).toEqual([]);
  });

  it('takes no stack in the answer for an unknown stack', async () => {
    aws.cloudFormation.on(DescribeStacksCommand).resolves({ Stacks: [] });
    const { deps } = runDeps(aws);

    await expect(readStackStatus(STACK_ID, NO_ROLE, deps)).resolves.toEqual({
      kind: 'unreadable',
      cause: { kind: 'not-found', roleArn: undefined },
    });
  });

  it.each<[string, string, string | undefined, UnreadableCause]>([
    [
      'a stack of another account without a role',
      OTHER_STACK_ID,
      undefined,
      { kind: 'other-account', stackAccount: OTHER_ACCOUNT, ownAccount: '123456789012' },
    ],
    [
      'a stack ID that is no ARN, without a role',
      'todobackend',
      undefined,
      { kind: 'other-account', stackAccount: 'unknown', ownAccount: '123456789012' },
    ],
    [
      "a role of another account than the stack's",
      OTHER_STACK_ID,
      'arn:aws:iam::111111111111:role/stack-status',
      { kind: 'role-elsewhere', roleArn: 'arn:aws:iam::111111111111:role/stack-status', stackAccount: OTHER_ACCOUNT },
    ],
  ])('does not ask for %s', async (_what, stackId, roleArn, cause) => {
    const { deps } = runDeps(aws);

    await expect(
      readFromStack(stackId, roleArn, 'DescribeStacks', (api) => api.stackStatus(stackId), deps, Infinity),
    ).resolves.toEqual({ kind: 'unreadable', cause });
    expect(aws.sts).not.toHaveReceivedCommand(AssumeRoleCommand);
    expect(aws.cloudFormation).not.toHaveReceivedCommand(DescribeStacksCommand);
  });

  it('says the role was refused when it cannot be assumed', async () => {
    aws.sts.on(AssumeRoleCommand).rejects(awsError('AccessDenied', 'not authorized to perform: sts:AssumeRole', 403));
    const { deps } = runDeps(aws);

    await expect(
      readStackStatus(OTHER_STACK_ID, { ...NO_ROLE, stackStatusRoleArn: STATUS_ROLE }, deps),
    ).resolves.toEqual({
      kind: 'unreadable',
      cause: {
        kind: 'role-refused',
        roleArn: STATUS_ROLE,
        error: 'AccessDenied: not authorized to perform: sts:AssumeRole',
      },
    });
    expect(aws.cloudFormation).not.toHaveReceivedCommand(DescribeStacksCommand);
  });
});

describe('the check before and after a RunTask', () => {
  const request = fixtures.update() as RunRequest;

  it("answers the stance of the request's stack", async () => {
    stubStackStatuses(aws, 'UPDATE_ROLLBACK_IN_PROGRESS');
    const { deps } = runDeps(aws);
    const budget = timeBudget(Infinity, deps);

    await expect(stackStillWaits(request, { ...NO_ROLE, runOnRollback: true }, budget, deps)).resolves.toEqual({
      kind: 'waits',
    });
    await expect(stackStillWaits(request, { ...NO_ROLE, runOnRollback: false }, budget, deps)).resolves.toMatchObject({
      kind: 'moved-on',
      status: 'UPDATE_ROLLBACK_IN_PROGRESS',
    });
  });

  it('keeps asking through throttling for a minute at most', async () => {
    aws.cloudFormation.on(DescribeStacksCommand).rejects(awsError('Throttling', 'Rate exceeded'));
    const { deps, clock } = runDeps(aws);
    const start = clock.now();

    // 1 + 2 + 4 + 8 + 16 + 20 s of waits fit in 60 s; another 20 s would not.
    await expect(
      stackStillWaits(request, { ...NO_ROLE, runOnRollback: false }, timeBudget(Infinity, deps), deps),
    ).resolves.toEqual({
      kind: 'unreadable',
      cause: { kind: 'gave-up', error: 'Throttling: Rate exceeded', attempts: 7 },
    });
    expect(clock.now() - start).toBe(51_000);
  });
});

describe('whether a run goes ahead without knowing its stack status', () => {
  const causes: UnreadableCause[] = [
    { kind: 'other-account', stackAccount: OTHER_ACCOUNT, ownAccount: '123456789012' },
    { kind: 'role-elsewhere', roleArn: STATUS_ROLE, stackAccount: '111111111111' },
    { kind: 'role-refused', roleArn: STATUS_ROLE, error: 'AccessDenied: no' },
    { kind: 'denied', roleArn: undefined, error: 'AccessDenied: no' },
    { kind: 'not-found', roleArn: undefined },
    { kind: 'gave-up', error: 'Throttling: Rate exceeded', attempts: 7 },
    { kind: 'failed', error: 'ValidationError: no' },
  ];
  const FOR_GOOD = ['other-account', 'role-elsewhere', 'role-refused', 'denied', 'not-found'];

  it.each(causes)('before the RunTask of a Create with RunOnRollback false: $kind', (cause) => {
    const log = new RecordingLog();
    const goesAhead = goesAheadUnread('before-run-task', 'Create', { runOnRollback: false }, cause, { log });

    expect(goesAhead).toBe(!FOR_GOOD.includes(cause.kind));
    expect(log.entries).toHaveLength(goesAhead ? 1 : 0);
  });

  it.each([
    ['after the RunTask of a Create', 'after-run-task', 'Create', false],
    ['before the RunTask of a Create with RunOnRollback true', 'before-run-task', 'Create', true],
    ['before the RunTask of an Update', 'before-run-task', 'Update', false],
  ] as const)('always %s', (_what, moment, requestType, runOnRollback) => {
    for (const cause of causes) {
      expect(goesAheadUnread(moment, requestType, { runOnRollback }, cause, { log: new RecordingLog() })).toBe(true);
    }
  });

  it.each(causes)(
    'logs the cause it goes ahead with, a warning unless the stack is of another account: $kind',
    (cause) => {
      const log = new RecordingLog();
      goesAheadUnread('after-run-task', 'Create', { runOnRollback: false }, cause, { log });

      expect(log.entries).toEqual([
        {
          level: cause.kind === 'other-account' ? 'info' : 'warn',
          message:
            "The stack's status could not be read: RunTask goes ahead without knowing if CloudFormation still waits",
          extra: [{ cause }],
        },
      ]);
    },
  );
});
