import { ResponseDeliveryError } from '../shared/errors';
import type { Clock } from '../runtime/clock';
import { ANSWER_PUT_DELAYS_MS, answerPutDelayMs } from '../runtime/delays';
import type { Log } from '../runtime/log';
import { retry } from '../runtime/retry';
import type { HttpPut } from './http-put';
import { byteLength } from './response-budget';
import { type ResponseBody, serializeResponse } from './response-body';
import { redactUrl } from './response-url';

export interface SendResponseDependencies {
  http: HttpPut;
  clock: Clock;
  log: Log;
}

/** An answer of the ResponseURL worth another PUT (5xx, 429), as `retry` sees it: `problem` is what the log says. */
class RetryableAnswer extends Error {
  constructor(readonly problem: string) {
    super(problem);
  }
}

/** What went wrong with a PUT, in the words of the retry log line and the final error. */
function problemOf(error: unknown): string {
  return error instanceof RetryableAnswer ? error.problem : String(error);
}

/**
 * PUTs the response to CloudFormation's presigned S3 URL. The URL was signed without a content type, so the
 * header is sent empty, and content-length is the body's byte length (not its character count). Network errors,
 * 5xx and 429 are retried with backoff (ANSWER_PUT_DELAYS_MS); other answers are final.
 */
export async function sendResponse(url: URL, body: ResponseBody, deps: SendResponseDependencies): Promise<void> {
  const payload = serializeResponse(body);
  const headers = { 'content-type': '', 'content-length': String(byteLength(payload)) };
  const where = redactUrl(url.href);
  const put = async (): Promise<void> => {
    const response = await deps.http(url, payload, headers);
    if (response.statusCode >= 200 && response.statusCode < 300) return;
    const problem = `HTTP ${response.statusCode}`;
    if (response.statusCode < 500 && response.statusCode !== 429)
      throw new ResponseDeliveryError(
        `The ResponseURL refused the response: ${problem} ${response.body.slice(0, 300)}`,
      );
    throw new RetryableAnswer(problem);
  };
  try {
    await retry(
      put,
      {
        retryable: (error) => !(error instanceof ResponseDeliveryError),
        delay: answerPutDelayMs,
        until: { attempts: ANSWER_PUT_DELAYS_MS.length + 1 },
        onRetry: ({ attempt, error }) =>
          deps.log.warn('Retrying the response to CloudFormation', { attempt, problem: problemOf(error), url: where }),
      },
      deps.clock,
    );
  } catch (error) {
    if (error instanceof ResponseDeliveryError) throw error;
    throw new ResponseDeliveryError(
      `Could not deliver the response after ${ANSWER_PUT_DELAYS_MS.length + 1} attempts: ${problemOf(error)}`,
    );
  }
  deps.log.info('Answered CloudFormation', {
    status: body.Status,
    reason: body.Reason,
    physicalResourceId: body.PhysicalResourceId,
    data: body.Data,
    url: where,
  });
}
