import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { createSdkPorts } from '../src/aws/sdk-ports';
import { answerCloudFormation } from '../src/requests/answer-cloudformation';
import { answerEcsEvent } from '../src/requests/answer-ecs-event';
import { nodeHttpPut } from '../src/response/http-put';
import { systemClock } from '../src/runtime/clock';
import { invocationFromContext } from '../src/runtime/invocation';
import { InvocationMetrics, noMetrics, type RunnerMetrics } from '../src/runtime/metrics';
import { deliveryOf } from '../src/runtime/sns-notification';
import { sweep } from '../src/sweep/sweep';

// Created once per process and reused by warm invocations; nothing here changes between invocations.
const SERVICE_NAME = 'ecs-task-runner';
const logger = new Logger({ serviceName: SERVICE_NAME });
// A process runs one invocation at a time: the ECS calls AWS throttles are counted in the figures of the one running.
let invocationMetrics: RunnerMetrics = noMetrics;
const aws = createSdkPorts(process.env.STATE_TABLE_NAME, (operation) =>
  invocationMetrics.add('ThrottledCalls', 1, { Operation: operation }),
);
// Once per process: a function built by hand without the template's table still runs, and says what it cannot do.
if (!process.env.STATE_TABLE_NAME)
  logger.warn(
    'STATE_TABLE_NAME is not set: no attributes are kept between requests, so an Update that runs nothing answers them empty',
  );

// EventDrivenCompletion (the template's parameter): ECS events come, so runs with the state table park
// (src/run/parking/parking.ts).
const eventDriven = process.env.EVENT_DRIVEN_COMPLETION === 'true';

export async function handler(event: unknown, context: Context): Promise<void> {
  logger.addContext(context);
  const delivery = deliveryOf(event);
  // One invocation's figures, written as EMF lines to stdout (the function's log) when it ends.
  const metrics = new InvocationMetrics({
    service: SERVICE_NAME,
    write: (line) => process.stdout.write(`${line}\n`),
    now: () => systemClock.now(),
  });
  invocationMetrics = metrics;
  const deps = {
    aws,
    clock: systemClock,
    invocation: invocationFromContext(context),
    log: logger,
    http: nodeHttpPut,
    allowedResponseHosts: process.env.RESPONSE_URL_ALLOWED_HOSTS,
    extraResponseEndpoints: process.env.RESPONSE_URL_EXTRA_ENDPOINTS,
    allowedAccountIds: process.env.ALLOWED_ACCOUNT_IDS,
    // Blank (the template's default) is unset.
    ...(process.env.ORGANIZATION_ID ? { organizationId: process.env.ORGANIZATION_ID } : {}),
    ...(process.env.STACK_STATUS_ROLE_NAME ? { stackStatusRoleName: process.env.STACK_STATUS_ROLE_NAME } : {}),
    throughTopic: delivery.kind === 'topic',
    metrics,
    eventDriven,
  };
  if (delivery.kind === 'sweep') {
    // The runner's schedule (SweepSchedule): no request of its own; it may answer the parked runs it wakes.
    await sweep({
      ecs: aws.ecs,
      clock: systemClock,
      log: logger,
      clusters: process.env.SWEEP_CLUSTERS,
      metrics,
      ...(eventDriven ? { parkedRuns: deps } : {}),
    });
    await metrics.flush();
    return;
  }
  try {
    // An ECS Task State Change from the runner template's EventBridge rule: never a CloudFormation request. It may
    // wake a parked run (events on), or is only logged (src/requests/answer-ecs-event.ts).
    if (delivery.kind === 'ecs-event') await answerEcsEvent(delivery.event, deps);
    else await answerCloudFormation(delivery.kind === 'topic' ? delivery.message : delivery.event, deps);
  } finally {
    await metrics.flush();
  }
}
