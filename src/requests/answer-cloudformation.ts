import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { type Answer, answerBody } from '../response/answer';
import { recordAnswer } from './answer-metrics';
import type { HttpPut } from '../response/http-put';
import { checkResponseUrl, extraResponseEndpoints, redactUrl } from '../response/response-url';
import { sendResponse } from '../response/send-response';
import { redactProperties } from '../runtime/redact';
import {
  accountsServed,
  answerToUnservedAccount,
  type AccountCheck,
  checkStackAccount,
  STACK_STATUS_ROLE_NAME_VARIABLE,
} from './accounts-served';
import { confirmRequest } from './confirm-request';
import { carryOutRequest, resumeRun, resumeWokenRun } from './carry-out-request';
import { claimAnswer, markAnswered, type AnswerClaim } from '../run/parking/answer-claim';
import { parkingOf } from '../run/parking/parking';
import type { Run } from '../run/run-state';
import type { StateTableApi } from '../aws/ports';
import { errorName, errorSummary } from '../aws/aws-errors';
import { isContinuationEvent, runOf } from '../run/hand-off/continuation';
import { explainError, logIfUnexpected } from '../answers/error-explanation';
import type { RunnerDeps, RequestOutcome } from '../run/contract';
import { unconfirmedOrganizationAccount, unexplainedError } from '../answers/wording';
import { noMetrics, type RunnerMetrics } from '../runtime/metrics';
import { type FreshRead, reusingFreshRead } from '../run/parking/fresh-read';
import type { WakeResult } from './wake-metrics';

/** What answerCloudFormation is given: the runner's dependencies, and the settings of where answers may go. */
export interface AnswerDeps extends RunnerDeps {
  http: HttpPut;
  /** RESPONSE_URL_ALLOWED_HOSTS: replaces CloudFormation's response bucket as where answers may go (local testing). */
  allowedResponseHosts?: string;
  /** RESPONSE_URL_EXTRA_ENDPOINTS: S3 endpoints (`<host>/<bucket>`) added to those derived from the runner's partition. */
  extraResponseEndpoints?: string;
  /** ALLOWED_ACCOUNT_IDS: accounts besides the function's own whose stacks the runner serves. */
  allowedAccountIds?: string;
  /** ORGANIZATION_ID: its accounts may publish to the topic, served once CloudFormation confirms the request. */
  organizationId?: string;
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

  const served = accountsServed(deps.invocation.functionArn, deps.allowedAccountIds, deps.organizationId);
  if (served.ignored.length > 0)
    log.warn('ALLOWED_ACCOUNT_IDS has entries that are not 12-digit account IDs; they are ignored', {
      ignored: served.ignored,
    });
  const account = checkStackAccount(request.StackId, served);
  let answer: Answer;
  // A hand-off is the runner's own (it confirmed the request it took, if it came through the topic); a request
  // invoked directly comes from whoever may invoke the function, who is trusted, and an Organization's accounts
  // may only publish to the topic.
  if (account.kind === 'refused' || (account.kind === 'organization' && !continuation && !deps.throughTopic)) {
    log.error("Refused the request: the stack's account is not one this runner serves", { stackId: request.StackId });
    answer = answerToUnservedAccount(request.RequestType, {
      kind: 'refused',
      account: account.account,
    });
  } else {
    try {
      const refusal =
        deps.throughTopic && !continuation ? await refusalOfUnconfirmed(request, account, deps) : undefined;
      if (refusal?.kind === 'unanswered') {
        metrics.add('RefusedEvents', 1, { Refused: 'Unconfirmed' });
        return;
      }
      const outcome: RequestOutcome =
        refusal !== undefined
          ? { kind: 'answer', answer: refusal.answer }
          : continuation
            ? await resumeRun(continuation, deps)
            : await carryOutRequest(request, deps);
      if (outcome.kind === 'handed-off') {
        metrics.add('HandOffs', 1, { RequestType: request.RequestType });
        return;
      }
      // Another invocation holds the run (a duplicate hand-off): it answers.
      if (outcome.kind === 'held-elsewhere') return;
      // An ECS event (or the sweep) wakes the run, and that invocation answers.
      if (outcome.kind === 'parked') {
        metrics.add('Parks', 1, { RequestType: request.RequestType });
        return;
      }
      answer = outcome.answer;
    } catch (error) {
      answer = answerForError(request, error);
      logIfUnexpected(log, error);
    }
  }

  // The generation this invocation holds (run-item.ts): a request's first invocation is the first.
  await sendAnswer(request, url, answer, continuation?.generation ?? 1, deps);
}

/**
 * Carries on a parked run an ECS event woke and claimed (wake-parked-run.ts), and answers it when it ends here. Its
 * request was checked when it first came (ResponseURL, account, confirmation); the ResponseURL is checked again all
 * the same, since the table is only as trusted as the runner's role. Never throws. Says what the wake came to, for
 * its figure (wake-metrics.ts), which the caller records with where the wake came from.
 */
