import { CreateTableCommand, type DynamoDBClient, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';

/** The state table's name in the local environment (STATE_TABLE_NAME). */
export const LOCAL_STATE_TABLE = 'ecs-task-runner-state';

/**
 * The runner's state table as infra/task-runner.yml declares it (one string partition key `pk`, TTL on
 * `expiresAt`), created in moto's DynamoDB.
 */
export async function createStateTable(client: DynamoDBClient, name = LOCAL_STATE_TABLE): Promise<string> {
  await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    }),
  );
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: name,
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    }),
  );
  return name;
}
