import { ECSClient } from '@aws-sdk/client-ecs';
import { CLIENT_CONFIG } from './client-config';
import type { AwsPorts } from './ports';
import { createEcsApi } from './ecs-api';
import { countThrottles, type OnThrottled } from './throttle-count';

/**
 * The real AWS ports. Clients read region, credentials and endpoints (`AWS_ENDPOINT_URL_<SERVICE>`) from the
 * standard environment. The dynamic imports become separate chunks in the bundle, so EC2, Lambda, CloudFormation
 * CloudWatch Logs, STS and DynamoDB code loads only on the paths that call them, once per process. `stateTableName`
 * is `STATE_TABLE_NAME`: without it there is no state table. `onThrottled` is told of every ECS call attempt that was
 * throttled (throttle-count.ts): ECS's shared rate limits are what a busy account meets.
 */
export function createSdkPorts(stateTableName?: string, onThrottled?: OnThrottled): AwsPorts {
  const ecsClient = new ECSClient(CLIENT_CONFIG);
  return {
    ecs: createEcsApi(onThrottled ? countThrottles(ecsClient, onThrottled) : ecsClient),
    ec2: once(async () => (await import('./ec2-api')).createEc2Api()),
    lambda: once(async () => (await import('./lambda-api')).createLambdaApi()),
    cloudFormation: once(async () => (await import('./cloudformation-api')).createCloudFormationApi()),
    // Not cached: the role differs per resource, and its credentials expire.
    cloudFormationAs: async (roleArn) => (await import('./assumed-role')).createCloudFormationApiAs(roleArn),
    logs: once(async () => (await import('./logs-api')).createLogsApi()),
    stateTable: once(async () =>
      stateTableName ? (await import('./state-table-api')).createStateTableApi(stateTableName) : undefined,
    ),
  };
}

function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };
}
