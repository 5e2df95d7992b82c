import * as cdk from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { EcsTaskRunnerFunction } from './ecs-task-runner-function';
import { ORGANIZATION_POLICY_ID } from './organization-trust';
import { RunnerPermissions } from './task-permissions';

/** Why each statement of the runner's permissions names a wildcard resource, by Sid (without its cluster number). */
const WILDCARD_REASONS: Record<string, string> = {
  RunTheTaskDefinitionInTheCluster:
    'Every revision of the task definition family (RunOnRollback: a rollback runs the previous revision). Limited to the cluster by the ecs:cluster condition.',
  TagTasksAsTheyStart:
    "The tasks the runner tags as RunTask creates them: their IDs exist only once they start. Limited to the cluster's tasks by the ARN and to RunTask by ecs:CreateAction.",
  WatchAndStopTasksInTheCluster:
    "The tasks the runner watches and stops: their IDs exist only once RunTask has started them. Limited to the cluster's tasks by the ARN and the ecs:cluster condition.",
  DescribeContainerInstancesInTheCluster:
    "The cluster's container instances, read to explain a task that could not be placed (ENI capacity). Limited to the cluster by the ARN and the ecs:cluster condition.",
  ReadTheTaskLogs:
    "The streams of the task's log group (one per task and container, named after the task ID): read to quote a failed task's last log lines or its outputs.",
};
const STAR_REASON =
  'Only actions that accept no narrower resource (ecs:DescribeTaskDefinition, the ec2:Describe* calls that check the task network and instance ENI capacity) and ecs:ListTasks, limited to the cluster by the ecs:cluster condition.';

/** One finding of cdk-nag's AwsSolutions pack that the runner's design explains. */
interface Finding {
  construct: IConstruct;
  /** As cdk-nag names it, e.g. `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:...:task/<Cluster>/*]`. */
  id: string;
  reason: string;
}

/**
 * cdk-nag's AwsSolutions findings that the runner's permissions and function raise by design, acknowledged with
 * their reasons, so that an app checked by cdk-nag needs no suppressions of its own for them. No dependency on
 * cdk-nag: with aws-cdk-lib's `Validations` (cdk-nag 3) the acknowledgements are recorded there; without it (older
 * aws-cdk-lib, cdk-nag 2) as the `cdk_nag` metadata cdk-nag 2 reads.
 *
 * ```ts
 * EcsTaskRunnerFindings.acknowledge(stack); // before or after the stack's EcsRunTasks are created
 * ```
 */
export class EcsTaskRunnerFindings {
  /**
   * Acknowledges the findings of every runner function and runner permissions in `scope` (a stack, or the app), as
   * they are at synthesis: call it before or after the `EcsRunTask`s are created.
   */
  static acknowledge(scope: IConstruct): void {
    // Run before aspects of the default priority (cdk-nag 2's checks are one), and on `scope` itself before anything
    // in it is visited: cdk-nag 2 reads the metadata as it visits each resource.
    cdk.Aspects.of(scope).add(new AcknowledgeAtSynthesis(scope), { priority: cdk.AspectPriority.MUTATING });
  }

  private constructor() {}
}

/** Records the findings once, when synthesis reaches `scope`: the grants are complete by then. */
class AcknowledgeAtSynthesis implements cdk.IAspect {
  private recorded = false;

  constructor(private readonly scope: IConstruct) {}

  visit(node: IConstruct): void {
    if (node !== this.scope || this.recorded) return;
    this.recorded = true;
    const findings = this.scope.node.findAll().flatMap((construct): Finding[] => {
      if (construct instanceof RunnerPermissions) return permissionFindings(construct.policy);
      if (construct instanceof EcsTaskRunnerFunction) return functionFindings(construct);
      return [];
    });
    for (const finding of findings) record(finding);
  }
}

