import { byteLength, jsonValueBytes, MAX_RESPONSE_BYTES } from './response-budget';

/** The JSON CloudFormation reads back from the ResponseURL. */
export interface ResponseBody {
  Status: 'SUCCESS' | 'FAILED';
  Reason?: string;
  PhysicalResourceId: string;
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
  NoEcho?: boolean;
  Data?: Record<string, string>;
}

const ELLIPSIS = '…';

/**
 * Serializes the response within MAX_RESPONSE_BYTES: the Reason is shortened first (it is one line a person reads;
 * its start says the most), then the longest Data values, then Data keys are dropped. Always valid JSON, never a
 * split multibyte character.
 */
export function serializeResponse(body: ResponseBody): string {
  let current: ResponseBody = { ...body, ...(body.Data ? { Data: { ...body.Data } } : {}) };
  let text = JSON.stringify(current);
  if (byteLength(text) <= MAX_RESPONSE_BYTES) return text;

  if (current.Reason) {
    const budget = MAX_RESPONSE_BYTES - byteLength(JSON.stringify({ ...current, Reason: '' }));
    current = { ...current, Reason: truncateToJsonBytes(current.Reason, Math.max(budget, 0)) };
    text = JSON.stringify(current);
  }
  while (byteLength(text) > MAX_RESPONSE_BYTES && current.Data && Object.keys(current.Data).length > 0) {
    const data: Record<string, string> = current.Data;
    const [longestKey, longestValue] = Object.entries(data).reduce((longest, entry) =>
      entry[1].length > longest[1].length ? entry : longest,
    );
    const excess = byteLength(text) - MAX_RESPONSE_BYTES;
    const keep = jsonValueBytes(longestValue) - excess;
    if (keep > 16) data[longestKey] = truncateToJsonBytes(longestValue, keep);
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- Data is a map: its longest value goes.
    else delete data[longestKey];
    text = JSON.stringify(current);
  }
  return text;
}

/** The longest prefix of `text` (plus an ellipsis) whose JSON-escaped form takes at most `maxBytes` bytes. */
function truncateToJsonBytes(text: string, maxBytes: number): string {
  const limit = maxBytes - byteLength(ELLIPSIS);
  let used = 0;
  let end = 0;
  for (const char of text) {
    const size = jsonValueBytes(char);
    if (used + size > limit) break;
    used += size;
    end += char.length;
  }
  return limit > 0 ? text.slice(0, end) + ELLIPSIS : '';
}
