import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface HttpResponse {
  statusCode: number;
  body: string;
}

/** One HTTP PUT; the response protocol and its retries live in send-response.ts. */
export type HttpPut = (url: URL, body: string, headers: Record<string, string>) => Promise<HttpResponse>;

const TIMEOUT_MS = 10_000;

export const nodeHttpPut: HttpPut = (url, body, headers) =>
  new Promise((resolve, reject) => {
    const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
    const request = send(url, { method: 'PUT', headers, timeout: TIMEOUT_MS }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ statusCode: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`No answer within ${TIMEOUT_MS} ms`)));
    request.on('error', reject);
    request.end(body);
  });
