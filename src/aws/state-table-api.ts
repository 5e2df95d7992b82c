import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { CLIENT_CONFIG } from './client-config';
import type { StateItem, StateTableApi } from './ports';

/**
 * The state table through DynamoDB: GetItem (strongly consistent), a PutItem conditioned on the version read, and a
 * Scan filtered on the key's prefix (every page: the filter applies after the read, so a page may come back empty
 * with more to read; DynamoDB Developer Guide, "Scanning tables").
 * `expiresAt` is the table's TTL attribute (epoch seconds, a Number: DynamoDB Developer Guide, "Time to Live").
 */
export function createStateTableApi(
  tableName: string,
  client: DynamoDBClient = new DynamoDBClient(CLIENT_CONFIG),
): StateTableApi {
  return {
    async get(pk) {
      const result = await client.send(
        new GetItemCommand({ TableName: tableName, Key: { pk: { S: pk } }, ConsistentRead: true }),
      );
      return result.Item ? stateItemOf(result.Item) : undefined;
    },
    async put(item, expectedVersion) {
      try {
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: {
              pk: { S: item.pk },
              version: { N: String(item.version) },
              body: { S: item.body },
              ...(item.expiresAt === undefined ? {} : { expiresAt: { N: String(item.expiresAt) } }),
            },
            ...(expectedVersion === undefined
              ? { ConditionExpression: 'attribute_not_exists(pk)' }
              : {
                  ConditionExpression: 'version = :expected',
                  ExpressionAttributeValues: { ':expected': { N: String(expectedVersion) } },
                }),
          }),
        );
        return 'written';
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return 'conflict';
        throw error;
      }
    },
    async scan(prefix) {
      const items: StateItem[] = [];
      let start: Record<string, AttributeValue> | undefined;
      do {
        const page = await client.send(
          new ScanCommand({
            TableName: tableName,
            ConsistentRead: true,
            FilterExpression: 'begins_with(pk, :prefix)',
            ExpressionAttributeValues: { ':prefix': { S: prefix } },
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        items.push(...(page.Items ?? []).map(stateItemOf));
        start = page.LastEvaluatedKey;
      } while (start);
      return items;
    },
  };
}

function stateItemOf(item: Record<string, AttributeValue>): StateItem {
  const pk = item.pk?.S;
  const version = Number(item.version?.N);
  const body = item.body?.S;
  if (pk === undefined || !Number.isInteger(version) || body === undefined)
    throw new Error(`The state table holds an item the runner did not write: ${JSON.stringify(Object.keys(item))}`);
  const expiresAt = item.expiresAt?.N === undefined ? undefined : Number(item.expiresAt.N);
  return { pk, version, body, ...(expiresAt === undefined ? {} : { expiresAt }) };
}
