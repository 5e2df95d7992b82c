import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { answeredPhysicalResourceId } from '../shared/resource-identity';
import type { ResponseBody } from './response-body';

/** What the runner answers CloudFormation, before the protocol's fields are added. */
export interface Answer {
  status: 'SUCCESS' | 'FAILED';
  reason?: string;
  data?: Record<string, string>;
  /** Why the request ended so, for the metrics (never sent): absent, `succeeded` for SUCCESS and `error` for FAILED. */
  cause?: AnswerCause;
  /** The tasks of the attempt that ended, for the metrics (never sent). */
  tasks?: AnsweredTasks;
}

/**
 * Why a request ended as it did: the `Cause` dimension of the `Runs` metric, a handful of values decided where the
 * answer is made, never taken from a Reason's words.
 */
export type AnswerCause =
  'succeeded' | 'task-failed' | 'timed-out' | 'start-failed' | 'refused' | 'cancelled' | 'error';

/** How many attempts the run took, and when the tasks of the one that ended started and exited (epoch ms). */
export interface AnsweredTasks {
  attempts: number;
  /** When RunTask started them; absent when none started. */
  startedAt?: number;
  /** The last task's exit (ECS's `executionStoppedAt`, else `stoppingAt` or `stoppedAt`), when ECS said. */
  exitedAt?: number;
}

/** The answer's cause: its own, or what its status says. */
export function causeOf(answer: Answer): AnswerCause {
  return answer.cause ?? (answer.status === 'SUCCESS' ? 'succeeded' : 'error');
}

/** The request fields CloudFormation wants copied into the response. */
export interface AnsweredRequest {
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
}

/** Said when a FAILED answer has no reason of its own: CloudFormation requires one. */
export const MISSING_REASON = 'The runner failed without a recorded reason; see its logs.';

/** The response body for an answer: CloudFormation requires a Reason with FAILED and a PhysicalResourceId always. */
export function responseBody(request: AnsweredRequest, answer: Answer, physicalResourceId: string): ResponseBody {
  return {
    Status: answer.status,
    ...(answer.reason || answer.status === 'FAILED' ? { Reason: answer.reason || MISSING_REASON } : {}),
    PhysicalResourceId: physicalResourceId,
    StackId: request.StackId,
    RequestId: request.RequestId,
    LogicalResourceId: request.LogicalResourceId,
    ...(answer.data ? { Data: answer.data } : {}),
  };
}

/**
 * The body CloudFormation receives for `answer` to `request`: what is sent, and what must fit its 4096 bytes. A failed
 * Create's PhysicalResourceId carries the failed-Create mark (shared/resource-identity.ts).
 */
export function answerBody(request: CloudFormationCustomResourceEvent, answer: Answer): ResponseBody {
  return responseBody(request, answer, answeredPhysicalResourceId(request, answer.status));
}
