import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { EcsRunTask, EcsTaskRunnerFunction } from '../lib';
import { migrateDefinition, smallStack } from './support/small-stack';
import { resolveIntrinsics, type SynthesizedTemplate } from './support/template-values';

/**
 * IAM quotas ("IAM and AWS STS quotas", IAM User Guide): a role's inline policies may hold 10,240 characters in all
 * (whitespace not counted), and a role may have 10 managed policies attached by default.
 */
const INLINE_POLICY_CHARACTERS = 10_240;
const MANAGED_POLICIES = 10;

/** `runs` migrations on the stack's one runner, each with its own task definition, log group and task role override. */
function stackWithRuns(runs: number) {
  const { stack, cluster } = smallStack(`Runs${runs}`);
  for (let index = 0; index < runs; index++) {
    new EcsRunTask(stack, `Migrate${index}`, {
      cluster,
      taskDefinition: migrateDefinition(stack, `Definition${index}`),
      overrides: {
        containerOverrides: [{ containerName: 'migrate', command: ['migrate', `--tenant=${index}`] }],
        taskRole: new iam.Role(stack, `TenantRole${index}`, {
          assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
        }),
      },
      outputs: ['SchemaVersion'],
    });
  }
  const runner = EcsTaskRunnerFunction.of(stack);
  return {
    template: Template.fromStack(stack).toJSON() as SynthesizedTemplate,
    roleId: stack.getLogicalId((runner.role as iam.Role).node.defaultChild as iam.CfnRole),
  };
}

/**
 * Every reference as long as CloudFormation could make it: generated names run to 64 characters
 * (`<stack>-<LogicalId>-<suffix>`), inside an ARN of this account and region.
 */
function asDeployedAtMost(value: unknown): unknown {
  return resolveIntrinsics(value, ({ logicalId, attribute }) => {
    const name = logicalId.padEnd(64, 'X').slice(0, 64);
    if (logicalId === 'AWS::StackId')
      return `arn:aws:cloudformation:eu-west-1:123456789012:stack/${name}/0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9`;
    if (logicalId.startsWith('AWS::')) return logicalId === 'AWS::AccountId' ? '123456789012' : 'eu-west-1';
    return attribute ? `arn:aws:service:eu-west-1:123456789012:resource/${name}` : name;
  });
}

/** What the runner's role holds: the characters of its inline policies, as IAM counts them, and its managed policies. */
function roleQuotas({ template, roleId }: ReturnType<typeof stackWithRuns>) {
  const resources = Object.values(template.Resources);
  const attached = (resource: (typeof resources)[number]) =>
    JSON.stringify(resource.Properties?.Roles ?? []).includes(`"${roleId}"`);
  const inline = resources
    .filter((resource) => resource.Type === 'AWS::IAM::Policy' && attached(resource))
    .map((resource) => JSON.stringify(asDeployedAtMost(resource.Properties?.PolicyDocument)).length);
  const managed =
    resources.filter((resource) => resource.Type === 'AWS::IAM::ManagedPolicy' && attached(resource)).length +
    ((template.Resources[roleId]?.Properties?.ManagedPolicyArns as unknown[] | undefined)?.length ?? 0);
  return { inlineCharacters: inline.reduce((sum, size) => sum + size, 0), inlinePolicies: inline.length, managed };
}

describe('many runs on one runner', () => {
  const two = roleQuotas(stackWithRuns(2));
  const ten = roleQuotas(stackWithRuns(10));

  it('keep the runner role’s inline policies under IAM’s 10,240 characters and its managed policies under 10, with 10 runs', () => {
    expect(ten.inlineCharacters).toBeLessThan(INLINE_POLICY_CHARACTERS);
    expect(ten.managed).toBeLessThan(MANAGED_POLICIES);
  });

  it('add no policy per run, and only their own ARNs: a task definition, its roles and its log group', () => {
    // The runner's own (log writes, invoking itself) and the one for every run in the stack.
    expect(ten.inlinePolicies).toBe(3);
    expect(two.inlinePolicies).toBe(3);
    const perRun = (ten.inlineCharacters - two.inlineCharacters) / 8;
    // Five ARNs of at most ~140 characters each (the revision, the task, execution and override roles, the log group).
    expect(perRun).toBeLessThan(5 * 140);
  });
});
