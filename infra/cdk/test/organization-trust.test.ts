import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { EcsTaskRunnerFunction } from '../lib';
import { testApp } from './support/test-app';

const ORGANIZATION = 'o-a1b2c3d4e5';
const ROLE_NAME = 'ecs-task-runner-stack-status';

function runnerTemplate(id: string, props: { organizationId?: string; stackStatusRoleName?: string }): Template {
  const stack = new Stack(testApp(), id);
  new EcsTaskRunnerFunction(stack, 'Runner', props);
  return Template.fromStack(stack);
}

describe('EcsTaskRunnerFunction serving an Organization', () => {
  it('tells the function its Organization and role name, and may assume that role in the Organization only', () => {
    const template = runnerTemplate('Organization', { organizationId: ORGANIZATION, stackStatusRoleName: ROLE_NAME });

    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ ORGANIZATION_ID: ORGANIZATION, STACK_STATUS_ROLE_NAME: ROLE_NAME }),
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'ReadStacksInTheOrganization',
            Effect: 'Allow',
            Action: 'sts:AssumeRole',
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::*:role/${ROLE_NAME}`]] },
            Condition: { StringEquals: { 'aws:ResourceOrgID': ORGANIZATION } },
          },
        ]),
      },
    });
  });

  it('adds neither variable nor statement without an Organization', () => {
    const template = runnerTemplate('NoOrganization', {});
    const variables = Object.values(template.findResources('AWS::Lambda::Function')).map(
      (fn) =>
        (fn as { Properties: { Environment: { Variables: Record<string, unknown> } } }).Properties.Environment
          .Variables,
    );
    for (const found of variables) {
      expect(found).not.toHaveProperty('ORGANIZATION_ID');
      expect(found).not.toHaveProperty('STACK_STATUS_ROLE_NAME');
    }
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain('sts:AssumeRole');
  });

  it('serves an Organization without a role name: only the listed accounts and its own are read', () => {
    const template = runnerTemplate('OrganizationOnly', { organizationId: ORGANIZATION });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ ORGANIZATION_ID: ORGANIZATION }) },
    });
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain('sts:AssumeRole');
  });

  it.each([
    [{ stackStatusRoleName: ROLE_NAME }, 'stackStatusRoleName needs organizationId'],
    [{ organizationId: '123456789012' }, 'organizationId must be an AWS Organizations ID'],
    [{ organizationId: ORGANIZATION, stackStatusRoleName: 'role/x' }, 'stackStatusRoleName must be an IAM role name'],
  ])('refuses %j', (props, message) => {
    expect(() => runnerTemplate('Refused', props)).toThrow(message);
  });
});
