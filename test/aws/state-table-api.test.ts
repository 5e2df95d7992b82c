import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { createStateTableApi } from '../../src/aws/state-table-api';

const dynamodb = mockClient(DynamoDBClient);
const client = new DynamoDBClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});

beforeEach(() => dynamodb.reset());

function item(pk: string, version = 1) {
  return { pk: { S: pk }, version: { N: String(version) }, body: { S: '{"kind":"run","generation":1}' } };
}

describe('the state table adapter: scan', () => {
  it('reads every page, an empty one included (the filter applies after the read), filtered on the key prefix', async () => {
    dynamodb
      .on(ScanCommand)
      .resolvesOnce({ Items: [item('run#a')], LastEvaluatedKey: { pk: { S: 'run#a' } } })
      .resolvesOnce({ Items: [], LastEvaluatedKey: { pk: { S: 'task#b' } } })
      .resolvesOnce({ Items: [item('run#c', 4)] });
    const items = await createStateTableApi('runner-state', client).scan('run#');
    expect(items.map((one) => [one.pk, one.version])).toEqual([
      ['run#a', 1],
      ['run#c', 4],
    ]);
    const calls = dynamodb.commandCalls(ScanCommand).map((call) => call.args[0].input);
    expect(calls).toHaveLength(3);
    expect(calls[0]).toEqual({
      TableName: 'runner-state',
      ConsistentRead: true,
      FilterExpression: 'begins_with(pk, :prefix)',
      ExpressionAttributeValues: { ':prefix': { S: 'run#' } },
    });
    expect(calls[1]?.ExclusiveStartKey).toEqual({ pk: { S: 'run#a' } });
    expect(calls[2]?.ExclusiveStartKey).toEqual({ pk: { S: 'task#b' } });
  });
});
