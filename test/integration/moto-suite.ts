import { DescribeNetworkInterfacesCommand } from '@aws-sdk/client-ec2';
import { DescribeTasksCommand, ListTasksCommand, type Task } from '@aws-sdk/client-ecs';
import type { CloudFormationResponse, Exchange } from '../../scripts/local/cloudformation';
import {
  type LocalEnvironment,
  type LocalEnvironmentOptions,
  startLocalEnvironment,
} from '../../scripts/local/local-environment';
import { findMotoPython } from '../../scripts/local/moto-python';

/**
 * A describe block with its own moto (and sample stack, local Lambda endpoint, S3 ResponseURLs) for its tests,
 * started once and stopped after them. The global setup has set moto up when it could (moto-python.ts); without
 * moto the block fails under CI=true, and is skipped loudly otherwise.
 */
export function describeWithMoto(
  name: string,
  options: LocalEnvironmentOptions,
  body: (environment: () => LocalEnvironment) => void,
): void {
  const found = findMotoPython();
  if ('problem' in found && process.env.CI !== 'true') {
    // Straight to stderr: jest does not show console output of a file whose tests are all skipped.
    process.stderr.write(
      `\nSKIPPED "${name}": these integration tests need moto. ${found.problem} (Under CI=true they fail instead.)\n`,
    );
    describe.skip(`${name} — SKIPPED: moto is not installed`, () => body(() => notStarted()));
    return;
  }
  describe(name, () => {
    let environment: LocalEnvironment | undefined;
    beforeAll(async () => {
      environment = await startLocalEnvironment(options);
    });
    afterAll(async () => {
      await environment?.stop();
    });
    body(() => environment ?? notStarted());
  });
}

function notStarted(): never {
  throw new Error('The local environment did not start');
}

export async function describeTask(environment: LocalEnvironment, taskArn: string): Promise<Task> {
  const { tasks } = await environment.clients.ecs.send(
    new DescribeTasksCommand({ cluster: environment.stack.cluster, tasks: [taskArn] }),
  );
  const task = tasks?.[0];
  if (!task) throw new Error(`moto does not know task ${taskArn}`);
  return task;
}

/** The subnet and security groups of the network interface moto gave an awsvpc task. */
export async function taskNetworkInterface(
  environment: LocalEnvironment,
  taskArn: string,
): Promise<{ subnetId?: string; securityGroupIds: string[] }> {
  const task = await describeTask(environment, taskArn);
  const details = task.attachments?.find((attachment) => attachment.type === 'ElasticNetworkInterface')?.details ?? [];
  const eniId = details.find((detail) => detail.name === 'networkInterfaceId')?.value;
  if (!eniId) throw new Error(`Task ${taskArn} has no network interface attached`);
  const { NetworkInterfaces } = await environment.clients.ec2.send(
    new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] }),
  );
  const eni = NetworkInterfaces?.[0];
  return {
    ...(eni?.SubnetId ? { subnetId: eni.SubnetId } : {}),
    securityGroupIds: (eni?.Groups ?? []).flatMap((group) => (group.GroupId ? [group.GroupId] : [])),
  };
}

/** Every task in the sample cluster, running or stopped (ListTasks lists one desired status at a time). */
export async function clusterTasks(environment: LocalEnvironment, startedBy?: string): Promise<string[]> {
  const lists = await Promise.all(
    (['RUNNING', 'STOPPED'] as const).map((desiredStatus) =>
      environment.clients.ecs.send(
        new ListTasksCommand({
          cluster: environment.stack.cluster,
          desiredStatus,
          ...(startedBy ? { startedBy } : {}),
        }),
      ),
    ),
  );
  return lists.flatMap((list) => list.taskArns ?? []);
}

/** The task statuses the handler saw, in order, from its "Polled tasks" logs. */
export function polledStatuses(exchange: Exchange): string[] {
  return exchange.invocations
    .flatMap((invocation) => invocation.logs)
    .filter((record) => record.message === 'Polled tasks' && Array.isArray(record.tasks))
    .flatMap((record) => (record.tasks as { lastStatus?: string }[]).map((task) => task.lastStatus ?? ''));
}

/**
 * Checks that the answer has `status` and nothing CloudFormation would refuse; otherwise fails with the answer and
 * the handler's logs, which say why. Returns the response.
 */
export function expectAnswer(exchange: Exchange, status: 'SUCCESS' | 'FAILED'): CloudFormationResponse {
  if (exchange.response?.Status !== status || exchange.problems.length > 0) {
    throw new Error(`Expected a ${status} answer CloudFormation accepts, got:\n${explain(exchange)}`);
  }
  return exchange.response;
}

function explain(exchange: Exchange): string {
  const logs = exchange.invocations.flatMap((invocation) => invocation.logs.map((record) => JSON.stringify(record)));
  return `${JSON.stringify(exchange.response ?? 'no response', null, 2)}\nproblems: ${JSON.stringify(exchange.problems)}\nlogs:\n${logs.join('\n')}`;
}
