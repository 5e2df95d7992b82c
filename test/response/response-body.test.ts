import { MAX_RESPONSE_BYTES, type ResponseBody, serializeResponse } from '../../src/response/response-body';

const body: ResponseBody = {
  Status: 'FAILED',
  PhysicalResourceId: 'todobackend-MigrateTask-5902dbb1fe8e',
  StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/todobackend/5b7c1f80-8a9e-11ef-9c1e-0e5f3c1d2b7a',
  RequestId: '6f1e2d3c-4b5a-4987-8a6b-5c4d3e2f1a0b',
  LogicalResourceId: 'MigrateTask',
};

describe('serializeResponse', () => {
  it('leaves a response that fits as it is', () => {
    const small = { ...body, Reason: 'Task x failed', Data: { TaskArn: 'arn' } };
    expect(JSON.parse(serializeResponse(small))).toEqual(small);
  });

  it('shortens a long multibyte Reason to fit 4096 bytes, keeping its start and valid JSON', () => {
    const reason = `Task failed: ${'Zeichenkette mit Umlauten äöü und Emoji 🚀 "quoted" \\ '.repeat(200)}`;
    const text = serializeResponse({ ...body, Reason: reason, Data: { ExitCode: '1' } });
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
    expect(Buffer.byteLength(text)).toBeGreaterThan(MAX_RESPONSE_BYTES - 8);
    const parsed = JSON.parse(text) as ResponseBody;
    expect(parsed.Reason?.startsWith('Task failed: Zeichenkette')).toBe(true);
    expect(parsed.Reason?.endsWith('…')).toBe(true);
    expect(parsed.Reason).not.toContain('\uFFFD');
    expect(parsed.Data).toEqual({ ExitCode: '1' });
  });

  it('shortens the longest Data values next, then drops keys, when the Reason alone cannot make room', () => {
    const many = Array.from({ length: 10 }, (_, i) => `arn:aws:ecs:us-east-1:123456789012:task/cluster/${String(i).repeat(32)}`).join(',');
    const text = serializeResponse({ ...body, Reason: 'short', Data: { TaskArns: many.repeat(5), StoppedReason: 'x'.repeat(3000), ExitCode: '1' } });
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
    const parsed = JSON.parse(text) as ResponseBody;
    expect(parsed.Data?.ExitCode).toBe('1');
    expect(parsed.PhysicalResourceId).toBe(body.PhysicalResourceId);
  });
});
