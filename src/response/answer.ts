import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { answeredPhysicalResourceId } from '../shared/resource-identity';
import type { ResponseBody } from './response-body';

/** What the runner answers CloudFormation, before the protocol's fields are added. */
export interface Answer {
  status: 'SUCCESS' | 'FAILED';
  reason?: string;
  data?: Record<string, string>;
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
