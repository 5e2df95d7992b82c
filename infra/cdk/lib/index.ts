export { EcsRunTask, RESOURCE_TYPE } from './ecs-run-task';
export {
  EcsTaskRunnerFunction,
  type EcsTaskRunnerFunctionProps,
  type IEcsTaskRunner,
  type ImportedRunnerOptions,
  RUNNER_BUNDLE_DIR,
} from './ecs-task-runner-function';
export type { ContainerOverride, EcsRunTaskProps, IfRunning, TaskOverrides, TeardownTask } from './run-task-props';
export type { RunnerPropertyName, RunnerTemplateProperties } from './runner-properties';
