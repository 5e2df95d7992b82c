import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { type Answer, responseBody } from '../response/answer';
import type { ResponseBody } from '../response/response-body';
import { answeredPhysicalResourceId } from '../shared/resource-identity';

/** The body CloudFormation receives for `answer` to `request`: what is sent, and what must fit its 4096 bytes. */
export function answerBody(request: CloudFormationCustomResourceEvent, answer: Answer): ResponseBody {
  return responseBody(request, answer, answeredPhysicalResourceId(request));
}
