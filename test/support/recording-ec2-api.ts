import type {
  DescribeInstancesCommandOutput,
  DescribeInstanceTypesCommandOutput,
  DescribeRouteTablesCommandOutput,
  DescribeSecurityGroupsCommandOutput,
  DescribeSubnetsCommandOutput,
  DescribeVpcEndpointsCommandOutput,
} from '@aws-sdk/client-ec2';
import type { DescribeContainerInstancesCommandOutput, ListContainerInstancesCommandOutput } from '@aws-sdk/client-ecs';
import type { Ec2Api, EcsApi } from '../../src/aws/ports';

/** One call to a port: which method, with which request. */
export interface RecordedCall {
  method: string;
  input: unknown;
}

/** What each EC2 call answers (the SDK's output without `$metadata`); a call without an answer fails the test. */
export interface Ec2Answers {
  describeSubnets?: Omit<DescribeSubnetsCommandOutput, '$metadata'>;
  describeSecurityGroups?: Omit<DescribeSecurityGroupsCommandOutput, '$metadata'>;
  describeRouteTables?: Omit<DescribeRouteTablesCommandOutput, '$metadata'>;
  describeVpcEndpoints?: Omit<DescribeVpcEndpointsCommandOutput, '$metadata'>;
  describeInstances?: Omit<DescribeInstancesCommandOutput, '$metadata'>;
  describeInstanceTypes?: Omit<DescribeInstanceTypesCommandOutput, '$metadata'>;
}

function answer<T extends object>(calls: RecordedCall[], method: string, input: unknown, output: T | undefined) {
  calls.push({ method, input });
  if (output === undefined) return Promise.reject(new Error(`unexpected ${method}`));
  return Promise.resolve({ $metadata: {}, ...output });
}

/** An Ec2Api that answers from `answers` and records every request, in order. */
export function recordingEc2(answers: Ec2Answers): { ec2: Ec2Api; calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const ec2: Ec2Api = {
    describeSubnets: (input) => answer(calls, 'describeSubnets', input, answers.describeSubnets),
    describeSecurityGroups: (input) => answer(calls, 'describeSecurityGroups', input, answers.describeSecurityGroups),
    describeRouteTables: (input) => answer(calls, 'describeRouteTables', input, answers.describeRouteTables),
    describeVpcEndpoints: (input) => answer(calls, 'describeVpcEndpoints', input, answers.describeVpcEndpoints),
    describeInstances: (input) => answer(calls, 'describeInstances', input, answers.describeInstances),
    describeInstanceTypes: (input) => answer(calls, 'describeInstanceTypes', input, answers.describeInstanceTypes),
  };
  return { ec2, calls };
}

/** What the ECS container instance calls answer; the run's own calls (RunTask, ...) fail the test. */
export interface ContainerInstanceAnswers {
  listContainerInstances?: Omit<ListContainerInstancesCommandOutput, '$metadata'>;
  describeContainerInstances?: Omit<DescribeContainerInstancesCommandOutput, '$metadata'>;
}

/** An EcsApi that answers the container instance calls from `answers` and records every request, in order. */
export function recordingEcs(answers: ContainerInstanceAnswers): { ecs: EcsApi; calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const ecs: EcsApi = {
    runTask: (input) => answer(calls, 'runTask', input, undefined),
    describeTasks: (input) => answer(calls, 'describeTasks', input, undefined),
    stopTask: (input) => answer(calls, 'stopTask', input, undefined),
    listTasks: (input) => answer(calls, 'listTasks', input, undefined),
    describeTaskDefinition: (input) => answer(calls, 'describeTaskDefinition', input, undefined),
    listContainerInstances: (input) => answer(calls, 'listContainerInstances', input, answers.listContainerInstances),
    describeContainerInstances: (input) =>
      answer(calls, 'describeContainerInstances', input, answers.describeContainerInstances),
  };
  return { ecs, calls };
}
