import type { ContainerDefinition, TaskDefinition } from '@aws-sdk/client-ecs';
import { taskId } from '../shared/arns';

/** Where a container's `awslogs` log driver writes: enough to read the last lines of a failed task. */
export interface AwsLogsLocation {
  group: string;
  region?: string;
  /** Without a prefix (allowed on EC2) the stream is named after the Docker container ID: unknown to the runner. */
  streamPrefix?: string;
}

/** One container's awslogs stream of one task: the driver names it `prefix/container/task-id`. */
export interface AwsLogsStream {
  region: string;
  group: string;
  /** Unknown without an awslogs-stream-prefix. */
  stream?: string;
}

export function awsLogsStream(location: AwsLogsLocation, container: string, taskArn: string): AwsLogsStream {
  return {
    // Without awslogs-region the driver writes to the task's own region.
    region: location.region ?? (taskArn.split(':')[3] || 'us-east-1'),
    group: location.group,
    ...(location.streamPrefix ? { stream: `${location.streamPrefix}/${container}/${taskId(taskArn)}` } : {}),
  };
}

/** What the runner needs to know of a task definition. */
export interface TaskDefinitionFacts {
  arn: string;
  networkMode: string;
  /** Containers whose exit decides the task's outcome; non-essential sidecars are not judged. */
  essentialContainers: string[];
  containerNames: string[];
  /** awslogs locations of the essential containers that use that driver. */
  logs: Record<string, AwsLogsLocation>;
  /** The task reads secrets (Secrets Manager / SSM) or private registry credentials when it starts. */
  usesSecrets: boolean;
  /** Every volume of the task definition, and those among them whose EBS volume RunTask configures. */
  volumeNames: string[];
  configuredAtLaunchVolumes: string[];
  /** Placement constraints of the task definition: they count against RunTask's limit of 10. */
  placementConstraintCount: number;
}

export function taskDefinitionFacts(definition: TaskDefinition, requested: string): TaskDefinitionFacts {
  const containers = definition.containerDefinitions ?? [];
  const essential = containers.filter((container) => container.essential !== false);
  return {
    arn: definition.taskDefinitionArn ?? requested,
    // ECS's default network mode for EC2 is bridge; Fargate task definitions are always awsvpc.
    networkMode: definition.networkMode ?? 'bridge',
    // `essential` defaults to true when a container definition leaves it out.
    essentialContainers: names(essential),
    containerNames: names(containers),
    logs: Object.fromEntries(
      essential.flatMap((container) => {
        const location = awsLogsLocation(container);
        return container.name && location ? [[container.name, location] as const] : [];
      }),
    ),
    usesSecrets: containers.some(
      (container) => (container.secrets?.length ?? 0) > 0 || container.repositoryCredentials !== undefined,
    ),
    volumeNames: (definition.volumes ?? []).flatMap((volume) => (volume.name ? [volume.name] : [])),
    configuredAtLaunchVolumes: (definition.volumes ?? []).flatMap((volume) =>
      volume.name && volume.configuredAtLaunch === true ? [volume.name] : [],
    ),
    placementConstraintCount: definition.placementConstraints?.length ?? 0,
  };
}

function names(containers: readonly ContainerDefinition[]): string[] {
  return containers.flatMap((container) => (container.name ? [container.name] : []));
}

function awsLogsLocation(container: ContainerDefinition): AwsLogsLocation | undefined {
  const config = container.logConfiguration;
  const group = config?.options?.['awslogs-group'];
  if (config?.logDriver !== 'awslogs' || !group) return undefined;
  const region = config.options?.['awslogs-region'];
  const streamPrefix = config.options?.['awslogs-stream-prefix'];
  return { group, ...(region ? { region } : {}), ...(streamPrefix ? { streamPrefix } : {}) };
}
