import {
  byteLength,
  jsonBytes,
  jsonValueBytes,
  MAX_RESPONSE_BYTES,
  REASON_BUDGET_BYTES,
  reasonRoomAfter,
} from '../../src/response/response-budget';

describe("CloudFormation's response budget", () => {
  it('is 4096 bytes, of which the Reason may take 3200', () => {
    expect(MAX_RESPONSE_BYTES).toBe(4096);
    expect(REASON_BUDGET_BYTES).toBe(3200);
  });

  it('counts bytes, not characters', () => {
    expect(byteLength('é—')).toBe(5);
    expect(jsonBytes({ Reason: 'é' })).toBe('{"Reason":""}'.length + 2);
  });

  it('counts a value as the JSON body holds it, escapes included, without its quotes', () => {
    expect(jsonValueBytes('')).toBe(0);
    expect(jsonValueBytes('abc')).toBe(3);
    expect(jsonValueBytes('"\n')).toBe(4);
    expect(jsonValueBytes('é')).toBe(2);
  });

  it("leaves the Reason's budget less the text and a space", () => {
    expect(reasonRoomAfter('')).toBe(3199);
    expect(reasonRoomAfter('é'.repeat(100))).toBe(3200 - 200 - 1);
  });
});
