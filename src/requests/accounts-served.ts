import type { Answer } from '../response/answer';
import { arnFields } from '../shared/arns';
import { unservedAccount } from '../answers/wording';

/** The environment variable that lists the accounts, besides its own, whose stacks the runner serves. */
export const ALLOWED_ACCOUNTS_VARIABLE = 'ALLOWED_ACCOUNT_IDS';

const ACCOUNT_ID = /^\d{12}$/;

/** The environment variable that names the runner's Organization (`o-…`), whose accounts may publish to its topic. */
export const ORGANIZATION_VARIABLE = 'ORGANIZATION_ID';

/** The environment variable that names the stack-status role, the same name in every account. */
export const STACK_STATUS_ROLE_NAME_VARIABLE = 'STACK_STATUS_ROLE_NAME';

/**
 * Whose stacks the runner serves: its own account's, and those of ALLOWED_ACCOUNT_IDS; with ORGANIZATION_ID, also
 * those of any account of the Organization, once CloudFormation has confirmed the request (confirm-request.ts).
 */
export interface AccountsServed {
  own: string | undefined;
  others: readonly string[];
  /** ORGANIZATION_ID: the Organization whose accounts may publish to the runner's topic. */
  organizationId?: string;
  /** Entries of ALLOWED_ACCOUNT_IDS that are not 12-digit account IDs: ignored, and worth a warning. */
  ignored: readonly string[];
}

/**
 * The accounts served by a function with ARN `functionArn` (`arn:aws:lambda:REGION:ACCOUNT:function:NAME`)
 * and ALLOWED_ACCOUNT_IDS `setting` (comma-separated; blank or unset: none but its own).
 */
export function accountsServed(
  functionArn: string,
  setting: string | undefined,
  organizationId?: string,
): AccountsServed {
  const entries = (setting ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  return {
    own: arnFields(functionArn)?.account,
    others: entries.filter((entry) => ACCOUNT_ID.test(entry)),
    ignored: entries.filter((entry) => !ACCOUNT_ID.test(entry)),
    ...(organizationId ? { organizationId } : {}),
  };
}

/**
 * Served (the runner's own account or a listed one); served only once confirmed (`organization`: an account that
 * only ORGANIZATION_ID lets in, whose membership the runner cannot see — CloudFormation's word, read with the
 * stack-status role there, decides); or refused, naming the stack's account when its StackId shows one.
 */
export type AccountCheck =
  | { kind: 'served'; account: string }
  | { kind: 'organization'; account: string }
  | { kind: 'refused'; account: string | undefined };

/** Whether the stack `stackId` names (`arn:aws:cloudformation:REGION:ACCOUNT:stack/NAME/ID`) is one the runner serves. */
export function checkStackAccount(stackId: string, served: AccountsServed): AccountCheck {
  const account = arnFields(stackId)?.account;
  if (account !== undefined && (account === served.own || served.others.includes(account)))
    return { kind: 'served', account };
  if (account !== undefined && served.organizationId !== undefined && ACCOUNT_ID.test(account))
    return { kind: 'organization', account };
  return { kind: 'refused', account: account !== undefined && ACCOUNT_ID.test(account) ? account : undefined };
}

/**
 * The answer to a request from a stack the runner does not serve: nothing runs. Create and Update fail; a Delete
 * succeeds (nothing of the runner's is there to clean up), so that the requester's stack is not stuck deleting.
 */
export function answerToUnservedAccount(
  requestType: 'Create' | 'Update' | 'Delete',
  refusal: Extract<AccountCheck, { kind: 'refused' }>,
): Answer {
  const reason = unservedAccount(requestType, refusal.account, ALLOWED_ACCOUNTS_VARIABLE);
  return { status: requestType === 'Delete' ? 'SUCCESS' : 'FAILED', reason, cause: 'refused' };
}
