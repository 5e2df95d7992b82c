import { DescribeTimeToLiveCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { startMoto, type MotoServer } from '../../scripts/local/moto';
import { findMotoPython } from '../../scripts/local/moto-python';
import { createStateTable } from '../../scripts/local/state-table';
import { createStateTableApi } from '../../src/aws/state-table-api';
import { forgetResource, keepSuccessfulRun, readResource, resourceItemKey } from '../../src/requests/resource-record';

const RESOURCE = {
  StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/app/5b7a3c10-9f3e-11ef-8a3b-0a1b2c3d4e5f',
  LogicalResourceId: 'MigrateTask',
};
const DATA = { TaskArn: 'arn:aws:ecs:us-east-1:123456789012:task/app/0a1b', ExitCode: '0' };
const T0 = Date.UTC(2026, 11, 7, 12, 0, 0);

const found = findMotoPython();
const describeOnMoto = 'problem' in found && process.env.CI !== 'true' ? describe.skip : describe;

describeOnMoto("the state table on moto's DynamoDB", () => {
  let moto: MotoServer | undefined;
  let client: DynamoDBClient;

  beforeAll(async () => {
    if ('problem' in found) throw new Error(found.problem);
    const started = await startMoto(found.python);
    moto = started;
    client = new DynamoDBClient(started.clientConfig);
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it('keeps a run’s Data, refuses a write on a stale version, and leaves nothing of the resource after its Delete', async () => {
    await createStateTable(client, 'runner-state');
    const table = createStateTableApi('runner-state', client);

    expect(await table.get('resource#none')).toBeUndefined();
    expect(await keepSuccessfulRun(table, RESOURCE, { data: DATA, sentAt: T0 })).toBe('kept');
    expect(await readResource(table, RESOURCE)).toEqual({
      kind: 'kept',
      version: 1,
      record: { kind: 'resource', succeeded: true, data: DATA, sentAt: T0 },
    });

    const pk = resourceItemKey(RESOURCE);
    expect(await table.put({ pk, version: 2, body: '{}' }, undefined)).toBe('conflict');
    expect(await table.put({ pk, version: 2, body: '{}' }, 7)).toBe('conflict');
    expect((await table.get(pk))?.version).toBe(1);

    expect(await forgetResource(table, RESOURCE, { sentAt: T0 + 60_000, now: T0 + 60_000 })).toBe('kept');
    const items = (await client.send(new ScanCommand({ TableName: 'runner-state' }))).Items ?? [];
    expect(items).toHaveLength(1);
    expect(JSON.stringify(items)).not.toContain('TaskArn');
    expect(items[0]?.expiresAt?.N).toBe(String((T0 + 60_000) / 1000 + 7 * 86_400));
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: 'runner-state' }));
    expect(ttl.TimeToLiveDescription?.AttributeName).toBe('expiresAt');
  });

  it('fails loudly on a table that does not exist, rather than answering as if nothing were kept', async () => {
    const table = createStateTableApi('no-such-table', client);
    await expect(table.get('resource#x')).rejects.toThrow(/ResourceNotFound|non-existent|not found/i);
  });
});
