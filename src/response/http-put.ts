import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface HttpResponse {
  statusCode: number;
  body: string;
}

/** One HTTP PUT; the response protocol and its retries live in send-response.ts. */
export type HttpPut = (url: URL, body: string, headers: Record<string, string>) => Promise<HttpResponse>;

export interface HttpPutOptions {
  /** How long the connection may stay silent (connecting, sending or waiting for the answer) before it is given up. */
  idleTimeoutMs: number;
}

/** A PUT over Node's http and https clients (plain http only where checkResponseUrl allowed it: a loopback host). */
export function createHttpPut({ idleTimeoutMs }: HttpPutOptions): HttpPut {
  return (url, body, headers) =>
    new Promise((resolve, reject) => {
      const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
      const request = send(url, { method: 'PUT', headers, timeout: idleTimeoutMs }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ statusCode: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      });
      request.on('timeout', () => request.destroy(new Error(`No answer within ${idleTimeoutMs} ms`)));
      request.on('error', reject);
      request.end(body);
    });
}

/** The runner's PUT: a silent connection is given up after 10 s and the attempt retried (send-response.ts). */
export const nodeHttpPut: HttpPut = createHttpPut({ idleTimeoutMs: 10_000 });
