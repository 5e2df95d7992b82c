/**
 * npm start: the built handler taken through Create → Update → Delete of a `MigrateTask` resource, exactly as
 * CloudFormation would send them, against moto on this machine. Exits non-zero when an answer is not what
 * CloudFormation should get.
 */
import { ensureBundle } from './local/bundle';
import { CustomResource, type Exchange, type TemplateValue } from './local/cloudformation';
import { parseCommandLine, runCli } from './local/cli';
import { motoLimitNotes } from './local/moto-limits';
import { PARKED, printExchange, ProgressPrinter } from './local/progress';

const LOGICAL_ID = 'MigrateTask';

const USAGE = `Usage: npm start [-- --verbose]

Builds the bundle when it is missing or older than its sources, starts moto (local AWS) with the sample stack, and
sends the built handler the Create, Update and Delete of a MigrateTask resource, as CloudFormation would. Exit code
0 when every answer is what CloudFormation should get, 1 otherwise, 2 for a usage error.

  --verbose  print the handler's JSON logs as they are
  --help     print this and exit`;

async function main(onStop: (stop: () => Promise<void>) => void): Promise<number> {
  const { values: flags } = parseCommandLine({
    options: { verbose: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
  });
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  const started = Date.now();
  ensureBundle((line) => console.log(line));
  const progress = new ProgressPrinter(undefined, flags.verbose);
  console.log(
    'Starting moto (local AWS) and creating the sample stack: VPC, private subnet behind a NAT gateway, task security group, ECS cluster, awsvpc task definition',
  );
  // Loaded only now: the AWS SDK takes a while to load, and a usage error should not wait for it.
  const { startLocalEnvironment, PARKING_TASK_TRANSITION, DEFAULT_TASK_TRANSITION } =
    await import('./local/local-environment');
  const environment = await startLocalEnvironment({
    onLog: progress.onLog,
    onEvent: progress.onEvent,
    eventDriven: true,
    onSetup: (line) => console.log(`  ${line}`),
  });
  onStop(() => environment.stop());
  try {
    const { stack } = environment;
    console.log(`  moto            ${environment.moto.endpoint} (${environment.moto.python})`);
    console.log(`  stack           ${stack.stackId}`);
    console.log(`  subnet          ${stack.subnetId} (${stack.vpcId})`);
    console.log(`  security group  ${stack.securityGroupId}`);
    console.log(`  task definition ${stack.taskDefinitionArn}, cluster ${stack.cluster}`);
    console.log(`  runner          ${environment.functionArn} (dist/ecs-task-runner/index.mjs)`);

    const properties = (imageTag: string): Record<string, TemplateValue> => ({
      Cluster: stack.cluster,
      TaskDefinition: stack.taskDefinitionArn,
      LaunchType: 'FARGATE',
      NetworkConfiguration: {
        AwsvpcConfiguration: {
          Subnets: [stack.subnetId],
          SecurityGroups: [stack.securityGroupId],
          AssignPublicIp: 'DISABLED',
        },
      },
      Count: 1,
      // Beyond the function's 15 minutes: a run whose deadline one invocation can reach is watched to the end by
      // it, never parked (src/tasks/watch-tasks.ts), and the Create is to show the event path.
      Timeout: 1800,
      PollInterval: 1,
      Triggers: { ImageTag: imageTag },
    });
    const resource = new CustomResource(LOGICAL_ID, environment.simulation);
    const failures: string[] = [];
    const step = async (
      title: string,
      send: () => Promise<Exchange>,
      expect: (exchange: Exchange) => string[],
    ): Promise<Exchange> => {
      console.log(`\n→ ${title}`);
      progress.begin();
      const exchange = await send();
      printExchange(exchange);
      for (const note of motoLimitNotes(exchange)) console.log(`  ℹ ${note}`);
      const unexpected = expect(exchange);
      for (const problem of unexpected) console.log(`  ✗ ${problem}`);
      for (const problem of [...exchange.problems, ...unexpected]) failures.push(`${title}: ${problem}`);
      return exchange;
    };

    // The Create's task outlasts the runner's watch (about a minute): the run parks, and an ECS event answers it.
    await environment.moto.setTaskTransition(PARKING_TASK_TRANSITION);
    const create = await step(
      `Create ${LOGICAL_ID} (Triggers.ImageTag "1.0.0"; the task runs about 72 s: the run parks, an ECS event wakes it)`,
      () => resource.create(properties('1.0.0')),
      (exchange) => [...ranATask(exchange), ...wokenByAnEvent(exchange)],
    );
    await environment.moto.setTaskTransition(DEFAULT_TASK_TRANSITION);
    // A PhysicalResourceId other than the request's on Update or Delete is among the exchange's problems.
    await step(
      `Update ${LOGICAL_ID} (Triggers.ImageTag "1.0.0" → "1.1.0": the migration runs again)`,
      () => resource.update(properties('1.1.0')),
      (exchange) => [...ranATask(exchange), ...newTask(exchange, create)],
    );
    await step(
      `Delete ${LOGICAL_ID}`,
      () => resource.delete(),
      (exchange) => succeeded(exchange),
    );

    // The runner template's SweepSchedule sends this input every 5 minutes; here once, after the requests.
    console.log('\n→ Sweep (the SweepSchedule\'s input {"ecsTaskRunnerSweep":1}, once)');
    progress.begin();
    const sweep = await environment.sweep().catch((error: unknown) => {
      failures.push(`Sweep: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    });
    if (sweep) console.log(`  ← done (${(sweep.durationMs / 1000).toFixed(1)} s)`);

    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (failures.length > 0) {
      console.log(
        `\n✗ ${failures.length} answer${failures.length === 1 ? ' was' : 's were'} not what CloudFormation should get (${seconds} s):`,
      );
      for (const failure of failures) console.log(`  - ${failure}`);
      return 1;
    }
    console.log(`\n✓ Create, Update and Delete answered as CloudFormation expects, and the sweep ran (${seconds} s).`);
    return 0;
  } finally {
    await environment.stop();
  }
}

function succeeded(exchange: Exchange): string[] {
  const status = exchange.response?.Status;
  return status === 'SUCCESS'
    ? []
    : [
        `expected SUCCESS, got ${status ?? 'no response'}${exchange.response?.Reason ? `: ${exchange.response.Reason}` : ''}`,
      ];
}

function ranATask(exchange: Exchange): string[] {
  const data = exchange.response?.Data ?? {};
  const problems = succeeded(exchange);
  if (!data.TaskArn) problems.push('Data.TaskArn is empty: no task ran');
  if (data.ExitCode !== '0') problems.push(`Data.ExitCode is ${JSON.stringify(data.ExitCode)}, not "0"`);
  return problems;
}

/**
 * A run the runner parked must be answered by an event's invocation. A runner that never parks (without
 * event-driven completion) answers from its watch, which the note before the answer says.
 */
function wokenByAnEvent(exchange: Exchange): string[] {
  const parked = exchange.invocations.some((invocation) => invocation.logs.some((record) => record.message === PARKED));
  if (!parked) {
    console.log('  ℹ the runner did not park this run: the invocation that started it watched it to the end');
    return [];
  }
  const answeredByAnEvent = (exchange.events?.invocations ?? []).some((invocation) =>
    invocation.logs.some((record) => record.message === 'Answered CloudFormation'),
  );
  return answeredByAnEvent ? [] : ['the run parked, but no ECS event answered it'];
}

function newTask(exchange: Exchange, previous: Exchange): string[] {
  const before = previous.response?.Data?.TaskArn;
  return exchange.response?.Data?.TaskArn === before
    ? [`Data.TaskArn is still ${String(before)}: the update ran no new task`]
    : [];
}

runCli(main, 'npm start -- --help');