function permissionFindings(policy: iam.Policy): Finding[] {
  const stack = cdk.Stack.of(policy);
  const statements = (stack.resolve(policy.document) as { Statement?: { Sid?: string; Resource?: unknown }[] })
    .Statement;
  const ids = new Map<string, string>();
  for (const statement of statements ?? []) {
    const resources = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
    for (const resource of resources.map(asNagNames)) {
      if (!resource.includes('*')) continue;
      const sid = (statement.Sid ?? '').replace(/\d+$/, '');
      ids.set(
        `AwsSolutions-IAM5[Resource::${resource}]`,
        resource === '*' ? STAR_REASON : (WILDCARD_REASONS[sid] ?? STAR_REASON),
      );
    }
  }
  return [...ids].map(([id, reason]) => ({ construct: policy, id, reason }));
}

function functionFindings(runner: EcsTaskRunnerFunction): Finding[] {
  const invokeItself = runner.node.tryFindChild('InvokeItself');
  const functionResource = runner.function.node.defaultChild as cdk.CfnResource;
  const findings: Finding[] = [
    {
      construct: runner.function,
      id: 'AwsSolutions-L1',
      reason:
        'The runner is built and tested for nodejs22.x (esbuild target, the moto tests); it moves to a newer runtime once it is tested there.',
    },
  ];
  findings.push({
    construct: runner.failedEvents,
    id: 'AwsSolutions-SQS3',
    reason:
      "The queue is the function's on-failure destination, itself the last stop: it keeps the records of events Lambda gave up on for a person to read (an alarm watches it), and a record Lambda cannot deliver raises the DestinationDeliveryFailures alarm.",
  });
  if (runner.taskEvents) {
    findings.push({
      construct: runner.taskEvents.deadLetters,
      id: 'AwsSolutions-SQS3',
      reason:
        "The queue is the task-events rule's dead-letter queue, itself the last stop: it keeps the ECS events EventBridge could not hand to the function, for a person to read.",
    });
  }
  const organization = runner.node.tryFindChild(ORGANIZATION_POLICY_ID);
  if (organization instanceof iam.Policy)
    for (const finding of permissionFindings(organization))
      findings.push({
        ...finding,
        reason:
          "The stack-status role of one name (StackStatusRoleName) in every account of the Organization: the accounts are not known in advance. Limited to the Organization's accounts by the aws:ResourceOrgID condition.",
      });
  if (invokeItself) {
    findings.push({
      construct: invokeItself,
      id: `AwsSolutions-IAM5[Resource::<${cdk.Stack.of(runner).getLogicalId(functionResource)}.Arn>:*]`,
      reason:
        "The function's own versions and aliases: a ServiceToken may name one, and the hand-off invokes the ARN it was invoked as.",
    });
  }
  return findings;
}

/** A resolved value as cdk-nag writes it in a finding: `Ref` as `<Id>`, `Fn::GetAtt` as `<Id.Attribute>`. */
function asNagNames(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null) return String(value);
  const record = value as Record<string, unknown>;
  if (typeof record.Ref === 'string') return `<${record.Ref}>`;
  const getAtt = record['Fn::GetAtt'];
  if (Array.isArray(getAtt)) return `<${getAtt.join('.')}>`;
  const join = record['Fn::Join'];
  if (Array.isArray(join)) {
    const [separator, parts] = join as [string, unknown[]];
    return parts.map(asNagNames).join(separator);
  }
  return JSON.stringify(value);
}

function record({ construct, id, reason }: Finding): void {
  const validations = (cdk as { Validations?: typeof cdk.Validations }).Validations;
  if (validations) {
    validations.of(construct).acknowledge({ id, reason });
    return;
  }
  // cdk-nag 2: `rules_to_suppress` in the resource's metadata, a granular finding as `applies_to`.
  const resource = (construct.node.defaultChild ?? construct) as cdk.CfnResource;
  const [rule, appliesTo] = /^([^[]+)(?:\[(.*)\])?$/.exec(id)?.slice(1) ?? [id];
  const existing = (resource.getMetadata('cdk_nag') as { rules_to_suppress?: unknown[] } | undefined)
    ?.rules_to_suppress;
  resource.addMetadata('cdk_nag', {
    rules_to_suppress: [...(existing ?? []), { id: rule, reason, ...(appliesTo ? { applies_to: [appliesTo] } : {}) }],
  });
}
