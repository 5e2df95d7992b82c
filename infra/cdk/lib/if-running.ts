/** `IfRunning`: what a run does when tasks of an earlier run of the same resource still run. */
export enum IfRunning {
  /** Wait for them to stop (the runner's default). */
  WAIT = 'Wait',
  /** Stop them first. */
  STOP = 'Stop',
  /** Fail, naming them. */
  FAIL = 'Fail',
}
