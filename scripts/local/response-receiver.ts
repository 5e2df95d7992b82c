import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { type ReceivedRequest, startLoopbackServer } from './http-server';

/** What reached one ResponseURL. */
export interface Delivery {
  /** The last body PUT to the URL; undefined while nothing was. */
  body?: string;
  /** What was wrong with how it was PUT (more than once, headers S3 would refuse), where the receiver can tell. */
  problems: string[];
  /** performance.now() when the first answer arrived, where the receiver can tell. */
  receivedAt?: number;
}

/** One ResponseURL, handed out for one request. */
export interface ResponseSlot {
  readonly url: string;
  read(): Promise<Delivery>;
}

/** Hands out ResponseURLs the way CloudFormation does: a fresh one for every request. */
export interface ResponseReceiver {
  /** What the handler must allow in RESPONSE_URL_ALLOWED_HOSTS to contact these URLs. */
  readonly host: string;
  slot(requestId: string): Promise<ResponseSlot>;
  close(): Promise<void>;
}

/** CloudFormation's ResponseURLs stay valid for two hours. */
const URL_LIFETIME_SECONDS = 7200;
const BUCKET = 'cloudformation-custom-resource-responses';

/**
 * Presigned S3 PUT URLs into a bucket on moto — what CloudFormation hands out — read back with GetObject. The
 * bucket is versioned so that a second answer to the same request shows. The S3 client must be path-style (the
 * host stays 127.0.0.1) and sign no checksum (CloudFormation's URLs carry none).
 */
export async function startS3ResponseReceiver(s3: S3Client): Promise<ResponseReceiver> {
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: 'Enabled' } }));
  const endpoint = await s3.config.endpoint?.();
  return {
    host: endpoint?.hostname ?? '127.0.0.1',
    async slot(requestId) {
      const key = `responses/${requestId}`;
      const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: BUCKET, Key: key }), {
        expiresIn: URL_LIFETIME_SECONDS,
      });
      return {
        url,
        async read() {
          const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: key }));
          const puts = (listed.Versions ?? []).filter((version) => version.Key === key).length;
          if (puts === 0) return { problems: [] };
          const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
          return { body: await object.Body?.transformToString('utf8'), problems: answeredMoreThanOnce(puts) };
        },
      };
    },
    close: async () => undefined,
  };
}

/**
 * A ResponseURL served on loopback that records the PUTs, for runs against a real account (whose S3 the caller may
 * not want to use). It also checks the headers that the presigned S3 URL would refuse or mis-sign.
 */
export async function startHttpResponseReceiver(): Promise<ResponseReceiver> {
  const received = new Map<string, ReceivedRequest[]>();
  const server = await startLoopbackServer((request) => {
    const path = new URL(request.url, 'http://localhost').pathname;
    if (request.method !== 'PUT')
      return { status: 405, body: JSON.stringify({ message: `ResponseURLs take PUT, not ${request.method}` }) };
    received.set(path, [...(received.get(path) ?? []), request]);
    return { status: 200 };
  });
  return {
    host: new URL(server.url).hostname,
    async slot(requestId) {
      const path = `/responses/${encodeURIComponent(requestId)}`;
      return {
        url: `${server.url}${path}`,
        async read() {
          const puts = received.get(path) ?? [];
          const [first, last] = [puts[0], puts.at(-1)];
          if (!first || !last) return { problems: [] };
          return {
            body: last.body,
            problems: [...answeredMoreThanOnce(puts.length), ...puts.flatMap(putHeaderProblems)],
            receivedAt: first.receivedAt,
          };
        },
      };
    },
    close: () => server.close(),
  };
}

function answeredMoreThanOnce(puts: number): string[] {
  return puts > 1
    ? [`The ResponseURL got ${puts} answers; CloudFormation takes the first and the request must be answered once`]
    : [];
}

/** The presigned URL is signed without a content type, and S3 wants the body's length in bytes. */
function putHeaderProblems(request: ReceivedRequest): string[] {
  const problems: string[] = [];
  const contentType = request.headers['content-type'];
  if (contentType !== undefined && contentType !== '')
    problems.push(`PUT with content-type ${JSON.stringify(contentType)}: the presigned URL was signed without one`);
  const length = request.headers['content-length'];
  const bytes = Buffer.byteLength(request.body, 'utf8');
  if (length !== String(bytes))
    problems.push(`PUT with content-length ${String(length)}, but the body has ${bytes} bytes`);
  return problems;
}
