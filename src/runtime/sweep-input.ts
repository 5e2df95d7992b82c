/**
 * What the runner's schedule sends (EventBridge Scheduler's constant input, infra/task-runner.yml's SweepSchedule and
 * the CDK construct's): not a CloudFormation request but a call to sweep (src/sweep/). The number is the input's
 * version, so a later form can be told apart; a schedule that sends another value is not a sweep.
 */
export const SWEEP_INPUT = { ecsTaskRunnerSweep: 1 } as const;

export function isSweepInput(event: unknown): boolean {
  return (
    typeof event === 'object' &&
    event !== null &&
    (event as Record<string, unknown>).ecsTaskRunnerSweep === SWEEP_INPUT.ecsTaskRunnerSweep
  );
}
