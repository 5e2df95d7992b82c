import { Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type { IConstruct } from 'constructs';
import { parseRunnerProperties } from '../parser';
import type { EcsRunTaskProps, TaskOverrides } from './run-task-props';

/** What stands for a value only the deployment knows (a `Ref`, an ARN): the runner's parser sees it as a string. */
const DEPLOY_TIME = '<deploy-time value>';

/**
 * Registers the checks a deployment would otherwise fail on, run at synthesis (`node.addValidation`): the
 * properties through the runner's own parser (bundled in this package), container names against the task
 * definitions, network props against the network mode.
 */
export function validateAtSynth(
  scope: IConstruct,
  props: EcsRunTaskProps,
  taskDefinition: ecs.TaskDefinition,
  properties: () => Record<string, unknown>,
): void {
  scope.node.addValidation({
    validate: () => [
      ...networkModeProblems(props, taskDefinition),
      ...containerProblems('overrides', props.overrides, taskDefinition),
      ...containerProblems(
        'onDelete.overrides',
        props.onDelete?.overrides,
        props.onDelete?.taskDefinition ?? taskDefinition,
      ),
      ...runnerProblems(scope, properties()),
    ],
  });
}

function networkModeProblems(props: EcsRunTaskProps, taskDefinition: ecs.TaskDefinition): string[] {
  if (taskDefinition.networkMode === ecs.NetworkMode.AWS_VPC) return [];
  const given = (['vpcSubnets', 'securityGroups', 'assignPublicIp'] as const).filter(
    (name) => props[name] !== undefined,
  );
  if (given.length === 0) return [];
  return [
    `${given.join(', ')}: ${taskDefinition.node.path} uses network mode ${taskDefinition.networkMode}, and only awsvpc tasks take subnets, security groups or a public IP; remove them, or give the task definition networkMode AWS_VPC`,
  ];
}

function containerProblems(
  prop: string,
  overrides: TaskOverrides | undefined,
  taskDefinition: ecs.TaskDefinition,
): string[] {
  return (overrides?.containerOverrides ?? []).flatMap((container, index) => {
    if (taskDefinition.findContainer(container.containerName)) return [];
    const names = taskDefinition.node.children
      .filter((child): child is ecs.ContainerDefinition => child instanceof ecs.ContainerDefinition)
      .map((child) => child.containerName);
    return [
      `${prop}.containerOverrides[${index}].containerName: ${JSON.stringify(container.containerName)} is not a container of ${taskDefinition.node.path} (${names.length > 0 ? `it has ${names.join(', ')}` : 'it has none'}); RunTask would fail on deploy`,
    ];
  });
}

/** The runner's verdict on what it would receive, as far as synthesis knows it: deploy-time values pass. */
function runnerProblems(scope: IConstruct, properties: Record<string, unknown>): string[] {
  let placeholders = 0;
  const asSent = asCloudFormationSends(Stack.of(scope).resolve(properties), '', () => String(++placeholders));
  const parsed = parseRunnerProperties(asSent as Record<string, unknown>);
  if (parsed.kind === 'valid') return [];
  return parsed.problems
    .filter((problem) => !problem.includes(DEPLOY_TIME))
    .map((problem) => `${problem} (the runner would answer FAILED on deploy)`);
}

/**
 * As CloudFormation delivers properties: every scalar a string. An intrinsic function becomes a value of the shape
 * the runner checks where it can tell (a subnet or security group ID, a role ARN), so that the checks that combine
 * properties still run; else a placeholder whose problems are dropped.
 */
function asCloudFormationSends(value: unknown, key: string, next: () => string): unknown {
  if (value === undefined || value === null) return value;
  // A construct's props hold no functions or symbols: a value that is not an object is a string, number or boolean.
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return value.map((item) => asCloudFormationSends(item, key, next));
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1 && (entries[0]?.[0] === 'Ref' || entries[0]?.[0].startsWith('Fn::'))) {
    return deployTimeValue(key, next());
  }
  return Object.fromEntries(entries.map(([name, item]) => [name, asCloudFormationSends(item, name, next)]));
}

/** Each one distinct (`unique`), as the resources they stand for are. */
function deployTimeValue(key: string, unique: string): string {
  if (key === 'Subnets') return `subnet-0deploytime${unique}`;
  if (key === 'SecurityGroups') return `sg-0deploytime${unique}`;
  if (key.endsWith('RoleArn')) return `arn:aws:iam::123456789012:role/deploy-time-${unique}`;
  return DEPLOY_TIME;
}
