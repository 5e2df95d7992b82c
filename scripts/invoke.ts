/**
 * npm run invoke -- <event.json> [--local] [--set Name=Value ...] [--timeout SECONDS] [--function-arn ARN] [--verbose]
 *
 * Invokes the built handler with one event fixture and prints CloudFormation's answer. With --local, against moto
 * on this machine, with the sample stack's resources; otherwise against whatever the standard AWS environment
 * variables point to. Placeholders in the fixture are described in placeholders.ts and docs/local-tools.md. Hand-offs go to
 * a local Lambda endpoint and are run here as fresh invocations. Exit code 0 when the answer is SUCCESS and
 * CloudFormation would accept it, 1 otherwise, 2 for a usage error.
 */
import { randomUUID } from 'node:crypto';
import { ensureBundle } from './local/bundle';
import { parseCommandLine, readJsonFile, runCli, UsageError } from './local/cli';
import { deliverRequest, describeEvent, isCustomResourceRequest, type TaskEventSource } from './local/cloudformation';
import { HandlerInvoker } from './local/handler-invoker';
import { loggedAnswer } from './local/logged-answer';
import { startLocalLambdaEndpoint } from './local/lambda-endpoint';
import {
  type LocalCloudFormationEndpoint,
  startLocalCloudFormationEndpoint,
  statusWhileSending,
} from './local/cloudformation-endpoint';
import { motoLimitNotes } from './local/moto-limits';
import { refuseUnfilledPlaceholders, substitutePlaceholders } from './local/placeholders';
import { printExchange, ProgressPrinter } from './local/progress';
import type { ResponseReceiver } from './local/response-receiver';

const USAGE = `Usage: npm run invoke -- <event.json> [--local] [--set Name=Value ...] [--timeout SECONDS] [--function-arn ARN] [--verbose]

  --local            run against moto on this machine (set up in .moto/venv when no Python here has it),
                     with the sample stack's resources filling the fixture's placeholders
  --set Name=Value   the value of placeholder \${Name} (repeatable; overrides --local's values)
  --timeout SECONDS  the function's timeout (default 900): short ones make the handler hand off
  --function-arn ARN the ARN the handler is invoked as (and hands off to)
  --verbose          print the handler's JSON logs as they are
  --help             print this and exit

Placeholders: \${RequestId} a fresh UUID, \${ResponseURL} a local ResponseURL that is read back and printed,
\${FunctionArn} the function ARN; with --local also \${Cluster} \${TaskDefinition} \${SubnetId}
\${SecurityGroupId} \${VpcId} \${StackId}.

Exit code 0 when the answer is SUCCESS and CloudFormation would accept it, 1 otherwise, 2 for a usage error.`;

const REQUEST_SHAPE =
  'A request has RequestType (Create, Update or Delete), ResponseURL, StackId, RequestId, LogicalResourceId, ResourceType and ResourceProperties, and PhysicalResourceId on Update and Delete: see test/fixtures/invoke-*.json.';

interface Target {
  invoker: HandlerInvoker;
  /** This tool plays CloudFormation: DescribeStacks says the stack is in the operation that sends the request. */
  cloudFormation: LocalCloudFormationEndpoint;
  receiver?: ResponseReceiver;
  /** With --local: the ECS events EventBridge would deliver, played after the request's invocations. */
  events?: TaskEventSource;
  values: Record<string, string>;
  stop(): Promise<void>;
}

