export { EcsRunTask, RESOURCE_TYPE } from './ecs-run-task';
export {
  EcsTaskRunnerFunction,
  type EcsTaskRunnerFunctionProps,
  type IEcsTaskRunner,
  type ImportedRunnerOptions,
  RUNNER_BUNDLE_DIR,
} from './ecs-task-runner-function';
export { IfRunning } from './if-running';
export { ResourceRequirement } from './resource-requirement';
export { RunOn } from './run-on';
export { EcsTaskRunnerFindings } from './runner-findings';
export { TaskEvents } from './task-events';
export type {
  ContainerOverride,
  EcsRunTaskProps,
  ManagedEbsVolume,
  TaskOverrides,
  TaskVolumeConfiguration,
  TeardownTask,
  VolumeTagSpecification,
} from './run-task-props';
