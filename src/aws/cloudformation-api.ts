import {
  CloudFormationClient,
  DescribeStackResourceCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { CLIENT_CONFIG } from './client-config';
import type { CloudFormationApi } from './ports';

export function createCloudFormationApi(
  client: CloudFormationClient = new CloudFormationClient(CLIENT_CONFIG),
): CloudFormationApi {
  return {
    async stackStatus(stackId) {
      const result = await client.send(new DescribeStacksCommand({ StackName: stackId }));
      return result.Stacks?.[0]?.StackStatus;
    },
    async stackResource(stackId, logicalResourceId) {
      const result = await client.send(
        new DescribeStackResourceCommand({ StackName: stackId, LogicalResourceId: logicalResourceId }),
      );
      const detail = result.StackResourceDetail;
      if (detail?.ResourceType === undefined || detail.ResourceStatus === undefined) return undefined;
      return { resourceType: detail.ResourceType, resourceStatus: detail.ResourceStatus };
    },
  };
}
