import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { InvalidPropertiesError, PreflightError } from './errors';
import type { Answer } from './lifecycle/answer';
import { isContinuationEvent } from './lifecycle/continuation';
import { handleContinuation, handleRequest } from './lifecycle/handle-request';
import { physicalResourceId } from './lifecycle/resource-identity';
import type { LifecycleDependencies, RequestOutcome } from './lifecycle/run-tasks';
import type { HttpPut } from './response/http-put';
import { checkResponseUrl, redactUrl } from './response/response-url';
import { sendResponse } from './response/send-response';
import { redactProperties } from './runtime/redact';

export interface HandlerDependencies extends LifecycleDependencies {
  http: HttpPut;
  /** RESPONSE_URL_ALLOWED_HOSTS: replaces the AWS hosts a ResponseURL may point to (local testing). */
  allowedResponseHosts?: string;
}

/**
 * Handles one invocation — a CloudFormation request, or a hand-off from an earlier invocation — so that the
 * request is answered exactly once: by the invocation that finishes it, also when something unexpected fails.
 * Never throws, so Lambda never retries an invocation and runs the tasks a second time.
 */
export async function handleEvent(event: unknown, deps: HandlerDependencies): Promise<void> {
  const { log } = deps;
  const continuation = isContinuationEvent(event) ? event : undefined;
  const request = continuation?.request ?? event;
  if (!isCloudFormationRequest(request)) {
    log.error('Not a CloudFormation custom resource request: nothing to do, nobody to answer');
    return;
  }
  let url: URL;
  try {
    url = checkResponseUrl(request.ResponseURL, deps.allowedResponseHosts);
  } catch (error) {
    log.error('Refused the ResponseURL: it will not be contacted, and CloudFormation will time out waiting', {
      problem: error instanceof Error ? error.message : String(error),
      responseUrl: redactUrl(request.ResponseURL),
    });
    return;
  }
  log.info(continuation ? 'Taking over the watch' : 'Request', {
    requestType: request.RequestType,
    stackId: request.StackId,
    logicalResourceId: request.LogicalResourceId,
    requestId: request.RequestId,
    responseUrl: redactUrl(request.ResponseURL),
    properties: redactProperties(request.ResourceProperties),
    ...(continuation ? { handOffs: continuation.handOffs, taskArns: continuation.watch.taskArns } : {}),
  });

  let answer: Answer;
  try {
    const outcome: RequestOutcome = continuation ? await handleContinuation(continuation, deps) : await handleRequest(request, deps);
    if (outcome.kind === 'handed-off') return;
    answer = outcome.answer;
  } catch (error) {
    answer = answerForError(request, error);
    if (!(error instanceof InvalidPropertiesError || error instanceof PreflightError)) log.error('Unexpected error', { error: String(error), stack: error instanceof Error ? error.stack : undefined });
  }

  try {
    await sendResponse(
      url,
      {
        Status: answer.status,
        // CloudFormation requires a Reason with FAILED.
        ...(answer.reason || answer.status === 'FAILED' ? { Reason: answer.reason || 'The runner failed without a recorded reason; see its logs.' } : {}),
        PhysicalResourceId: physicalResourceId(request),
        StackId: request.StackId,
        RequestId: request.RequestId,
        LogicalResourceId: request.LogicalResourceId,
        ...(answer.data ? { Data: answer.data } : {}),
      },
      deps,
    );
  } catch (error) {
    log.error('Could not answer CloudFormation', { error: String(error), responseUrl: redactUrl(request.ResponseURL) });
  }
}

function answerForError(request: CloudFormationCustomResourceEvent, error: unknown): Answer {
  const message = error instanceof InvalidPropertiesError || error instanceof PreflightError ? error.message : `Unexpected error: ${String(error)}`;
  // A Delete never fails the stack (see handle-request.ts).
  if (request.RequestType === 'Delete') return { status: 'SUCCESS', reason: `Deleted; cleaning up failed: ${message}` };
  return { status: 'FAILED', reason: message };
}

function isCloudFormationRequest(event: unknown): event is CloudFormationCustomResourceEvent {
  if (typeof event !== 'object' || event === null) return false;
  const candidate = event as Record<string, unknown>;
  return (
    (candidate.RequestType === 'Create' || candidate.RequestType === 'Update' || candidate.RequestType === 'Delete') &&
    typeof candidate.StackId === 'string' &&
    typeof candidate.RequestId === 'string' &&
    typeof candidate.LogicalResourceId === 'string'
  );
}
