import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { type Answer, answerBody } from '../response/answer';
import type { HttpPut } from '../response/http-put';
import { checkResponseUrl, extraResponseEndpoints, redactUrl } from '../response/response-url';
import { sendResponse } from '../response/send-response';
import { redactProperties } from '../runtime/redact';
import { accountsServed, answerToUnservedAccount, checkStackAccount } from './accounts-served';
import { carryOutRequest, resumeRun, resumeWokenRun } from './carry-out-request';
import { claimAnswer, markAnswered, type AnswerClaim } from '../run/answer-claim';
import { parkingOf } from '../run/parking';
import type { Run } from '../run/run-state';
import type { StateTableApi } from '../aws/ports';
import { errorName, errorSummary } from '../aws/aws-errors';
import { isContinuationEvent, runOf } from '../run/continuation';
import { explainError, logIfUnexpected } from '../answers/error-explanation';
import { answered, type RunnerDeps, type RequestOutcome } from '../run/contract';
import { unexplainedError } from '../answers/wording';
import { cloudFormationWait } from '../run/deadline';
import { noMetrics, type RunnerMetrics } from '../runtime/metrics';

/** What answerCloudFormation is given: the runner's dependencies, and the settings of where answers may go. */
export interface AnswerDeps extends RunnerDeps {
  http: HttpPut;
  /** RESPONSE_URL_ALLOWED_HOSTS: replaces CloudFormation's response bucket as where answers may go (local testing). */
  allowedResponseHosts?: string;
  /** RESPONSE_URL_EXTRA_ENDPOINTS: S3 endpoints (`<host>/<bucket>`) added to those derived from the runner's partition. */
  extraResponseEndpoints?: string;
  /** ALLOWED_ACCOUNT_IDS: accounts besides the function's own whose stacks the runner serves. */
  allowedAccountIds?: string;
  /** The event came through the SNS topic: a request, never a hand-off, which only the runner itself sends. */
  throughTopic?: boolean;
  /** Where the invocation's figures go (EMF lines written when it ends); none by default. */
  metrics?: RunnerMetrics;
}

/**
 * Takes one invocation — a CloudFormation request, or a hand-off from an earlier invocation — and makes sure the
 * request is answered exactly once: by the invocation that finishes it, also when something unexpected fails.
 * Never throws, so Lambda never retries an invocation and runs the tasks a second time.
 */
export async function answerCloudFormation(event: unknown, deps: AnswerDeps): Promise<void> {
  const { log } = deps;
  const metrics = deps.metrics ?? noMetrics;
  // A hand-off written by any runner version is converted here, once: everything below sees the current run.
  const continuation = !deps.throughTopic && isContinuationEvent(event) ? runOf(event) : undefined;
  const request = continuation?.request ?? event;
  if (!isCloudFormationRequest(request)) {
    log.error('Not a CloudFormation custom resource request: nothing to do, nobody to answer');
    metrics.add('RefusedEvents', 1, { Refused: 'NotARequest' });
    return;
  }
  // Before any AWS call: a request that names somewhere else to answer to is nobody's to run.
  const extra = extraResponseEndpoints(deps.extraResponseEndpoints);
  if (extra.ignored.length > 0)
    log.warn('RESPONSE_URL_EXTRA_ENDPOINTS has entries that are not <S3 endpoint host>/<bucket>; they are ignored', {
      ignored: extra.ignored,
    });
  const checked = checkResponseUrl(request.ResponseURL, {
    allowedHosts: deps.allowedResponseHosts,
    extraEndpoints: deps.extraResponseEndpoints,
    functionArn: deps.invocation.functionArn,
  });
  if (checked.kind === 'refused') {
    log.error('Refused the ResponseURL: nothing was started, and nothing will be sent to it', {
      problem: checked.problem,
      ...(checked.host === undefined ? {} : { host: checked.host }),
    });
    metrics.add('RefusedEvents', 1, { Refused: 'ResponseURL' });
    return;
  }
  const { url } = checked;
  log.info(continuation ? 'Taking over the watch' : 'Request', {
    requestType: request.RequestType,
    stackId: request.StackId,
    logicalResourceId: request.LogicalResourceId,
    requestId: request.RequestId,
    responseUrl: redactUrl(request.ResponseURL),
    properties: redactProperties(request.ResourceProperties),
    ...(continuation ? { handOffs: continuation.handOffs, state: continuation.state } : {}),
  });

  const served = accountsServed(deps.invocation.functionArn, deps.allowedAccountIds);
  if (served.ignored.length > 0)
    log.warn('ALLOWED_ACCOUNT_IDS has entries that are not 12-digit account IDs; they are ignored', {
      ignored: served.ignored,
    });
  const account = checkStackAccount(request.StackId, served);
  if (account.kind === 'refused') {
    log.error("Refused the request: the stack's account is not one this runner serves", { stackId: request.StackId });
    await respond(request, url, answered(answerToUnservedAccount(request.RequestType, account)), deps);
    return;
  }
  await respond(
    request,
    url,
    await outcomeOf(
      request,
      () => (continuation ? resumeRun(continuation, deps) : carryOutRequest(request, deps)),
      deps,
    ),
    deps,
  );
}

