import { Readable } from 'node:stream';
import { DescribeTasksCommand, ECSClient } from '@aws-sdk/client-ecs';
import { countThrottles, noteIfThrottled } from '../../src/aws/throttle-count';

/** An ECS endpoint that throttles the first `throttled` requests and then answers with no tasks. */
function ecsThat(throttled: number) {
  let requests = 0;
  const handle = () => {
    requests += 1;
    const refuse = requests <= throttled;
    const body = refuse
      ? JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' })
      : JSON.stringify({ tasks: [], failures: [] });
    return Promise.resolve({
      response: {
        statusCode: refuse ? 400 : 200,
        reason: refuse ? 'Bad Request' : 'OK',
        headers: { 'content-type': 'application/x-amz-json-1.1' },
        body: Readable.from([Buffer.from(body)]),
      },
    });
  };
  const client = new ECSClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    requestHandler: { handle },
    maxAttempts: 3,
  });
  return { client, requests: () => requests };
}

describe('throttled calls, counted in one place', () => {
  it('counts every throttled attempt of a call, the SDK’s own retries included, by operation', async () => {
    const { client, requests } = ecsThat(2);
    const counted: string[] = [];
    countThrottles(client, (operation) => counted.push(operation));
    await client.send(new DescribeTasksCommand({ cluster: 'app', tasks: ['t'] }));
    expect(requests()).toBe(3);
    expect(counted).toEqual(['DescribeTasks', 'DescribeTasks']);
  }, 30_000);

  it('passes the error on unchanged when the SDK gives up', async () => {
    const { client } = ecsThat(10);
    const counted: string[] = [];
    countThrottles(client, (operation) => counted.push(operation));
    await expect(client.send(new DescribeTasksCommand({ cluster: 'app', tasks: ['t'] }))).rejects.toMatchObject({
      name: 'ThrottlingException',
    });
    expect(counted).toEqual(['DescribeTasks', 'DescribeTasks', 'DescribeTasks']);
  }, 30_000);

  it('counts what the one classifier calls throttling, and nothing else', () => {
    const counted: string[] = [];
    const note = (error: Error) => noteIfThrottled(error, 'RunTaskCommand', (operation) => counted.push(operation));
    note(Object.assign(new Error('Rate exceeded (ErrorCode: Throttling)'), { name: 'InvalidParameterException' }));
    note(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    expect(counted).toEqual(['RunTask']);
  });
});
