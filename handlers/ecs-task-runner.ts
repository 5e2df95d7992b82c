import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { createSdkPorts } from '../src/aws/sdk-ports';
import { answerCloudFormation } from '../src/requests/answer-cloudformation';
import { nodeHttpPut } from '../src/response/http-put';
import { systemClock } from '../src/runtime/clock';
import { invocationFromContext } from '../src/runtime/invocation';
import { deliveryOf } from '../src/runtime/sns-notification';

// Created once per process and reused by warm invocations; nothing here changes between invocations.
const logger = new Logger({ serviceName: 'ecs-task-runner' });
const aws = createSdkPorts();

export async function handler(event: unknown, context: Context): Promise<void> {
  logger.addContext(context);
  const delivery = deliveryOf(event);
  await answerCloudFormation(delivery.kind === 'topic' ? delivery.message : delivery.event, {
    aws,
    clock: systemClock,
    invocation: invocationFromContext(context),
    log: logger,
    http: nodeHttpPut,
    allowedResponseHosts: process.env.RESPONSE_URL_ALLOWED_HOSTS,
    extraResponseEndpoints: process.env.RESPONSE_URL_EXTRA_ENDPOINTS,
    allowedAccountIds: process.env.ALLOWED_ACCOUNT_IDS,
    throughTopic: delivery.kind === 'topic',
  });
}
