/** When an Update of the stack runs the task again (a Create always runs it). */
export enum RunOn {
  /**
   * Only when what runs changes: the cluster, task definition (a new revision), overrides, network, launch settings,
   * count or `triggers`. A change of `pollInterval`, `logLines`, `timeout` and the like updates the resource without
   * running the task. The default. Needs a runner that knows `RerunOn` (this package's own does); for an older
   * runner imported with `fromFunctionArn`, use `ANY_CHANGE`.
   */
  TASK_CHANGE = 'TaskChange',
  /** On any change of the resource's properties (the runner's own default, `RunOnUpdate: true`). */
  ANY_CHANGE = 'AnyChange',
  /**
   * On every deployment: the construct writes a new value into `Triggers` at each synthesis, so the synthesized
   * template changes every time (`cdk diff` always shows this resource).
   */
  EVERY_DEPLOY = 'EveryDeploy',
}
