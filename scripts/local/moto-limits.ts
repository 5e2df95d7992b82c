import type { Exchange } from './cloudformation';

/**
 * Where moto differs from ECS in a way a local run meets: each limit knows the answer it causes, and says in one
 * line what happened and what to do here. docs/local-tools.md lists them (What moto does differently).
 */
interface MotoLimit {
  applies(exchange: Exchange): boolean;
  note: string;
}

const LIMITS: MotoLimit[] = [
  {
    // moto's ECS keeps tasks as records: it pulls no image and starts no container, and its state manager moves the
    // task to STOPPED on its own. An answer that reads like a migration that ran must say it was not one.
    applies: ({ response }) => response?.Status === 'SUCCESS' && Boolean(response.Data?.TaskArn),
    note: "moto, not the runner: moto's task is a stand-in, no container ran. moto moved it RUNNING → STOPPED by itself, so the ExitCode and the stop reason are moto's, not your image's; on AWS the task definition's containers run, and their exit codes decide the answer.",
  },
  {
    // ECS would use the cluster's default capacity provider strategy; moto answers RunTask with an HTML error page.
    applies: ({ request, response }) =>
      response?.Status === 'FAILED' &&
      request.ResourceProperties.LaunchType === undefined &&
      request.ResourceProperties.CapacityProviderStrategy === undefined &&
      /RunTask failed[\s\S]*(<!doctype|Deserialization error|a body that is not the API's)/i.test(
        response.Reason ?? '',
      ),
    note: "moto, not the runner: RunTask without LaunchType or CapacityProviderStrategy fails in moto with an HTML 500 when the cluster has no container instances (ECS would use the cluster's default capacity provider strategy). Set LaunchType: FARGATE to run it here.",
  },
  {
    // ECS refuses a missing subnet with InvalidParameterException "Error retrieving subnet information for [...]: The
    // subnet ID '...' does not exist (ErrorCode: InvalidSubnetID.NotFound)", which the runner recognises and
    // explains; moto passes EC2's error through as it is, which the runner does not take for a refused network.
    applies: ({ response }) =>
      response?.Status === 'FAILED' && /^RunTask failed: InvalidSubnetID\.NotFound\b/.test(response.Reason ?? ''),
    note: 'moto, not the runner: moto refuses a subnet that does not exist with EC2\'s own InvalidSubnetID.NotFound, where ECS answers InvalidParameterException ("Error retrieving subnet information …"); on AWS the runner then describes the network and answers "Not started: Subnets: subnet-… does not exist in this account and region." Check the subnet ID either way.',
  },
];

/** The notes on moto's limits that explain this exchange's answer; empty when none does. */
export function motoLimitNotes(exchange: Exchange): string[] {
  return LIMITS.filter((limit) => limit.applies(exchange)).map((limit) => limit.note);
}
