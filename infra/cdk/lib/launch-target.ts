import { Token } from 'aws-cdk-lib';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type { IConstruct } from 'constructs';
import { runsOnFargate } from '../parser';
import type { EcsRunTaskProps } from './run-task-props';
import type { RunTarget } from './runner-properties';

/** `LaunchType` or `CapacityProviderStrategy` as the resource writes them; neither: the cluster's default strategy. */
export type LaunchTarget = Pick<RunTarget, 'launchType' | 'capacityProviderStrategy'>;

/**
 * Where RunTask places the task, never left to chance: RunTask without a launch type or strategy uses the cluster's
 * default capacity provider strategy, and EC2 on a cluster without one — a Fargate-only task definition would fail
 * there on deploy. In order: the props; the service's (a service the app defines); the cluster's default capacity
 * provider strategy when the app gave the cluster one (left to RunTask, as the service would be); the task
 * definition's only compatibility. Else, and for a launch target the task definition cannot run on, a synth error.
 */
export function launchTarget(
  scope: IConstruct,
  props: EcsRunTaskProps,
  service: ecs.CfnService | undefined,
  cluster: ecs.ICluster,
  taskDefinition: ecs.TaskDefinition,
): LaunchTarget {
  if (props.launchType && props.capacityProviderStrategies) {
    throw new Error(`${scope.node.path}: give \`launchType\` or \`capacityProviderStrategies\`, not both`);
  }
  const target: LaunchTarget = props.capacityProviderStrategies
    ? { capacityProviderStrategy: props.capacityProviderStrategies.map(toStrategyItem) }
    : props.launchType
      ? { launchType: props.launchType }
      : service
        ? serviceLaunch(service)
        : clusterDefault(cluster)
          ? {}
          : onlyCompatibility(scope, taskDefinition);
  const problem = incompatibility(target, clusterDefault(cluster), taskDefinition);
  if (problem) throw new Error(`${scope.node.path}: ${problem}`);
  return target;
}

function toStrategyItem(item: ecs.CapacityProviderStrategy) {
  return {
    CapacityProvider: item.capacityProvider,
    ...(item.weight !== undefined ? { Weight: item.weight } : {}),
    ...(item.base !== undefined ? { Base: item.base } : {}),
  };
}

/** A cluster of the app (`ecs.Cluster`) has a default capacity provider strategy as far as it is given yet. */
function clusterDefault(cluster: ecs.ICluster): ecs.CapacityProviderStrategy[] | undefined {
  const strategy = (cluster as { defaultCapacityProviderStrategy?: ecs.CapacityProviderStrategy[] })
    .defaultCapacityProviderStrategy;
  return strategy && strategy.length > 0 ? strategy : undefined;
}

/** The compatibilities the task definition declares, as ECS names them (`requiresCompatibilities`). */
function compatibilities(taskDefinition: ecs.TaskDefinition): string[] {
  const managedInstances = (taskDefinition as { isManagedInstancesCompatible?: boolean }).isManagedInstancesCompatible;
  return [
    taskDefinition.isFargateCompatible ? 'FARGATE' : undefined,
    taskDefinition.isEc2Compatible ? 'EC2' : undefined,
    taskDefinition.isExternalCompatible ? 'EXTERNAL' : undefined,
    managedInstances ? 'MANAGED_INSTANCES' : undefined,
  ].filter((name): name is string => name !== undefined);
}

function onlyCompatibility(scope: IConstruct, taskDefinition: ecs.TaskDefinition): LaunchTarget {
  const declared = compatibilities(taskDefinition);
  const only = declared.length === 1 ? declared[0] : undefined;
  // Managed Instances run only through a capacity provider of that kind: there is no such launch type.
  if (only && only !== 'MANAGED_INSTANCES') return { launchType: only };
  throw new Error(
    `${scope.node.path}: nothing says where the task runs: ${taskDefinition.node.path} is compatible with ${declared.join(' and ')}, and no \`service\` or cluster default capacity provider strategy chooses; give \`launchType\` (e.g. ecs.LaunchType.FARGATE) or \`capacityProviderStrategies\``,
  );
}

/** Why the task definition cannot run where the target places it; undefined when it can, or when that is not known. */
function incompatibility(
  target: LaunchTarget,
  clusterStrategy: ecs.CapacityProviderStrategy[] | undefined,
  taskDefinition: ecs.TaskDefinition,
): string | undefined {
  const declared = compatibilities(taskDefinition);
  const definition = `${taskDefinition.node.path} is compatible with ${declared.join(' and ')} only`;
  if (target.launchType) {
    if (declared.includes(target.launchType)) return undefined;
    return `launch type ${target.launchType} cannot run the task: ${definition}; give \`launchType\` ${declared[0] ?? ''} or \`capacityProviderStrategies\` that match, or a task definition for ${target.launchType}`;
  }
  const strategy =
    target.capacityProviderStrategy?.map((item) => item.CapacityProvider) ??
    clusterStrategy?.map((item) => item.capacityProvider);
  // A name only the deployment knows is a capacity provider of the app (an ASG's): Fargate's are the literals.
  if (!strategy) return undefined;
  const fargate = runsOnFargate({ capacityProviderStrategy: strategy.map((name) => ({ capacityProvider: name })) });
  const whose = target.capacityProviderStrategy
    ? 'the capacity provider strategy'
    : "the cluster's default capacity provider strategy";
  if (fargate && !declared.includes('FARGATE')) {
    return `${whose} (${strategy.join(', ')}) places the task on Fargate: ${definition}; give \`launchType\` or \`capacityProviderStrategies\` that match`;
  }
  if (!fargate && declared.length === 1 && declared[0] === 'FARGATE') {
    return `${whose} (${strategy.join(', ')}) places the task on instances: ${definition}; give \`launchType\` FARGATE or a strategy of FARGATE or FARGATE_SPOT`;
  }
  return undefined;
}

/** The service's own launch type or capacity provider strategy; neither when it uses the cluster's default. */
function serviceLaunch(service: ecs.CfnService): LaunchTarget {
  const strategy = service.capacityProviderStrategy;
  if (Array.isArray(strategy) && strategy.length > 0) {
    return {
      capacityProviderStrategy: strategy.map((item) => {
        if (
          Token.isUnresolved(item) ||
          typeof item !== 'object' ||
          !('capacityProvider' in item) ||
          !item.capacityProvider
        ) {
          throw new Error(
            `${service.node.path}: its capacity provider strategy is not known at synth time; give \`capacityProviderStrategies\``,
          );
        }
        return {
          CapacityProvider: item.capacityProvider,
          ...(item.weight !== undefined ? { Weight: item.weight } : {}),
          ...(item.base !== undefined ? { Base: item.base } : {}),
        };
      }),
    };
  }
  return service.launchType ? { launchType: service.launchType } : {};
}