async function main(onStop: (stop: () => Promise<void>) => void): Promise<number> {
  const { values: flags, positionals } = parseCommandLine({
    allowPositionals: true,
    options: {
      local: { type: 'boolean', default: false },
      set: { type: 'string', multiple: true, default: [] },
      timeout: { type: 'string' },
      'function-arn': { type: 'string' },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  // Everything the user typed is checked before anything starts (the bundle's build, moto, local servers).
  const [fixturePath, ...extra] = positionals;
  if (!fixturePath) throw new UsageError('Give one event fixture, such as test/fixtures/invoke-create.json');
  if (extra.length > 0) throw new UsageError(`Give exactly one event fixture, not also ${extra.join(' ')}`);
  const timeoutMs = flags.timeout === undefined ? undefined : seconds(flags.timeout) * 1000;
  const sets = Object.fromEntries(flags.set.map(parseSet));
  const fixture = await readJsonFile(fixturePath);
  // Placeholders stand for strings, so the fixture's shape can be checked as it is.
  if (!isCustomResourceRequest(fixture))
    throw new UsageError(
      `${fixturePath} is not a CloudFormation custom resource request: it is ${describeEvent(fixture)}. ${REQUEST_SHAPE}`,
    );
  const wantsLocalResponseUrl = hasResponseUrlPlaceholder(fixture);
  refuseUnfilledPlaceholders(fixture, {
    filledIn: [...(wantsLocalResponseUrl ? ['ResponseURL'] : []), ...Object.keys(sets)],
    local: flags.local,
  });
  ensureBundle((line) => console.log(line));
  const progress = new ProgressPrinter(undefined, flags.verbose);

  const target = flags.local
    ? await localTarget(progress, timeoutMs)
    : await accountTarget(progress, wantsLocalResponseUrl, timeoutMs, flags['function-arn']);
  onStop(() => target.stop());
  try {
    const requestId = randomUUID();
    let event = substitutePlaceholders(fixture, { ...target.values, ...sets, RequestId: requestId });
    const slot = wantsLocalResponseUrl && target.receiver ? await target.receiver.slot(requestId) : undefined;
    if (slot) event = substitutePlaceholders(event, { ResponseURL: slot.url });
    refuseUnfilledPlaceholders(event, { filledIn: [], local: flags.local });
    if (!isCustomResourceRequest(event))
      throw new UsageError(
        `${fixturePath} with its placeholders filled in is ${describeEvent(event)}. ${REQUEST_SHAPE}`,
      );

    console.log(
      `→ ${event.RequestType} ${event.LogicalResourceId} (${fixturePath}${flags.local ? ', against moto' : ''})`,
    );
    target.cloudFormation.setStackStatus(event.StackId, statusWhileSending(event.RequestType));
    target.cloudFormation.setResource(
      event.StackId,
      event.LogicalResourceId,
      event.ResourceType,
      statusWhileSending(event.RequestType),
    );
    progress.begin();
    if (slot) {
      const exchange = await deliverRequest(event, slot, target.invoker, undefined, event, target.events);
      printExchange(exchange);
      if (flags.local) for (const note of motoLimitNotes(exchange)) console.log(`  ℹ ${note}`);
      return exchange.response?.Status === 'SUCCESS' && exchange.problems.length === 0 ? 0 : 1;
    }
    // The fixture names a ResponseURL of its own: this tool cannot read the answer back, only the handler's log.
    const invocations = await target.invoker.invokeFollowingHandOffs(event);
    const outcome = loggedAnswer(
      invocations.flatMap((invocation) => invocation.logs),
      event.ResponseURL,
    );
    console.log(`  ${outcome.text}`);
    return outcome.status === 'SUCCESS' ? 0 : 1;
  } finally {
    await target.stop();
  }
}

async function localTarget(progress: ProgressPrinter, timeoutMs: number | undefined): Promise<Target> {
  console.log('Starting moto (local AWS) with the sample stack');
  // Loaded only now: the AWS SDK takes a while to load, and a usage error should not wait for it.
  const { startLocalEnvironment } = await import('./local/local-environment');
  const environment = await startLocalEnvironment({
    onLog: progress.onLog,
    onEvent: progress.onEvent,
    eventDriven: true,
    onSetup: (line) => console.log(`  ${line}`),
    ...(timeoutMs ? { timeoutMs } : {}),
  });
  const { stack } = environment;
  return {
    invoker: environment.invoker,
    ...(environment.events ? { events: environment.events } : {}),
    cloudFormation: environment.cloudFormation,
    receiver: environment.responses,
    values: {
      FunctionArn: environment.functionArn,
      StackId: stack.stackId,
      Cluster: stack.cluster,
      TaskDefinition: stack.taskDefinitionArn,
      SubnetId: stack.subnetId,
      SecurityGroupId: stack.securityGroupId,
      VpcId: stack.vpcId,
    },
    stop: () => environment.stop(),
  };
}

/** Whatever the standard AWS environment variables point to; only the hand-off and the ResponseURL stay local. */
async function accountTarget(
  progress: ProgressPrinter,
  localResponseUrl: boolean,
  timeoutMs: number | undefined,
  functionArn: string | undefined,
): Promise<Target> {
  const { quietNodeVersionWarning } = await import('./local/local-environment');
  quietNodeVersionWarning();
  const lambda = await startLocalLambdaEndpoint();
  const cloudFormation = await startLocalCloudFormationEndpoint();
  const receiver = localResponseUrl
    ? await (await import('./local/response-receiver')).startHttpResponseReceiver()
    : undefined;
  const arn =
    functionArn ??
    `arn:aws:lambda:${process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1'}:123456789012:function:ecs-task-runner`;
  const invoker = new HandlerInvoker({
    env: {
      ...process.env,
      // The stack's status is the one this tool plays, not that of a stack at rest in the account.
      AWS_ENDPOINT_URL_CLOUDFORMATION: cloudFormation.url,
      ...(receiver ? { RESPONSE_URL_ALLOWED_HOSTS: receiver.host } : {}),
    },
    functionArn: arn,
    lambda,
    onLog: progress.onLog,
    ...(timeoutMs ? { timeoutMs } : {}),
  });
  return {
    invoker,
    cloudFormation,
    ...(receiver ? { receiver } : {}),
    values: { FunctionArn: arn },
    stop: once(async () => {
      invoker.stop();
      await Promise.all([lambda.close(), cloudFormation.close(), receiver?.close()]);
    }),
  };
}

function once(action: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= action());
}

function hasResponseUrlPlaceholder(fixture: unknown): boolean {
  return (
    typeof fixture === 'object' &&
    fixture !== null &&
    (fixture as { ResponseURL?: unknown }).ResponseURL === '${ResponseURL}'
  );
}

function parseSet(assignment: string): [string, string] {
  const equals = assignment.indexOf('=');
  if (equals <= 0) throw new UsageError(`--set takes Name=Value, not ${JSON.stringify(assignment)}`);
  return [assignment.slice(0, equals), assignment.slice(equals + 1)];
}

function seconds(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 1 || value > 900)
    throw new UsageError(`--timeout takes 1 to 900 seconds (Lambda's range), not ${JSON.stringify(text)}`);
  return value;
}

runCli(main, 'npm run invoke -- --help');
