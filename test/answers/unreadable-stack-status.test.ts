import { cannotTellCreateRollback, cannotTellUpdateRollback } from '../../src/answers/wording';
import type { UnreadableCause } from '../../src/answers/wording';

const STACK_ID = 'arn:aws:cloudformation:us-east-1:210987654321:stack/todobackend/5b4e2c10-8a1f-11ef-9f3b-0a1b2c3d4e5f';
const ROLE = 'arn:aws:iam::210987654321:role/stack-status-reader';
const ELSEWHERE = 'arn:aws:iam::111111111111:role/stack-status-reader';

/** Each cause, and the "what happened. What to do. " the Reasons quote for it, word for word. */
const CAUSES: [UnreadableCause, string][] = [
  [
    { kind: 'other-account', stackAccount: '210987654321', ownAccount: '123456789012' },
    "the stack is in account 210987654321, and DescribeStacks sees only the runner's own account 123456789012. " +
      "Give StackStatusRoleArn: a role in account 210987654321 that the runner's role may assume, allowed " +
      'cloudformation:DescribeStacks (infra/stack-status-role.yml creates one). ',
  ],
  [
    { kind: 'other-account', stackAccount: '210987654321', ownAccount: undefined },
    "the stack is in account 210987654321, and DescribeStacks sees only the runner's own account. " +
      "Give StackStatusRoleArn: a role in account 210987654321 that the runner's role may assume, allowed " +
      'cloudformation:DescribeStacks (infra/stack-status-role.yml creates one). ',
  ],
  [
    { kind: 'role-elsewhere', roleArn: ELSEWHERE, stackAccount: '210987654321' },
    `StackStatusRoleArn ${ELSEWHERE} is not a role of the stack's account 210987654321, so it cannot see the stack ` +
      "either. Give a role of the stack's account (infra/stack-status-role.yml creates one). ",
  ],
  [
    { kind: 'role-elsewhere', roleArn: ELSEWHERE, stackAccount: undefined },
    `StackStatusRoleArn ${ELSEWHERE} is not a role of the stack's account, so it cannot see the stack either. ` +
      "Give a role of the stack's account (infra/stack-status-role.yml creates one). ",
  ],
  [
    { kind: 'role-refused', roleArn: ROLE, error: 'AccessDenied: not authorized to perform sts:AssumeRole' },
    `the runner could not assume StackStatusRoleArn ${ROLE} (sts:AssumeRole): AccessDenied: not authorized to ` +
      "perform sts:AssumeRole. The role must trust the runner's role, and the runner's role must be allowed " +
      'sts:AssumeRole on it (StackStatusRoleArns in the runner template). ',
  ],
  [
    { kind: 'denied', roleArn: ROLE, error: 'AccessDenied: not authorized' },
    `DescribeStacks was denied: AccessDenied: not authorized. Allow StackStatusRoleArn ${ROLE} ` +
      'cloudformation:DescribeStacks on the stack. ',
  ],
  [
    { kind: 'denied', roleArn: undefined, error: 'AccessDenied: not authorized' },
    "DescribeStacks was denied: AccessDenied: not authorized. Allow the runner's role cloudformation:DescribeStacks " +
      'on the stack (StackArns in the runner template). ',
  ],
  [
    { kind: 'not-found', roleArn: ROLE },
    `DescribeStacks does not know the stack as ${ROLE} sees it. The runner reads stacks in its own region, and in ` +
      "another account only through a role of the stack's account. ",
  ],
  [
    { kind: 'not-found', roleArn: undefined },
    'DescribeStacks does not know the stack. The runner reads stacks in its own region, and in another account ' +
      "only through a role of the stack's account. ",
  ],
  [
    { kind: 'gave-up', error: 'ThrottlingException: Rate exceeded', attempts: 5 },
    'DescribeStacks kept failing (5 attempts, the last: ThrottlingException: Rate exceeded). ' +
      'Try again when CloudFormation answers. ',
  ],
  [{ kind: 'failed', error: 'ValidationError: bad request' }, 'DescribeStacks failed: ValidationError: bad request. '],
];

describe('the Reason when the stack status cannot be read', () => {
  it.each(CAUSES)('of an Update with RunOnRollback false says what happened and what to do (%o)', (cause, told) => {
    expect(cannotTellUpdateRollback(STACK_ID, cause)).toBe(
      'Not started: RunOnRollback is false, so the runner must tell an update from the rollback of a failed one, ' +
        `and it could not read the status of stack todobackend: ${told}` +
        'Or set RunOnRollback to true to run on every update, rollbacks included.',
    );
  });

  it.each(CAUSES)('of a Delete with OnDelete says why no teardown ran, and what to do (%o)', (cause, told) => {
    expect(cannotTellCreateRollback(STACK_ID, cause)).toBe(
      'No teardown task: the runner could not read the status of stack todobackend, so it cannot tell a deletion ' +
        `from the rollback of a failed creation (which created nothing to tear down): ${told.trimEnd()}`,
    );
  });

  it('names the stack by its ID when the ID is not a stack ARN', () => {
    expect(cannotTellCreateRollback('todobackend-local', { kind: 'failed', error: 'boom' })).toBe(
      'No teardown task: the runner could not read the status of stack todobackend-local, so it cannot tell a ' +
        'deletion from the rollback of a failed creation (which created nothing to tear down): DescribeStacks ' +
        'failed: boom.',
    );
  });
});
