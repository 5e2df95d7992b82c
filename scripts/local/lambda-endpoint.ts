import { type LoopbackServer, startLoopbackServer } from './http-server';

/** One `lambda:InvokeFunction` call with InvocationType Event, as the local endpoint received it. */
export interface AsyncInvocation {
  /** The FunctionName of the call: the handler invokes its own ARN. */
  functionName: string;
  payload: unknown;
}

export interface LocalLambdaEndpoint {
  /** What AWS_ENDPOINT_URL_LAMBDA must be set to. */
  readonly url: string;
  /** The asynchronous invocations received since the last call, oldest first. */
  take(): AsyncInvocation[];
  close(): Promise<void>;
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

/**
 * Stands in for the Lambda service's Invoke API so that a hand-off can be followed locally: it accepts
 * asynchronous invocations (answering 202 as Lambda does) and keeps their payloads for the caller to run.
 * Anything else is refused, so a change in how the handler calls Lambda shows up as a failed hand-off.
 */
export async function startLocalLambdaEndpoint(): Promise<LocalLambdaEndpoint> {
  let received: AsyncInvocation[] = [];
  const server: LoopbackServer = await startLoopbackServer((request) => {
    const path = INVOKE_PATH.exec(new URL(request.url, 'http://localhost').pathname);
    if (request.method !== 'POST' || !path?.[1])
      return refuse(404, 'ResourceNotFoundException', `No such Lambda API: ${request.method} ${request.url}`);
    const invocationType = request.headers['x-amz-invocation-type'];
    if (invocationType !== 'Event') {
      return refuse(
        400,
        'InvalidParameterValueException',
        `The local endpoint runs asynchronous invocations only (X-Amz-Invocation-Type: Event), not ${String(invocationType ?? 'RequestResponse')}`,
      );
    }
    let payload: unknown;
    try {
      payload = JSON.parse(request.body);
    } catch {
      return refuse(400, 'InvalidRequestContentException', 'Could not parse request body into json');
    }
    received.push({ functionName: decodeURIComponent(path[1]), payload });
    return { status: 202 };
  });
  return {
    url: server.url,
    take() {
      const taken = received;
      received = [];
      return taken;
    },
    close: () => server.close(),
  };
}

function refuse(status: number, type: string, message: string): { status: number; body: string } {
  return { status, body: JSON.stringify({ Type: 'User', message, __type: type }) };
}
