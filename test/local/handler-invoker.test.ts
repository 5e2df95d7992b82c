import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HandlerInvoker, type HandlerLogRecord } from '../../scripts/local/handler-invoker';
import { type LocalLambdaEndpoint, startLocalLambdaEndpoint } from '../../scripts/local/lambda-endpoint';

/** A stand-in bundle that logs with the runner's logger, Powertools, which writes WARN and ERROR to stderr. */
const STAND_IN_BUNDLE = `
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { Logger } = require(${JSON.stringify(require.resolve('@aws-lambda-powertools/logger'))});
const logger = new Logger({ serviceName: 'stand-in' });
export async function handler() {
  logger.info('Request');
  logger.warn('A task is still waiting to start', { explanation: 'capacity' });
  logger.error('Could not answer CloudFormation', { error: 'HTTP 403' });
}
`;

describe('the local handler invoker', () => {
  let work: string;
  let lambda: LocalLambdaEndpoint;

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'invoker-'));
    writeFileSync(path.join(work, 'index.mjs'), STAND_IN_BUNDLE);
    lambda = await startLocalLambdaEndpoint();
  });

  afterAll(async () => {
    await lambda.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('passes on the warnings and errors the handler logs to stderr, with what it logs to stdout', async () => {
    const seen: (HandlerLogRecord | string)[] = [];
    const invoker = new HandlerInvoker({
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'INFO' },
      functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:ecs-task-runner',
      lambda,
      bundle: path.join(work, 'index.mjs'),
      onLog: (record) => seen.push(record),
    });

    const record = await invoker.invoke({});

    const expected = [
      expect.objectContaining({ level: 'INFO', message: 'Request' }),
      expect.objectContaining({ level: 'WARN', message: 'A task is still waiting to start', explanation: 'capacity' }),
      expect.objectContaining({ level: 'ERROR', message: 'Could not answer CloudFormation', error: 'HTTP 403' }),
    ];
    expect(record.logs).toEqual(expect.arrayContaining(expected));
    expect(seen).toEqual(expect.arrayContaining(expected));
    expect(seen).toHaveLength(3);
  }, 30_000);
});
