import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { DescribeTasksCommand, ECSClient, ListTasksCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { S3Client } from '@aws-sdk/client-s3';
import type { StackSimulation, TaskEventSource } from './cloudformation';
import { type LocalCloudFormationEndpoint, startLocalCloudFormationEndpoint } from './cloudformation-endpoint';
import { type DeliveredEvent, EventPump } from './event-pump';
import { HandlerInvoker, type HandlerInvokerOptions, type InvocationRecord } from './handler-invoker';
import { SWEEP_INPUT } from '../../src/runtime/sweep-input';
import { type LocalLambdaEndpoint, startLocalLambdaEndpoint } from './lambda-endpoint';
import { type MotoServer, startMoto, type TaskTransition } from './moto';
import { ensureMotoPython } from './moto-python';
import { type ResponseReceiver, startS3ResponseReceiver } from './response-receiver';
import { createSampleStack, type SampleStack } from './sample-stack';
import { createStateTable } from './state-table';

/** moto's account: the function ARN must be in it for the hand-off to look like the real one. */
const ACCOUNT_ID = '123456789012';

export interface LocalEnvironment {
  moto: MotoServer;
  stack: SampleStack;
  clients: {
    ec2: EC2Client;
    ecs: ECSClient;
    s3: S3Client;
    cloudFormation: CloudFormationClient;
    dynamodb: DynamoDBClient;
  };
  lambda: LocalLambdaEndpoint;
  /** DescribeStacks as the local CloudFormation answers it: the status of the stack operation being played. */
  cloudFormation: LocalCloudFormationEndpoint;
  responses: ResponseReceiver;
  invoker: HandlerInvoker;
  /** Plays EventBridge's ECS Task State Change events after each request; undefined with events off. */
  events?: TaskEventSource;
  functionArn: string;
  /** What a CustomResource of the sample stack needs. */
  simulation: StackSimulation;
  /** One invocation with the input of the runner template's SweepSchedule, as EventBridge Scheduler sends it. */
  sweep(): Promise<InvocationRecord>;
  /** Stops everything started here, moto last; safe to call more than once. */
  stop(): Promise<void>;
}

export interface LocalEnvironmentOptions {
  /** How moto's tasks move to STOPPED; default one step every second DescribeTasks call. */
  taskTransition?: TaskTransition;
  onLog?: HandlerInvokerOptions['onLog'];
  /** The function's timeout (default 900 s). */
  timeoutMs?: number;
  /** What setting up moto's Python does, when it has to (moto-python.ts). */
  onSetup?: (line: string) => void;
  /**
   * The template's EventDrivenCompletion: EVENT_DRIVEN_COMPLETION for the runner, and the ECS events its rule would
   * deliver, played after each request's invocations (event-pump.ts). `npm start` and `npm run invoke` set it true,
   * the template's default; without it (the integration suites) the runner polls, as with the parameter 'false'.
   */
  eventDriven?: boolean;
  /** Each ECS event as it is delivered, and when its invocations ended. */
  onEvent?: (delivery: DeliveredEvent, phase: 'sent' | 'done') => void;
}

/**
 * A task moto walks to STOPPED in about 72 s (four steps, 18 s apart): longer than the runner watches before it
 * parks a run (about a minute: src/run/parking/parking.ts), so that the run parks and an ECS event wakes it. The
 * default (two DescribeTasks calls per step) ends in about 10 s, answered by the invocation that started it.
 */
export const PARKING_TASK_TRANSITION: TaskTransition = { progression: 'time', seconds: 18 };
export const DEFAULT_TASK_TRANSITION: TaskTransition = { progression: 'manual', times: 2 };
/** How long the events of one request may take to settle: a parked run waits for them. */
const EVENTS_LIMIT_MS = 15 * 60_000;

/**
 * Everything a CloudFormation request to the built handler needs, on this machine: moto with the sample stack's
 * resources, presigned ResponseURLs into moto's S3, and a local Lambda endpoint that takes the hand-offs.
 */
export async function startLocalEnvironment(options: LocalEnvironmentOptions = {}): Promise<LocalEnvironment> {
  quietNodeVersionWarning();
  const { python } = await ensureMotoPython(options.onSetup ? { log: options.onSetup } : {});
  const moto = await startMoto(python);
  const stoppers: (() => Promise<void>)[] = [() => moto.stop()];
  const stop = async (): Promise<void> => {
    // Last started, first stopped; one that fails does not keep the others (moto above all) running.
    for (const stopOne of stoppers.splice(0).reverse()) await stopOne().catch(() => undefined);
  };
  try {
    // Two DescribeTasks calls per status: the handler sees every one of them, RUNNING included.
    await moto.setTaskTransition(options.taskTransition ?? DEFAULT_TASK_TRANSITION);
    const clients = {
      ec2: new EC2Client(moto.clientConfig),
      ecs: new ECSClient(moto.clientConfig),
      cloudFormation: new CloudFormationClient(moto.clientConfig),
      s3: new S3Client({ ...moto.clientConfig, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED' }),
      dynamodb: new DynamoDBClient(moto.clientConfig),
    };
    stoppers.push(async () => Object.values(clients).forEach((client) => client.destroy()));
    const stack = await createSampleStack(clients, moto.region);
    const stateTable = await createStateTable(clients.dynamodb);
    const lambda = await startLocalLambdaEndpoint();
    stoppers.push(() => lambda.close());
    const cloudFormation = await startLocalCloudFormationEndpoint();
    stoppers.push(() => cloudFormation.close());
    const responses = await startS3ResponseReceiver(clients.s3);
    const eventDriven = options.eventDriven ?? false;
    const functionArn = `arn:aws:lambda:${moto.region}:${ACCOUNT_ID}:function:ecs-task-runner`;
    const invoker = new HandlerInvoker({
      env: {
        ...withoutAwsVariables(process.env),
        ...moto.awsEnvironment,
        // The stack's status comes from the local CloudFormation, which sends the requests; moto's stacks are complete.
        AWS_ENDPOINT_URL_CLOUDFORMATION: cloudFormation.url,
        RESPONSE_URL_ALLOWED_HOSTS: responses.host,
        // As infra/task-runner.yml sets them.
        STATE_TABLE_NAME: stateTable,
        EVENT_DRIVEN_COMPLETION: String(eventDriven),
        // The template's: the clusters of ClusterArns, where the scheduled sweep looks.
        SWEEP_CLUSTERS: stack.cluster,
        AWS_EC2_METADATA_DISABLED: 'true',
      },
      functionArn,
      lambda,
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.onLog ? { onLog: options.onLog } : {}),
    });
    stoppers.push(async () => invoker.stop());
    const pump = eventDriven
      ? new EventPump({
          ecs: clients.ecs,
          cluster: stack.cluster,
          invoker,
          ...(options.onEvent ? { onDelivery: options.onEvent } : {}),
        })
      : undefined;
    const events: TaskEventSource | undefined = pump && {
      async deliverAfterRequest() {
        const deliveries = await pump.deliverUntilQuiet(EVENTS_LIMIT_MS);
        return {
          delivered: deliveries.length,
          invocations: deliveries.flatMap((delivery) => delivery.invocations ?? []),
          problems: deliveries.flatMap((delivery) =>
            delivery.error === undefined
              ? []
              : [
                  `The invocation for the ${delivery.lastStatus} event (version ${delivery.version}) failed: ${delivery.error}`,
                ],
          ),
        };
      },
    };
    return {
      moto,
      stack,
      clients,
      lambda,
      cloudFormation,
      responses,
      invoker,
      ...(events ? { events } : {}),
      functionArn,
      simulation: {
        stackId: stack.stackId,
        setStackStatus: (status) => cloudFormation.setStackStatus(stack.stackId, status),
        setResource: (logicalResourceId, resourceType, status) =>
          cloudFormation.setResource(stack.stackId, logicalResourceId, resourceType, status),
        serviceToken: functionArn,
        receiver: responses,
        invoker,
        afterRequest: () => settleStoppedTasks(clients.ecs, stack.cluster),
        ...(events ? { events } : {}),
      },
      sweep: () => invoker.invoke(SWEEP_INPUT),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The SDK warns once per process that its next versions need Node.js 22. The function runs on nodejs22.x; only
 * this machine's Node is older, and the warning would sit in the middle of the output.
 */
export function quietNodeVersionWarning(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}

/** The caller's environment without its AWS settings, so that nothing (a profile, a session token) reaches AWS. */
function withoutAwsVariables(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith('AWS_')));
}

/**
 * moto's state manager moves a task's lastStatus to STOPPED but leaves its desiredStatus RUNNING, which ECS never
 * does: a stopped task's desiredStatus is STOPPED. Without this, a later Delete (ListTasks desiredStatus RUNNING)
 * would find tasks that finished long ago. StopTask is the only way to set desiredStatus in moto.
 */
async function settleStoppedTasks(ecs: ECSClient, cluster: string): Promise<void> {
  const listed = await ecs.send(new ListTasksCommand({ cluster, desiredStatus: 'RUNNING' }));
  const taskArns = listed.taskArns ?? [];
  if (taskArns.length === 0) return;
  const described = await ecs.send(new DescribeTasksCommand({ cluster, tasks: taskArns }));
  for (const task of described.tasks ?? []) {
    if (task.lastStatus === 'STOPPED' && task.taskArn) {
      await ecs.send(
        new StopTaskCommand({
          cluster,
          task: task.taskArn,
          reason: task.stoppedReason || 'Essential container in task exited',
        }),
      );
    }
  }
}
