import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { createCloudFormationApi } from './cloudformation-api';
import { CLIENT_CONFIG } from './client-config';
import type { CloudFormationApi } from './ports';

/** How the runner's sessions in other accounts are named (CloudTrail shows it there). */
export const ROLE_SESSION_NAME = 'ecs-task-runner-stack-status';

/**
 * CloudFormation as `roleArn` sees it: DescribeStacks sees only the caller's account, so a stack in another account
 * is read with a role there (the resource's StackStatusRoleArn). The credentials last 15 minutes, STS's minimum:
 * one status read needs seconds.
 */
export async function createCloudFormationApiAs(
  roleArn: string,
  sts: STSClient = new STSClient(CLIENT_CONFIG),
): Promise<CloudFormationApi> {
  const { Credentials: credentials } = await sts.send(
    new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: ROLE_SESSION_NAME, DurationSeconds: 900 }),
  );
  if (!credentials?.AccessKeyId || !credentials.SecretAccessKey)
    throw new Error(`sts:AssumeRole of ${roleArn} returned no credentials`);
  return createCloudFormationApi(
    new CloudFormationClient({
      ...CLIENT_CONFIG,
      credentials: {
        accessKeyId: credentials.AccessKeyId,
        secretAccessKey: credentials.SecretAccessKey,
        ...(credentials.SessionToken ? { sessionToken: credentials.SessionToken } : {}),
        ...(credentials.Expiration ? { expiration: credentials.Expiration } : {}),
      },
    }),
  );
}
