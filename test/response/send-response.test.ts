import { ResponseDeliveryError } from '../../src/shared/errors';
import { sendResponse } from '../../src/response/send-response';
import { FakeClock, RecordingLog, recordingHttp } from '../support/fakes';

const url = new URL('https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x?X-Amz-Signature=abc');
const body = {
  Status: 'SUCCESS' as const,
  PhysicalResourceId: 'p',
  StackId: 's',
  RequestId: 'r',
  LogicalResourceId: 'l',
};

describe('sendResponse', () => {
  it('retries network errors and 5xx with backoff, then succeeds', async () => {
    const clock = new FakeClock();
    const { http, puts } = recordingHttp([new Error('ECONNRESET'), 500, 429]);
    await sendResponse(url, body, { http, clock, log: new RecordingLog() });
    expect(puts).toHaveLength(4);
    expect(clock.sleeps).toEqual([1000, 2000, 4000]);
  });

  it('does not retry an answer that will not change (403: expired or wrong URL)', async () => {
    const { http, puts } = recordingHttp([403]);
    await expect(sendResponse(url, body, { http, clock: new FakeClock(), log: new RecordingLog() })).rejects.toThrow(
      ResponseDeliveryError,
    );
    expect(puts).toHaveLength(1);
  });

  it('gives up after five attempts', async () => {
    const { http, puts } = recordingHttp([502, 502, 502, 502, 502, 502]);
    await expect(sendResponse(url, body, { http, clock: new FakeClock(), log: new RecordingLog() })).rejects.toThrow(
      'after 5 attempts',
    );
    expect(puts).toHaveLength(5);
  });

  it('takes any 2xx as delivered, and refuses a 3xx at once, quoting what S3 said', async () => {
    const delivered = recordingHttp([204]);
    await sendResponse(url, body, { http: delivered.http, clock: new FakeClock(), log: new RecordingLog() });
    expect(delivered.puts).toHaveLength(1);

    const redirected = recordingHttp([300]);
    await expect(
      sendResponse(url, body, { http: redirected.http, clock: new FakeClock(), log: new RecordingLog() }),
    ).rejects.toThrow('The ResponseURL refused the response: HTTP 300 <Error><Code>Failure</Code></Error>');
    expect(redirected.puts).toHaveLength(1);
  });

  it('sends the JSON with an empty content type and its length in bytes', async () => {
    const { http, puts } = recordingHttp();
    await sendResponse(url, { ...body, Reason: 'Größe ✓' }, { http, clock: new FakeClock(), log: new RecordingLog() });
    expect(JSON.parse(puts[0]?.body ?? '')).toEqual({ ...body, Reason: 'Größe ✓' });
    expect(puts[0]?.headers).toEqual({
      'content-type': '',
      'content-length': String(Buffer.byteLength(puts[0]?.body ?? '')),
    });
  });

  it('logs the delivery and each retry without the presigned signature', async () => {
    const log = new RecordingLog();
    await sendResponse(url, body, { http: recordingHttp([503]).http, clock: new FakeClock(), log });
    expect(log.entries.map((entry) => entry.level)).toEqual(['warn', 'info']);
    expect(log.text()).toContain('https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x');
    expect(log.text()).not.toContain('X-Amz-Signature');
  });

  it('logs each retry with its attempt and problem, then the answer it delivered (`npm run invoke` finds the answer by these words)', async () => {
    const log = new RecordingLog();
    const answered = { ...body, Status: 'FAILED' as const, Reason: 'migrate exited 1', Data: { TaskArns: 'arn:t' } };
    const where = 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x';
    await sendResponse(url, answered, {
      http: recordingHttp([503, new Error('ECONNRESET')]).http,
      clock: new FakeClock(),
      log,
    });
    expect(log.entries).toEqual([
      {
        level: 'warn',
        message: 'Retrying the response to CloudFormation',
        extra: [{ attempt: 1, problem: 'HTTP 503', url: where }],
      },
      {
        level: 'warn',
        message: 'Retrying the response to CloudFormation',
        extra: [{ attempt: 2, problem: 'Error: ECONNRESET', url: where }],
      },
      {
        level: 'info',
        message: 'Answered CloudFormation',
        extra: [
          {
            status: 'FAILED',
            reason: 'migrate exited 1',
            physicalResourceId: 'p',
            data: { TaskArns: 'arn:t' },
            url: where,
          },
        ],
      },
    ]);
  });

  it('does not take an informational status (below 200) as delivered', async () => {
    const { http, puts } = recordingHttp([199]);
    await expect(sendResponse(url, body, { http, clock: new FakeClock(), log: new RecordingLog() })).rejects.toThrow(
      'The ResponseURL refused the response: HTTP 199',
    );
    expect(puts).toHaveLength(1);
  });

  it('quotes at most 300 characters of a refusal', async () => {
    const answer = `<Error><Code>AccessDenied</Code><Message>${'m'.repeat(1000)}</Message></Error>`;
    const http = async () => ({ statusCode: 403, body: answer });
    await expect(sendResponse(url, body, { http, clock: new FakeClock(), log: new RecordingLog() })).rejects.toThrow(
      new ResponseDeliveryError(`The ResponseURL refused the response: HTTP 403 ${answer.slice(0, 300)}`),
    );
  });
});
