import { statusUnread } from '../answers/wording';
import { describeAwsError } from '../diagnostics/failure-reason';
import type { UnreadStatus } from '../tasks/call-backoff';

/** A deadline's Reason, with why the tasks' status could not be read at the end, when it could not. */
export function withUnreadStatus(reason: string, unread: UnreadStatus | undefined, now: number): string {
  if (!unread) return reason;
  return `${reason} ${statusUnread(now - unread.since, describeAwsError('DescribeTasks', unread.error))}`;
}
