import { stackName } from '../shared/arns';
import type { UnreadableCause } from '../run/stack-status-reader';

/** The template users deploy in the stack's account to create a StackStatusRoleArn. */
const ROLE_TEMPLATE = 'infra/stack-status-role.yml';

/** The Reason of an Update that is not run because the runner cannot tell a forward update from a rollback. */
export function cannotTellUpdateRollback(stackId: string, cause: UnreadableCause): string {
  const { what, fix } = explain(cause);
  return (
    `Not started: RunOnRollback is false, so the runner must tell an update from the rollback of a failed one, ` +
    `and it could not read the status of stack ${stackName(stackId) ?? stackId}: ${what}. ${fix}` +
    'Or set RunOnRollback to true to run on every update, rollbacks included.'
  );
}

/** Why a Delete runs no teardown task: the runner cannot tell a deletion from a failed creation's rollback. */
export function cannotTellCreateRollback(stackId: string, cause: UnreadableCause): string {
  const { what, fix } = explain(cause);
  return (
    `No teardown task: the runner could not read the status of stack ${stackName(stackId) ?? stackId}, so it ` +
    `cannot tell a deletion from the rollback of a failed creation (which created nothing to tear down): ${what}. ${fix}`
  ).trim();
}

function explain(cause: UnreadableCause): { what: string; fix: string } {
  switch (cause.kind) {
    case 'other-account':
      return {
        what:
          `the stack is in account ${cause.stackAccount},` +
          ` and DescribeStacks sees only the runner's own account${cause.ownAccount ? ` ${cause.ownAccount}` : ''}`,
        fix:
          `Give StackStatusRoleArn: a role in account ${cause.stackAccount} that the runner's role may assume,` +
          ` allowed cloudformation:DescribeStacks (${ROLE_TEMPLATE} creates one). `,
      };
    case 'role-elsewhere':
      return {
        what:
          `StackStatusRoleArn ${cause.roleArn} is not a role of the stack's account` +
          `${cause.stackAccount ? ` ${cause.stackAccount}` : ''}, so it cannot see the stack either`,
        fix: `Give a role of the stack's account (${ROLE_TEMPLATE} creates one). `,
      };
    case 'role-refused':
      return {
        what: `the runner could not assume StackStatusRoleArn ${cause.roleArn} (sts:AssumeRole): ${cause.error}`,
        fix: "The role must trust the runner's role, and the runner's role must be allowed sts:AssumeRole on it (StackStatusRoleArns in the runner template). ",
      };
    case 'denied':
      return {
        what: `DescribeStacks was denied: ${cause.error}`,
        fix: cause.roleArn
          ? `Allow StackStatusRoleArn ${cause.roleArn} cloudformation:DescribeStacks on the stack. `
          : "Allow the runner's role cloudformation:DescribeStacks on the stack (StackArns in the runner template). ",
      };
    case 'not-found':
      return {
        what: `DescribeStacks does not know the stack${cause.roleArn ? ` as ${cause.roleArn} sees it` : ''}`,
        fix: "The runner reads stacks in its own region, and in another account only through a role of the stack's account. ",
      };
    case 'gave-up':
      return {
        what: `DescribeStacks kept failing (${cause.attempts} attempts, the last: ${cause.error})`,
        fix: 'Try again when CloudFormation answers. ',
      };
    case 'failed':
      return { what: `DescribeStacks failed: ${cause.error}`, fix: '' };
  }
}
