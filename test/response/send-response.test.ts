import { ResponseDeliveryError } from '../../src/shared/errors';
import { sendResponse } from '../../src/response/send-response';
import { FakeClock, RecordingLog, recordingHttp } from '../support/fakes';

const url = new URL('https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x?X-Amz-Signature=abc');
const body = { Status: 'SUCCESS' as const, PhysicalResourceId: 'p', StackId: 's', RequestId: 'r', LogicalResourceId: 'l' };

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
    await expect(sendResponse(url, body, { http, clock: new FakeClock(), log: new RecordingLog() })).rejects.toThrow(ResponseDeliveryError);
    expect(puts).toHaveLength(1);
  });

  it('gives up after five attempts', async () => {
    const { http, puts } = recordingHttp([502, 502, 502, 502, 502, 502]);
    await expect(sendResponse(url, body, { http, clock: new FakeClock(), log: new RecordingLog() })).rejects.toThrow('after 5 attempts');
    expect(puts).toHaveLength(5);
  });
});
