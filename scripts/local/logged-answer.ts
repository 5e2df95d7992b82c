import type { HandlerLogRecord } from './handler-invoker';

/**
 * What became of the answer to a ResponseURL this tool does not receive, as the handler's log tells it: refused
 * (a host RESPONSE_URL_ALLOWED_HOSTS does not allow), PUT and accepted, or failed to PUT.
 */
export function loggedAnswer(logs: HandlerLogRecord[], responseUrl: string): { status?: string; text: string } {
  const origin = originOf(responseUrl);
  const refused = logs.find((record) => record.message.startsWith('Refused the ResponseURL'));
  if (refused) {
    return {
      text: `✗ The handler refused the ResponseURL (${origin}): ${typeof refused.problem === 'string' ? refused.problem : refused.message}. It did not answer; CloudFormation would wait until ServiceTimeout (default 1 hour).`,
    };
  }
  const answered = logs.find((record) => record.message === 'Answered CloudFormation');
  if (answered)
    return {
      status: String(answered.status),
      text: `← ${String(answered.status)}, PUT to ${origin} and accepted there (not read back here: see the handler's log above)`,
    };
  const failed = logs.find((record) => record.message === 'Could not answer CloudFormation');
  if (failed) return { text: `✗ The handler could not PUT its answer to ${origin}: ${String(failed.error)}` };
  return { text: '✗ The handler logged no answer: CloudFormation would wait until ServiceTimeout (default 1 hour).' };
}

/** Scheme, host and port only: the query string of a presigned URL is a credential. */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'a ResponseURL that is not a URL';
  }
}
