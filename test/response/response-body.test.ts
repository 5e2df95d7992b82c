import { MAX_RESPONSE_BYTES } from '../../src/response/response-budget';
import { type ResponseBody, serializeResponse } from '../../src/response/response-body';

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
    const many = Array.from(
      { length: 10 },
      (_, i) => `arn:aws:ecs:us-east-1:123456789012:task/cluster/${String(i).repeat(32)}`,
    ).join(',');
    const text = serializeResponse({
      ...body,
      Reason: 'short',
      Data: { TaskArns: many.repeat(5), StoppedReason: 'x'.repeat(3000), ExitCode: '1' },
    });
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
    const parsed = JSON.parse(text) as ResponseBody;
    expect(parsed.Data?.ExitCode).toBe('1');
    expect(parsed.PhysicalResourceId).toBe(body.PhysicalResourceId);
  });

  it('leaves a response of exactly 4096 bytes whole, and shortens one of 4097', () => {
    const base = JSON.stringify({ ...body, Reason: '' });
    const exact = { ...body, Reason: 'r'.repeat(MAX_RESPONSE_BYTES - Buffer.byteLength(base)) };
    expect(Buffer.byteLength(JSON.stringify(exact))).toBe(MAX_RESPONSE_BYTES);
    expect(serializeResponse(exact)).toBe(JSON.stringify(exact));
    const over = { ...exact, Reason: `${exact.Reason}r` };
    const text = serializeResponse(over);
    // As much of the Reason as fits is kept: every byte is used.
    expect(Buffer.byteLength(text)).toBe(MAX_RESPONSE_BYTES);
    expect((JSON.parse(text) as ResponseBody).Reason?.endsWith('…')).toBe(true);
  });

  it('shortens the longest Data value first and leaves the others whole', () => {
    const text = serializeResponse({
      ...body,
      Data: { TaskArns: 'a'.repeat(5000), StoppedReason: 'b'.repeat(300), ExitCode: '1' },
    });
    const parsed = JSON.parse(text) as ResponseBody;
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
    expect(Buffer.byteLength(text)).toBeGreaterThan(MAX_RESPONSE_BYTES - 8);
    expect(parsed.Data?.StoppedReason).toBe('b'.repeat(300));
    expect(parsed.Data?.ExitCode).toBe('1');
    expect(parsed.Data?.TaskArns?.startsWith('aaaa')).toBe(true);
    expect(parsed.Data?.TaskArns?.endsWith('…')).toBe(true);
  });

  it('drops Data keys whose values cannot be shortened enough, and keeps the protocol fields when even empty Data is too big', () => {
    const huge = {
      ...body,
      StackId: `arn:aws:cloudformation:us-east-1:123456789012:stack/${'s'.repeat(4100)}`,
      Reason: 'why',
      Data: { ExitCode: '1', StopCode: 'x' },
    };
    const parsed = JSON.parse(serializeResponse(huge)) as ResponseBody;
    expect(parsed.StackId).toBe(huge.StackId);
    expect(parsed.PhysicalResourceId).toBe(body.PhysicalResourceId);
    expect(parsed.Data).toEqual({});
    expect(parsed.Reason).toBe('');
  });

  it('shortens a Data value only when more than 16 bytes of it can stay, and drops it otherwise', () => {
    /** A response whose fields other than Data's one value take `bytes` bytes: that value can keep 4096 - bytes. */
    const withFixedPart = (bytes: number) => {
      const empty = JSON.stringify({ ...body, LogicalResourceId: '', Data: { StoppedReason: '' } });
      return {
        ...body,
        LogicalResourceId: 'L'.repeat(bytes - Buffer.byteLength(empty)),
        Data: { StoppedReason: 'x'.repeat(5000) },
      };
    };
    expect((JSON.parse(serializeResponse(withFixedPart(MAX_RESPONSE_BYTES - 17))) as ResponseBody).Data).toEqual({
      StoppedReason: `${'x'.repeat(14)}…`,
    });
    expect((JSON.parse(serializeResponse(withFixedPart(MAX_RESPONSE_BYTES - 16))) as ResponseBody).Data).toEqual({});
  });

  it('does not change the response it is given', () => {
    const big = { ...body, Reason: 'r'.repeat(5000), Data: { TaskArns: 'a'.repeat(5000), ExitCode: '1' } };
    const copy = JSON.parse(JSON.stringify(big)) as ResponseBody;
    serializeResponse(big);
    expect(big).toEqual(copy);
  });

  it('shortens the longest Data value wherever it stands among the keys', () => {
    const text = serializeResponse({
      ...body,
      Data: {
        ExitCode: '1',
        StoppedReason: 'b'.repeat(300),
        TaskArns: 'a'.repeat(5000),
        StopCode: 'EssentialContainerExited',
      },
    });
    const parsed = JSON.parse(text) as ResponseBody;
    expect(parsed.Data).toMatchObject({
      ExitCode: '1',
      StoppedReason: 'b'.repeat(300),
      StopCode: 'EssentialContainerExited',
    });
    expect(parsed.Data?.TaskArns?.endsWith('…')).toBe(true);
  });
});
