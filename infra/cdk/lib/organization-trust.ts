import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

/** The runner's environment variables of an Organization (src/requests/accounts-served.ts reads them). */
export const ORGANIZATION_VARIABLE = 'ORGANIZATION_ID';
export const STACK_STATUS_ROLE_NAME_VARIABLE = 'STACK_STATUS_ROLE_NAME';

/** The id of the policy that lets the runner's role assume the stack-status role in the Organization's accounts. */
export const ORGANIZATION_POLICY_ID = 'ReadStacksInTheOrganization';

const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

export interface OrganizationTrustProps {
  readonly organizationId?: string;
  readonly stackStatusRoleName?: string;
}

/**
 * What serving an Organization adds to the runner, as infra/task-runner.yml's OrganizationId and StackStatusRoleName
 * do: the environment variables, and the one statement that lets the role assume the stack-status role of that name
 * in the Organization's accounts only (aws:ResourceOrgID). Throws on a malformed value, or on a role name without an
 * Organization (it would name a role in any account).
 */
export function grantOrganizationTrust(
  scope: Construct,
  role: iam.IRole,
  props: OrganizationTrustProps,
): Record<string, string> {
  const { organizationId, stackStatusRoleName } = props;
  const path = scope.node.path;
  if (organizationId !== undefined && !Token.isUnresolved(organizationId) && !ORGANIZATION_ID.test(organizationId))
    throw new Error(
      `${path}: organizationId must be an AWS Organizations ID (o-, then 10 to 32 lowercase letters or digits)`,
    );
  if (
    stackStatusRoleName !== undefined &&
    !Token.isUnresolved(stackStatusRoleName) &&
    !ROLE_NAME.test(stackStatusRoleName)
  )
    throw new Error(
      `${path}: stackStatusRoleName must be an IAM role name (1 to 64 letters, digits or +=,.@_- characters)`,
    );
  if (stackStatusRoleName !== undefined && organizationId === undefined)
    throw new Error(
      `${path}: stackStatusRoleName needs organizationId, which bounds the accounts whose role of that name the runner may assume`,
    );

  const environment: Record<string, string> = {};
  if (organizationId !== undefined) environment[ORGANIZATION_VARIABLE] = organizationId;
  if (organizationId !== undefined && stackStatusRoleName !== undefined) {
    environment[STACK_STATUS_ROLE_NAME_VARIABLE] = stackStatusRoleName;
    // A policy of its own, which EcsTaskRunnerFindings finds by its id (ORGANIZATION_POLICY_ID).
    new iam.Policy(scope, ORGANIZATION_POLICY_ID, {
      roles: [role],
      statements: [
        new iam.PolicyStatement({
          sid: 'ReadStacksInTheOrganization',
          actions: ['sts:AssumeRole'],
          resources: [`arn:${Stack.of(scope).partition}:iam::*:role/${stackStatusRoleName}`],
          conditions: { StringEquals: { 'aws:ResourceOrgID': organizationId } },
        }),
      ],
    });
  }
  return environment;
}
