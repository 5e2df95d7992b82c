import type { TaskDefinition } from '@aws-sdk/client-ecs';

/** What the runner needs to know of a task definition. */
export interface TaskDefinitionFacts {
  arn: string;
  networkMode: string;
  /** Containers whose exit decides the task's outcome; non-essential sidecars are not judged. */
  essentialContainers: string[];
  containerNames: string[];
}

export function taskDefinitionFacts(definition: TaskDefinition, requested: string): TaskDefinitionFacts {
  const containers = definition.containerDefinitions ?? [];
  return {
    arn: definition.taskDefinitionArn ?? requested,
    // ECS's default network mode for EC2 is bridge; Fargate task definitions are always awsvpc.
    networkMode: definition.networkMode ?? 'bridge',
    // `essential` defaults to true when a container definition leaves it out.
    essentialContainers: containers.filter((c) => c.essential !== false).flatMap((c) => (c.name ? [c.name] : [])),
    containerNames: containers.flatMap((c) => (c.name ? [c.name] : [])),
  };
}
