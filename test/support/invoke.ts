import { answerCloudFormation } from '../../src/requests/answer-cloudformation';
import { deliveryOf } from '../../src/runtime/sns-notification';
import { answerEcsEvent } from '../../src/requests/answer-ecs-event';
import type { AwsPorts } from '../../src/aws/ports';
import type { ResponseBody } from '../../src/response/response-body';
import type { RunnerMetrics } from '../../src/runtime/metrics';
import { FakeClock, fakeInvocation, RecordingLog, recordingHttp } from './fakes';

export interface InvokeOptions {
  /** Lambda time the invocation has, on the fake clock. */
  budgetMs?: number;
  /** What the ResponseURL answers, in turn (then 200). */
  statuses?: (number | Error)[];
  allowedResponseHosts?: string;
  /** RESPONSE_URL_EXTRA_ENDPOINTS. */
  extraResponseEndpoints?: string;
  /** Where the invocation's figures go. */
  metrics?: RunnerMetrics;
  /** ALLOWED_ACCOUNT_IDS. */
  allowedAccountIds?: string;
  /** ORGANIZATION_ID. */
  organizationId?: string;
  /** STACK_STATUS_ROLE_NAME. */
  stackStatusRoleName?: string;
  /** The runner function's ARN (its account and region); the fixtures' runner in us-east-1 by default. */
  functionArn?: string;
  /** The fake clock to run on, for mocks that answer by the time (a fresh one, at 2026-11-25 12:00 UTC, by default). */
  clock?: FakeClock;
  /** EVENT_DRIVEN_COMPLETION 'true': runs with a state table park, and ECS events wake them. */
  eventDriven?: boolean;
}

/**
 * Runs the handler's core on one event with fake time and HTTP, returning what CloudFormation would receive. An SNS
 * notification is taken apart, and an ECS event taken to its own entry, as the handler does.
 */
export function invokeWith(ports: AwsPorts) {
  return async (event: unknown, options: InvokeOptions = {}) => {
    const clock = options.clock ?? new FakeClock();
    const log = new RecordingLog();
    const { http, puts } = recordingHttp(options.statuses);
    const delivery = deliveryOf(event);
    const deps = {
      aws: ports,
      clock,
      invocation: {
        ...fakeInvocation(clock, options.budgetMs),
        ...(options.functionArn ? { functionArn: options.functionArn } : {}),
      },
      log,
      http,
      ...(options.allowedResponseHosts ? { allowedResponseHosts: options.allowedResponseHosts } : {}),
      ...(options.extraResponseEndpoints ? { extraResponseEndpoints: options.extraResponseEndpoints } : {}),
      ...(options.allowedAccountIds ? { allowedAccountIds: options.allowedAccountIds } : {}),
      ...(options.organizationId ? { organizationId: options.organizationId } : {}),
      ...(options.stackStatusRoleName ? { stackStatusRoleName: options.stackStatusRoleName } : {}),
      throughTopic: delivery.kind === 'topic',
      ...(options.metrics ? { metrics: options.metrics } : {}),
      ...(options.eventDriven ? { eventDriven: true } : {}),
    };
    if (delivery.kind === 'ecs-event') await answerEcsEvent(delivery.event, deps);
    else await answerCloudFormation(delivery.kind === 'topic' ? delivery.message : event, deps);
    const responses = puts.map((put) => JSON.parse(put.body) as ResponseBody);
    return { clock, log, puts, responses, response: responses[0] };
  };
}
