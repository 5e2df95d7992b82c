import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

/** The environment variable that names the table to the runner (src/aws/state-table-api.ts reads it). */
export const STATE_TABLE_VARIABLE = 'STATE_TABLE_NAME';

/**
 * What the runner keeps between requests, as infra/task-runner.yml's StateTable: per resource, whether a run
 * succeeded and the last successful answer's Data (which an Update that runs nothing answers again), and after a
 * Delete a tombstone that TTL (`expiresAt`) removes. On demand (a few writes per deployment), encrypted, with
 * point-in-time recovery; deleted with the stack, as a new runner would not find it (its name is generated).
 */
export function createStateTable(scope: Construct, id: string): dynamodb.Table {
  return new dynamodb.Table(scope, id, {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    timeToLiveAttribute: 'expiresAt',
    removalPolicy: RemovalPolicy.DESTROY,
  });
}

/**
 * The runner reads and writes single items by key, and scans for parked runs (the sweep); nothing else (not
 * `grantReadWriteData`'s queries and deletes).
 */
export function grantStateTable(table: dynamodb.ITable, role: iam.IGrantable): void {
  table.grant(role, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Scan');
}
