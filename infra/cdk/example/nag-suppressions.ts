import { type CfnElement, Validations } from 'aws-cdk-lib';
import type { TodobackendStack } from './todobackend-stack';

/**
 * The AwsSolutions findings the example keeps, each with why. All come from the runner: its runtime, and the
 * wildcards IAM needs for IDs that exist only once tasks start. Finding IDs name resources as cdk-nag does
 * (`<LogicalId>`, `<LogicalId.Attribute>`).
 */
export function acknowledgeJustifiedFindings(stack: TodobackendStack): void {
  const ref = (element: unknown): string => `<${stack.getLogicalId(element as CfnElement)}>`;
  const runner = stack.migrate.runner;
  const region = 'arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>';
  const cluster = ref(stack.service.cluster.node.defaultChild);

  if (stack.migrate.policy) {
    const runnerPermissions = (finding: string, reason: string): void =>
      Validations.of(stack.migrate.policy as NonNullable<typeof stack.migrate.policy>).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${finding}]`,
        reason,
      });
    runnerPermissions(
      `${region}:task-definition/${stack.migrateTaskDefinition.family}:*`,
      'Every revision of the one task definition family: an update registers a new revision, and its rollback runs the old one. Limited to the cluster by the ecs:cluster condition.',
    );
    runnerPermissions(
      `${region}:task/${cluster}/*`,
      "The tasks the runner starts, tags as they start, watches and stops: their IDs exist only once RunTask has started them. Limited to the cluster's tasks by the ARN, and further by the ecs:cluster condition (DescribeTasks, StopTask) or ecs:CreateAction RunTask (TagResource).",
    );
    runnerPermissions(
      '*',
      'Only ecs:DescribeTaskDefinition and the ec2:Describe* calls, which accept no narrower resource, and ecs:ListTasks, which is limited to the cluster by the ecs:cluster condition.',
    );
    runnerPermissions(
      `arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:${ref(stack.taskLogGroup.node.defaultChild)}:*`,
      "The streams of the task log group (one per task and container, named after the task ID): read to quote a failed migration's last log lines.",
    );
  }

  const invokeItself = runner.node.tryFindChild('InvokeItself');
  const runnerFunction = runner.node.tryFindChild('Function');
  if (invokeItself && runnerFunction) {
    Validations.of(invokeItself).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(runnerFunction.node.defaultChild as CfnElement)}.Arn>:*]`,
      reason:
        "The function's own versions and aliases: a ServiceToken may name one, and the hand-off invokes the ARN it was invoked as.",
    });
    Validations.of(runnerFunction).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'The runner is built and tested for nodejs22.x (esbuild target, the moto tests); it moves to a newer runtime once it is tested there.',
    });
  }
}
