import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Socket } from 'node:net';
import { createHttpPut, nodeHttpPut } from '../../src/response/http-put';

interface Received {
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local stand-in for S3's presigned URL: records each request and answers with the given status and body. */
async function startServer(
  statusCode: number,
  answer: string,
): Promise<{ server: Server; base: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      response.writeHead(statusCode, { 'content-type': 'application/xml' });
      // Sent in two chunks: the whole answer must be read, not its first piece.
      response.write(answer.slice(0, 5));
      response.end(answer.slice(5));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

describe('nodeHttpPut', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = undefined;
  });

  it('PUTs the body with the given headers to the URL, path and query string included, and returns the answer', async () => {
    const started = await startServer(200, '');
    server = started.server;
    const body = '{"Status":"SUCCESS","Reason":"ünïcödé"}';

    const answer = await nodeHttpPut(new URL(`${started.base}/bucket/key?X-Amz-Signature=abc`), body, {
      'content-type': '',
      'content-length': String(Buffer.byteLength(body)),
    });

    expect(answer).toEqual({ statusCode: 200, body: '' });
    expect(started.received).toHaveLength(1);
    expect(started.received[0]).toMatchObject({ method: 'PUT', url: '/bucket/key?X-Amz-Signature=abc', body });
    expect(started.received[0]?.headers).toMatchObject({
      'content-type': '',
      'content-length': String(Buffer.byteLength(body)),
    });
  });

  it('returns an error answer in full, in UTF-8', async () => {
    const error = '<Error><Code>AccessDenied</Code><Message>Request has expired — ü</Message></Error>';
    const started = await startServer(403, error);
    server = started.server;

    await expect(nodeHttpPut(new URL(`${started.base}/x`), '{}', {})).resolves.toEqual({
      statusCode: 403,
      body: error,
    });
  });

  it('speaks TLS to an https URL, never plain text', async () => {
    // A bare TCP listener: the first byte a client sends over TLS is a handshake record (content type 22).
    const firstBytes: Buffer[] = [];
    const sockets: Socket[] = [];
    const tcp = createTcpServer((socket) => {
      sockets.push(socket);
      socket.once('data', (chunk: Buffer) => {
        firstBytes.push(chunk);
        socket.destroy();
      });
    });
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    const { port } = tcp.address() as AddressInfo;
    try {
      await expect(nodeHttpPut(new URL(`https://127.0.0.1:${port}/x`), '{"Status":"SUCCESS"}', {})).rejects.toThrow();
      expect(firstBytes).toHaveLength(1);
      expect(firstBytes[0]?.[0]).toBe(0x16);
      expect(firstBytes[0]?.toString('latin1')).not.toContain('PUT');
    } finally {
      sockets.forEach((socket) => socket.destroy());
      await new Promise((resolve) => tcp.close(resolve));
    }
  });

  it('rejects when the connection breaks in the middle of the answer', async () => {
    server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(500, { 'content-length': '100' });
        response.write('<Error>', () => response.socket?.destroy());
      });
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;

    await expect(nodeHttpPut(new URL(`http://127.0.0.1:${port}/x`), '{}', {})).rejects.toThrow(/aborted|ECONNRESET/);
  });

  it('gives up a connection that stays silent, saying how long it waited', async () => {
    const started = await startServer(200, '');
    server = started.server;
    server.removeAllListeners('request');
    server.on('request', () => undefined); // takes the request and never answers

    await expect(createHttpPut({ idleTimeoutMs: 200 })(new URL(`${started.base}/x`), '{}', {})).rejects.toThrow(
      new Error('No answer within 200 ms'),
    );
    server.closeAllConnections();
  });

  it('rejects when nothing listens at the URL', async () => {
    const started = await startServer(200, '');
    const { base } = started;
    await new Promise((resolve) => started.server.close(resolve));

    await expect(nodeHttpPut(new URL(`${base}/x`), '{}', {})).rejects.toThrow(/ECONNREFUSED/);
  });
});