/**
 * Carries on a parked run an ECS event woke and claimed (wake-parked-run.ts), and answers it when it ends here. Its
 * request was checked when it first came (ResponseURL, account); the ResponseURL is checked again all the same, since
 * the table is only as trusted as the runner's role. Never throws.
 */
export async function answerWokenRun(run: Run, itemVersion: number, deps: AnswerDeps): Promise<void> {
  const { request } = run;
  const checked = checkResponseUrl(request.ResponseURL, {
    allowedHosts: deps.allowedResponseHosts,
    extraEndpoints: deps.extraResponseEndpoints,
    functionArn: deps.invocation.functionArn,
  });
  if (checked.kind === 'refused') {
    deps.log.error("Refused the parked run's ResponseURL: nothing will be sent to it", { problem: checked.problem });
    return;
  }
  await respond(
    request,
    checked.url,
    await outcomeOf(request, () => resumeWokenRun(run, itemVersion, deps), deps),
    deps,
  );
}

/** What carrying the request out came to; an error becomes the answer that explains it (never thrown). */
async function outcomeOf(
  request: CloudFormationCustomResourceEvent,
  carry: () => Promise<RequestOutcome>,
  deps: AnswerDeps,
): Promise<RequestOutcome> {
  try {
    return await carry();
  } catch (error) {
    logIfUnexpected(deps.log, error);
    return answered(answerForError(request, error));
  }
}

/**
 * Answers CloudFormation when the outcome is an answer: with events on, the answer is claimed in the run's item first
 * (answer-claim.ts), and an invocation that loses the claim sends nothing.
 */
async function respond(
  request: CloudFormationCustomResourceEvent,
  url: URL,
  outcome: RequestOutcome,
  deps: AnswerDeps,
): Promise<void> {
  const { log } = deps;
  const metrics = deps.metrics ?? noMetrics;
  switch (outcome.kind) {
    case 'handed-off':
      metrics.add('HandOffs', 1, { RequestType: request.RequestType });
      return;
    case 'parked':
      // An ECS event (or the sweep) wakes the run, and that invocation answers.
      return;
    case 'held-elsewhere':
      // Another invocation holds the run (a duplicate hand-off): it answers.
      return;
    case 'answer':
      break;
  }
  const { answer } = outcome;
  const body = answerBody(request, answer);
  const claim = await claimOf(request, JSON.stringify(body), deps);
  if (claim.kind === 'lost') {
    log.info('Another invocation already claimed the answer: this one sends nothing', {
      claimedAt: new Date(claim.claimedAt).toISOString(),
    });
    return;
  }
  const answeredAs = { RequestType: request.RequestType, Outcome: answer.status };
  metrics.add('Answers', 1, answeredAs);
  const sentAt = cloudFormationWait(request.ResponseURL)?.sentAt;
  if (sentAt !== undefined) metrics.add('SecondsToAnswer', (deps.clock.now() - sentAt) / 1000, answeredAs);
  try {
    await sendResponse(url, body, deps);
  } catch (error) {
    log.error('Could not answer CloudFormation', { error: String(error), responseUrl: redactUrl(request.ResponseURL) });
    return;
  }
  if (claim.kind === 'claimed') await recordAnswered(request, claim.table, deps);
}

type Claim = (AnswerClaim & { kind: 'lost' }) | { kind: 'claimed'; table: StateTableApi } | { kind: 'unclaimed' };

/**
 * With events on, claims the answer in the run's item. A table that fails is logged and the answer sent unclaimed:
 * an answer is never held back for the table (a duplicate PUT of one run's answer carries the same decision).
 */
async function claimOf(request: CloudFormationCustomResourceEvent, body: string, deps: AnswerDeps): Promise<Claim> {
  const parking = await parkingOf(deps);
  if (!parking) return { kind: 'unclaimed' };
  try {
    const claim = await claimAnswer(parking.table, request, body, deps.clock.now());
    switch (claim.kind) {
      case 'claimed':
        return { kind: 'claimed', table: parking.table };
      case 'lost':
        return claim;
      case 'no-item':
        return { kind: 'unclaimed' };
    }
  } catch (error) {
    deps.log.error('Could not claim the answer in the state table: sending it unclaimed', {
      error: errorName(error),
      message: errorSummary(error),
    });
    return { kind: 'unclaimed' };
  }
}

async function recordAnswered(
  request: CloudFormationCustomResourceEvent,
  table: StateTableApi,
  deps: AnswerDeps,
): Promise<void> {
  try {
    await markAnswered(table, request, deps.clock.now());
  } catch (error) {
    deps.log.warn('Answered, but could not record it in the state table', { error: errorName(error) });
  }
}

function answerForError(request: CloudFormationCustomResourceEvent, error: unknown): Answer {
  // A Delete never fails the stack (see delete-resource.ts).
  return {
    status: request.RequestType === 'Delete' ? 'SUCCESS' : 'FAILED',
    reason: unexplainedError(request.RequestType, explainError(error)),
  };
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
