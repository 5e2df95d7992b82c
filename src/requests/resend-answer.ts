import type { StateTableApi } from '../aws/ports';
import type { ResponseBody } from '../response/response-body';
import { checkResponseUrl, redactUrl } from '../response/response-url';
import { sendResponse } from '../response/send-response';
import { markAnswered } from '../run/parking/answer-claim';
import type { RunItem } from '../run/parking/run-item';
import { responseUrlExpiry } from '../run/parking/run-item';
import type { Run } from '../run/run-state';
import type { AnswerDeps } from './answer-cloudformation';

/** What resending a claimed answer came to. */
export type Resend = 'sent' | 'expired' | 'refused' | 'failed';

/**
 * Sends again an answer an invocation claimed (its exact body, answer-claim.ts) whose PUT did not complete — the
 * invocation ended, or the PUT failed — while the ResponseURL still takes it (its `X-Amz-Date` plus `X-Amz-Expires`).
 * CloudFormation keeps the first answer a ResponseURL receives, and this is the only body that was ever claimed.
 */
export async function resendClaimedAnswer(
  table: StateTableApi,
  run: Run,
  answer: NonNullable<RunItem['answer']>,
  deps: AnswerDeps,
): Promise<Resend> {
  const { request } = run;
  const now = deps.clock.now();
  if (now >= responseUrlExpiry(request.ResponseURL, now)) return 'expired';
  const checked = checkResponseUrl(request.ResponseURL, {
    allowedHosts: deps.allowedResponseHosts,
    extraEndpoints: deps.extraResponseEndpoints,
    functionArn: deps.invocation.functionArn,
  });
  if (checked.kind === 'refused') return 'refused';
  try {
    await sendResponse(checked.url, JSON.parse(answer.body) as ResponseBody, deps);
  } catch (error) {
    deps.log.error('Sweep: could not send a claimed answer again', {
      error: String(error),
      responseUrl: redactUrl(request.ResponseURL),
    });
    return 'failed';
  }
  await markAnswered(table, request, deps.clock.now());
  return 'sent';
}