export async function answerWokenRun(
  run: Run,
  itemVersion: number,
  given: AnswerDeps,
  read?: FreshRead,
): Promise<WakeResult> {
  const { request } = run;
  // What woke the run has just read its tasks: its first look asks ECS nothing new (run/parking/fresh-read.ts).
  const deps: AnswerDeps = read
    ? { ...given, aws: { ...given.aws, ecs: reusingFreshRead(given.aws.ecs, read) } }
    : given;
  const metrics = deps.metrics ?? noMetrics;
  const checked = checkResponseUrl(request.ResponseURL, {
    allowedHosts: deps.allowedResponseHosts,
    extraEndpoints: deps.extraResponseEndpoints,
    functionArn: deps.invocation.functionArn,
  });
  if (checked.kind === 'refused') {
    deps.log.error("Refused the parked run's ResponseURL: nothing will be sent to it", { problem: checked.problem });
    return 'refused';
  }
  let outcome: RequestOutcome;
  try {
    outcome = await resumeWokenRun(run, itemVersion, deps);
  } catch (error) {
    logIfUnexpected(deps.log, error);
    outcome = { kind: 'answer', answer: answerForError(request, error) };
  }
  switch (outcome.kind) {
    case 'handed-off':
      metrics.add('HandOffs', 1, { RequestType: request.RequestType });
      return 'handed-off';
    case 'parked':
      metrics.add('Parks', 1, { RequestType: request.RequestType });
      return 'parked-again';
    case 'held-elsewhere':
      return 'held-elsewhere';
    case 'answer':
      return (await sendAnswer(request, checked.url, outcome.answer, run.generation, deps)) === 'not-claimed'
        ? 'held-elsewhere'
        : 'answered';
  }
}

/**
 * Sends the answer to the ResponseURL. With events on, the answer is claimed in the run's item first, with its exact
 * body, for the `generation` this invocation holds (answer-claim.ts): an invocation that loses the claim, or whose
 * run a later generation took over, sends nothing (`not-claimed`), and a sent one is marked answered.
 */
async function sendAnswer(
  request: CloudFormationCustomResourceEvent,
  url: URL,
  answer: Answer,
  generation: number,
  deps: AnswerDeps,
): Promise<'sent' | 'failed' | 'not-claimed'> {
  const { log } = deps;
  const body = answerBody(request, answer);
  const claim = await claimOf(request, JSON.stringify(body), generation, deps);
  if (claim.kind === 'lost') {
    log.info('Another invocation already claimed the answer: this one sends nothing', {
      claimedAt: new Date(claim.claimedAt).toISOString(),
    });
    return 'not-claimed';
  }
  if (claim.kind === 'held-elsewhere') {
    log.warn('A later invocation took the run over (this one held it too long): it answers, this one sends nothing', {
      generation,
      heldBy: claim.generation,
    });
    return 'not-claimed';
  }
  recordAnswer(deps.metrics ?? noMetrics, request, answer, deps.clock.now());
  try {
    await sendResponse(url, body, deps);
  } catch (error) {
    log.error('Could not answer CloudFormation', { error: String(error), responseUrl: redactUrl(request.ResponseURL) });
    return 'failed';
  }
  if (claim.kind === 'claimed') await recordAnswered(request, claim.table, deps);
  return 'sent';
}

type Claim =
  | (AnswerClaim & { kind: 'lost' | 'held-elsewhere' })
  | { kind: 'claimed'; table: StateTableApi }
  | { kind: 'unclaimed' };

/**
 * With events on, claims the answer in the run's item. A table that fails is logged and the answer sent unclaimed:
 * an answer is never held back for the table (a duplicate PUT of one run's answer carries the same decision).
 */
async function claimOf(
  request: CloudFormationCustomResourceEvent,
  body: string,
  generation: number,
  deps: AnswerDeps,
): Promise<Claim> {
  const parking = await parkingOf(deps);
  if (!parking) return { kind: 'unclaimed' };
  try {
    const claim = await claimAnswer(parking.table, request, body, generation, deps.clock.now());
    switch (claim.kind) {
      case 'claimed':
        return { kind: 'claimed', table: parking.table };
      case 'lost':
      case 'held-elsewhere':
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

/**
 * Why a request that came through the topic is not carried out, or undefined when it is (confirm-request.ts).
 * CloudFormation reporting the resource otherwise than the request claims: refused without an answer, since the
 * request may be forged and its ResponseURL copied from someone else's request, which a FAILED (or a Delete's
 * SUCCESS) would mislead; CloudFormation times a real one out after its ServiceTimeout. A stack the runner cannot
 * read: served as before in its own account and the listed ones (whose publishers are trusted); refused with a
 * Reason in an account only the Organization lets in.
 */
async function refusalOfUnconfirmed(
  request: CloudFormationCustomResourceEvent,
  account: Exclude<AccountCheck, { kind: 'refused' }>,
  deps: AnswerDeps,
): Promise<{ kind: 'unanswered' } | { kind: 'answered'; answer: Answer } | undefined> {
  const confirmation = await confirmRequest(request, deps);
  const where = { stackId: request.StackId, logicalResourceId: request.LogicalResourceId };
  if (confirmation.kind === 'confirmed') return undefined;
  if (confirmation.kind === 'contradicted') {
    deps.log.error(
      'Refused the request: CloudFormation does not confirm it, so nothing was started or stopped, and nothing will be sent to its ResponseURL',
      { ...where, requestType: request.RequestType, resourceType: request.ResourceType, problem: confirmation.problem },
    );
    return { kind: 'unanswered' };
  }
  if (account.kind === 'organization') {
    deps.log.error("Refused the request: the stack of an Organization's account could not be read to confirm it", {
      ...where,
      cause: confirmation.cause,
    });
    return {
      kind: 'answered',
      answer: {
        status: request.RequestType === 'Delete' ? 'SUCCESS' : 'FAILED',
        reason: unconfirmedOrganizationAccount(
          request.RequestType,
          account.account,
          STACK_STATUS_ROLE_NAME_VARIABLE,
          confirmation.cause,
        ),
      },
    };
  }
  // Expected for a listed account without a stack-status role; anything else is worth a warning.
  deps.log[confirmation.cause.kind === 'other-account' ? 'info' : 'warn'](
    'The request could not be confirmed with CloudFormation (its stack cannot be read): served, as its account is served',
    { ...where, cause: confirmation.cause },
  );
  return undefined;
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
