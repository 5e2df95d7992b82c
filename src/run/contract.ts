import type { CloudFormationCustomResourceCreateEvent, CloudFormationCustomResourceUpdateEvent } from 'aws-lambda';
import type { AwsPorts } from '../aws/ports';
import type { Answer } from '../response/answer';
import type { Clock } from '../runtime/clock';
import type { Invocation } from '../runtime/invocation';
import type { Log } from '../runtime/log';

/**
 * What every request handler and run step is given: the AWS ports, time, the Lambda invocation and the log. A function
 * that needs less takes `Pick<RunnerDeps, …>`.
 */
export interface RunnerDeps {
  aws: AwsPorts;
  clock: Clock;
  invocation: Invocation;
  log: Log;
  /**
   * EVENT_DRIVEN_COMPLETION is 'true': the template's rule sends the function ECS Task State Change events, so a run
   * with a state table may park and be woken by them (parking.ts). Absent or false: the run polls, as it always did.
   */
  eventDriven?: boolean;
  /**
   * STACK_STATUS_ROLE_NAME: the role, of the same name in every account, that reads a stack of another account when
   * the resource gives no StackStatusRoleArn.
   */
  stackStatusRoleName?: string;
}

/** A request that runs tasks. */
export type RunRequest = CloudFormationCustomResourceCreateEvent | CloudFormationCustomResourceUpdateEvent;

/**
 * How a request ended in this invocation: with the answer for CloudFormation, handed to a fresh invocation, left
 * to another invocation that already holds the run (a duplicate hand-off: run-item.ts), which answers it, or parked
 * in the state table until an ECS event (or the sweep) wakes it (parking.ts).
 */
export type RequestOutcome =
  { kind: 'answer'; answer: Answer } | { kind: 'handed-off' } | { kind: 'held-elsewhere' } | { kind: 'parked' };

export function answered(answer: Answer): RequestOutcome {
  return { kind: 'answer', answer };
}
