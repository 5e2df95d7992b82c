import { ResponseDeliveryError } from '../shared/errors';
import type { Clock } from '../runtime/clock';
import type { Log } from '../runtime/log';
import type { HttpPut } from './http-put';
import { byteLength } from './response-budget';
import { type ResponseBody, serializeResponse } from './response-body';
import { redactUrl } from './response-url';

export interface SendResponseDependencies {
  http: HttpPut;
  clock: Clock;
  log: Log;
}

/**
 * Time an invocation keeps for answering after work it may cut short (reading the Outputs, a log tail): the PUT,
 * with a retry or two.
 */
export const ANSWER_TIME_MS = 20_000;

/** Waits between attempts; five attempts in about 15 seconds. */
const RETRY_DELAYS_MS = [1000, 2000, 4000, 8000];

/**
 * PUTs the response to CloudFormation's presigned S3 URL. The URL was signed without a content type, so the
 * header is sent empty, and content-length is the body's byte length (not its character count). Network errors,
 * 5xx and 429 are retried with backoff; other answers are final.
 */
export async function sendResponse(url: URL, body: ResponseBody, deps: SendResponseDependencies): Promise<void> {
  const payload = serializeResponse(body);
  const headers = { 'content-type': '', 'content-length': String(byteLength(payload)) };
  const where = redactUrl(url.href);
  for (let attempt = 0; ; attempt++) {
    let problem: string;
    try {
      const response = await deps.http(url, payload, headers);
      if (response.statusCode >= 200 && response.statusCode < 300) {
        deps.log.info('Answered CloudFormation', {
          status: body.Status,
          reason: body.Reason,
          physicalResourceId: body.PhysicalResourceId,
          data: body.Data,
          url: where,
        });
        return;
      }
      problem = `HTTP ${response.statusCode}`;
      if (response.statusCode < 500 && response.statusCode !== 429)
        throw new ResponseDeliveryError(
          `The ResponseURL refused the response: ${problem} ${response.body.slice(0, 300)}`,
        );
    } catch (error) {
      if (error instanceof ResponseDeliveryError) throw error;
      problem = String(error);
    }
    const delay = RETRY_DELAYS_MS[attempt];
    if (delay === undefined)
      throw new ResponseDeliveryError(`Could not deliver the response after ${attempt + 1} attempts: ${problem}`);
    deps.log.warn('Retrying the response to CloudFormation', { attempt: attempt + 1, problem, url: where });
    await deps.clock.sleep(delay);
  }
}
