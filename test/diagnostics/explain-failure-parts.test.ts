/**
 * The explanations of explain-failure.ts called directly, with AWS's answers mocked at the SDK: what RunTask's
 * refusals, RunTask's placement failures, timeouts and slow starts say, and which diagnosing calls they make.
 * test/diagnostics/explain-failure.test.ts follows the same explanations through whole requests.
 */
import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcEndpointsCommand,
} from '@aws-sdk/client-ec2';
import { DescribeContainerInstancesCommand, ListContainerInstancesCommand } from '@aws-sdk/client-ecs';
import {
  type DiagnosisContext,
  explainFailedTasks,
  explainRunTaskFailures,
  explainRunTaskRefusal,
  explainSlowStart,
  explainTimeout,
} from '../../src/diagnostics/explain-failure';
import { reasonRoomAfter } from '../../src/response/response-budget';
import type { DecidedTask } from '../../src/tasks/task-outcome';
import { mockedAws, stubHappyPath, TASK_ARN } from '../support/aws-mocks';
import { FakeClock, fakeInvocation, RecordingLog } from '../support/fakes';

const INSTANCE_ARN =
  'arn:aws:ecs:us-east-1:123456789012:container-instance/todobackend-cluster/1f2e3d4c5b6a47988796a5b4c3d2e1f0';

const aws = mockedAws();
const TASK_ID = TASK_ARN.split('/').pop() as string;
const SUBNET = 'subnet-0a1b2c3d4e5f60718';
const GROUP = 'sg-0123456789abcdef0';
const FARGATE_CAPACITY =
  "Fargate kept the task waiting for capacity: capacity may be short in these subnets' Availability Zones" +
  ' — retry later, or add subnets in other Availability Zones.';
const NO_INSTANCES =
  'ENI capacity: cluster todobackend-cluster has no ACTIVE container instances, so no EC2 task can be placed' +
  ' — add instances or a capacity provider.';

function context(overrides: Partial<DiagnosisContext> = {}): DiagnosisContext & { log: RecordingLog } {
  const clock = new FakeClock();
  return {
    aws: aws.ports,
    clock,
    invocation: fakeInvocation(clock),
    deadline: clock.now() + 600_000,
    cluster: 'todobackend-cluster',
    network: { subnets: [SUBNET], securityGroups: [GROUP], assignPublicIp: 'DISABLED' },
    fargate: true,
    logLines: 10,
    logs: {},
    usesSecrets: false,
    masked: [],
    ...overrides,
    log: new RecordingLog(),
  };
}

/** The context without the properties that say where tasks run and on which network (the cluster's defaults). */
function without(diagnosis: DiagnosisContext, ...keys: ('network' | 'fargate')[]): DiagnosisContext {
  const { network, fargate, ...rest } = diagnosis;
  return {
    ...rest,
    ...(network === undefined || keys.includes('network') ? {} : { network }),
    ...(fargate === undefined || keys.includes('fargate') ? {} : { fargate }),
  };
}

const error = (name: string, message: string) => Object.assign(new Error(message), { name });

/** One route table for the whole VPC, sending 0.0.0.0/0 to `target` (a NAT gateway's or internet gateway's ID). */
function routesTo(target: { NatGatewayId: string } | { GatewayId: string }) {
  aws.ec2.on(DescribeRouteTablesCommand).resolves({
    RouteTables: [
      {
        RouteTableId: 'rtb-0main',
        Associations: [{ Main: true }],
        Routes: [{ DestinationCidrBlock: '0.0.0.0/0', ...target }],
      },
    ],
  });
  aws.ec2.on(DescribeVpcEndpointsCommand).resolves({ VpcEndpoints: [] });
  aws.ec2.on(DescribeSecurityGroupsCommand).resolves({
    SecurityGroups: [{ GroupId: GROUP, VpcId: 'vpc-0abc', IpPermissionsEgress: [{ IpProtocol: '-1' }] }],
  });
}

beforeEach(() => stubHappyPath(aws));

describe('RunTask refused the call', () => {
  it('names the cluster property when the cluster does not exist, without asking EC2', async () => {
    const refused = error('ClusterNotFoundException', 'Cluster not found.');
    expect(await explainRunTaskRefusal(refused, context())).toBe(
      'Not started: cluster "todobackend-cluster" was not found in this account and region' +
        " (RunTask: ClusterNotFoundException), so no task was started — check Cluster (a cluster name or ARN in the stack's region).",
    );
    expect(aws.ec2).not.toHaveReceivedAnyCommand();
  });

  it('names the subnet that does not exist when RunTask refuses the network configuration', async () => {
    aws.ec2.on(DescribeSubnetsCommand).resolves({ Subnets: [] });
    const refused = error(
      'InvalidParameterException',
      "Error retrieving subnet information for [subnet-0a1b2c3d4e5f60718]: The subnet ID 'subnet-0a1b2c3d4e5f60718' does not exist",
    );
    expect(await explainRunTaskRefusal(refused, context())).toBe(
      `Not started: Subnets: ${SUBNET} does not exist in this account and region.` +
        ' (RunTask refused the network configuration; no task was started.)',
    );
    expect(aws.ec2).toHaveReceivedCommandWith(DescribeSubnetsCommand, {
      Filters: [{ Name: 'subnet-id', Values: [SUBNET] }],
    });
  });

  it('names every problem it finds, one after the other', async () => {
    aws.ec2.on(DescribeSubnetsCommand).resolves({ Subnets: [] });
    aws.ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });
    const refused = error(
      'InvalidParameterException',
      'Error retrieving subnet information for [subnet-0a1b2c3d4e5f60718]',
    );
    expect(await explainRunTaskRefusal(refused, context())).toBe(
      `Not started: Subnets: ${SUBNET} does not exist in this account and region;` +
        ` SecurityGroups: ${GROUP} does not exist in this account and region.` +
        ' (RunTask refused the network configuration; no task was started.)',
    );
  });

  it("keeps RunTask's own words when the runner may not read the network, and says which permission helps", async () => {
    aws.ec2.on(DescribeSubnetsCommand).rejects(error('UnauthorizedOperation', 'You are not authorized'));
    const refused = error(
      'InvalidParameterException',
      'Error retrieving subnet information for [subnet-0a1b2c3d4e5f60718]',
    );
    expect(await explainRunTaskRefusal(refused, context())).toBe(
      'RunTask failed: InvalidParameterException: Error retrieving subnet information for [subnet-0a1b2c3d4e5f60718]' +
        ' (Could not describe the subnets and security groups: UnauthorizedOperation' +
        ' — grant the runner ec2:DescribeSubnets and ec2:DescribeSecurityGroups.)',
    );
  });

  it("gives RunTask's own words when EC2 finds nothing wrong with the network, or none was given", async () => {
    const refused = error('InvalidParameterException', 'subnets can not be empty.');
    const said = 'RunTask failed: InvalidParameterException: subnets can not be empty.';
    expect(await explainRunTaskRefusal(refused, context())).toBe(said);
    aws.ec2.resetHistory();
    expect(await explainRunTaskRefusal(refused, without(context(), 'network'))).toBe(said);
    expect(aws.ec2).not.toHaveReceivedAnyCommand();
  });

  it('does not read the network for a refusal about something else', async () => {
    const refused = error('InvalidParameterException', 'Task definition does not support launch_type FARGATE.');
    expect(await explainRunTaskRefusal(refused, context())).toBe(
      'RunTask failed: InvalidParameterException: Task definition does not support launch_type FARGATE.',
    );
    expect(aws.ec2).not.toHaveReceivedAnyCommand();
  });
});

describe('RunTask placed fewer tasks than asked', () => {
  it('says why, and reads no capacity unless ENIs ran out', async () => {
    const failures = [{ reason: 'RESOURCE:MEMORY', arn: 'arn:aws:ecs:us-east-1:123456789012:container-instance/c/1' }];
    const reason = await explainRunTaskFailures(failures, 0, { ...context(), wanted: 1 });
    expect(reason).toMatch(/^RunTask started 0 of 1 task: RESOURCE:MEMORY \(arn:.*\)\. Hint: no container instance/);
    expect(aws.ecs).not.toHaveReceivedCommand(ListContainerInstancesCommand);
    expect(aws.ecs).not.toHaveReceivedCommand(DescribeContainerInstancesCommand);
    expect(reason).not.toContain('ENI capacity');
  });

  it('reads the capacity of the instances the ENI failures name', async () => {
    aws.ecs.on(DescribeContainerInstancesCommand).resolves({ containerInstances: [] });
    const failures = [{ reason: 'RESOURCE:MEMORY' }, { reason: 'RESOURCE:ENI', arn: INSTANCE_ARN }];
    await explainRunTaskFailures(failures, 0, { ...context(), wanted: 1 });
    expect(aws.ecs).toHaveReceivedCommandWith(DescribeContainerInstancesCommand, {
      containerInstances: [INSTANCE_ARN],
    });
    expect(aws.ecs).not.toHaveReceivedCommand(ListContainerInstancesCommand);
  });

  it("reads the cluster's ACTIVE instances when the ENI failure names an ARN that is no container instance", async () => {
    aws.ecs.on(ListContainerInstancesCommand).resolves({ containerInstanceArns: [] });
    const failures = [{ reason: 'RESOURCE:ENI', arn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/migrate:3' }];
    await explainRunTaskFailures(failures, 0, { ...context(), wanted: 1 });
    expect(aws.ecs).toHaveReceivedCommand(ListContainerInstancesCommand);
    expect(aws.ecs).not.toHaveReceivedCommand(DescribeContainerInstancesCommand);
  });

  it("reads the cluster's ACTIVE instances when the ENI failure names none", async () => {
    aws.ecs.on(ListContainerInstancesCommand).resolves({ containerInstanceArns: [] });
    const reason = await explainRunTaskFailures([{ reason: 'RESOURCE:ENI' }], 0, { ...context(), wanted: 1 });
    expect(reason).toMatch(/^RunTask started 0 of 1 task: RESOURCE:ENI\. Hint: .* awsvpcTrunking\. ENI capacity:/);
    expect(reason.endsWith(` ${NO_INSTANCES}`)).toBe(true);
    expect(aws.ecs).toHaveReceivedCommandWith(ListContainerInstancesCommand, {
      cluster: 'todobackend-cluster',
      status: 'ACTIVE',
    });
  });
});

describe('the deadline passed', () => {
  const RAISE = ' Raise Timeout (and ServiceTimeout) if the task needs longer, or find out why it did not finish.';

  it('explains no start for a task that was running', async () => {
    expect(await explainTimeout([{ taskArn: TASK_ARN, lastStatus: 'RUNNING' }], 600, context())).toBe(
      `Timed out after 600 s waiting for task ${TASK_ID} (RUNNING); stopped it.${RAISE}`,
    );
    expect(aws.ec2).not.toHaveReceivedAnyCommand();
  });

  it('explains why one of several tasks did not start', async () => {
    const pending = [
      { taskArn: TASK_ARN, lastStatus: 'RUNNING' },
      { taskArn: TASK_ARN.replace(/.$/, '9'), lastStatus: 'PENDING' },
    ];
    expect(await explainTimeout(pending, 600, without(context(), 'network'))).toMatch(
      new RegExp(`stopped them\\..* ${FARGATE_CAPACITY.replace(/[.()]/g, '\\$&')}$`),
    );
  });

  it.each(['PROVISIONING', 'PENDING'])('explains why a task still %s did not start', async (lastStatus) => {
    routesTo({ NatGatewayId: 'nat-0abc' });
    expect(await explainTimeout([{ taskArn: TASK_ARN, lastStatus }], 600, context())).toBe(
      `Timed out after 600 s waiting for task ${TASK_ID} (${lastStatus}); stopped it.${RAISE} ${FARGATE_CAPACITY}`,
    );
  });
});

describe('a task slow to start', () => {
  it("on Fargate without a network configuration, says only Fargate's capacity", async () => {
    expect(await explainSlowStart(without(context(), 'network'))).toBe(FARGATE_CAPACITY);
    expect(aws.ec2).not.toHaveReceivedAnyCommand();
  });

  it("on EC2, reads the cluster's instances", async () => {
    aws.ecs.on(ListContainerInstancesCommand).resolves({ containerInstanceArns: [] });
    expect(await explainSlowStart(without(context({ fargate: false }), 'network'))).toBe(NO_INSTANCES);
  });

  it("where the cluster's default decides, reads the instances too", async () => {
    aws.ecs.on(ListContainerInstancesCommand).resolves({ containerInstanceArns: [] });
    expect(await explainSlowStart(without(context(), 'network', 'fargate'))).toBe(NO_INSTANCES);
  });

  it('adds the missing way out when the subnets have none', async () => {
    routesTo({ GatewayId: 'igw-0abc' });
    expect(await explainSlowStart(context())).toBe(
      `${FARGATE_CAPACITY} Network: ${SUBNET} (route table rtb-0main) routes 0.0.0.0/0 to internet gateway igw-0abc,` +
        ' which a task without a public IP cannot use, and VPC vpc-0abc has no endpoint for ecr.api, ecr.dkr, s3, logs' +
        ' — add a 0.0.0.0/0 route to a NAT gateway to those route tables, or the missing VPC endpoints' +
        ' (or, on Fargate in a public subnet, AssignPublicIp ENABLED).',
    );
  });

  it('counts a public IP only where the task gets one: Fargate, or the cluster default, with AssignPublicIp ENABLED', async () => {
    routesTo({ GatewayId: 'igw-0abc' });
    const publicIp = { subnets: [SUBNET], securityGroups: [GROUP], assignPublicIp: 'ENABLED' as const };
    expect(await explainSlowStart(context({ network: publicIp }))).toBe(FARGATE_CAPACITY);
    aws.ecs.on(ListContainerInstancesCommand).resolves({ containerInstanceArns: [] });
    expect(await explainSlowStart(without(context({ network: publicIp }), 'fargate'))).toBe(NO_INSTANCES);
    expect(await explainSlowStart(context({ network: publicIp, fargate: false }))).toMatch(
      new RegExp(`^${NO_INSTANCES.replace(/[.()]/g, '\\$&')} Network: .* which a task without a public IP cannot use`),
    );
  });

  it('says which permissions the ENI capacity needs when the runner may not read it', async () => {
    aws.ecs
      .on(ListContainerInstancesCommand)
      .rejects(error('AccessDeniedException', 'not authorized to perform: ecs:ListContainerInstances'));
    expect(await explainSlowStart(without(context({ fargate: false }), 'network'))).toBe(
      '(Could not read the ENI capacity: AccessDeniedException — grant the runner ecs:ListContainerInstances,' +
        ' ecs:DescribeContainerInstances, ec2:DescribeInstances and ec2:DescribeInstanceTypes.)',
    );
  });

  it('names the error, without a permission to grant, when the ENI capacity cannot be read for another reason', async () => {
    aws.ecs.on(ListContainerInstancesCommand).rejects(error('ServerException', 'Service Unavailable'));
    expect(await explainSlowStart(without(context({ fargate: false }), 'network'))).toBe(
      '(Could not read the ENI capacity: ServerException.)',
    );
  });

  it('says the route check was cut short when EC2 does not answer within the bound', async () => {
    const diagnosis = context();
    aws.ec2.on(DescribeRouteTablesCommand).callsFake(async () => {
      await diagnosis.clock.sleep(60_000);
      return { RouteTables: [] };
    });
    expect(await explainSlowStart(diagnosis)).toBe(
      `${FARGATE_CAPACITY} (Could not check the subnets' routes: AWS did not answer in time, so the diagnosis was cut short.)`,
    );
  });

  it('says only the capacity when the routes cannot be read, and logs why at debug level', async () => {
    aws.ec2.on(DescribeRouteTablesCommand).rejects(error('UnauthorizedOperation', 'You are not authorized'));
    const diagnosis = context();
    expect(await explainSlowStart(diagnosis)).toBe(FARGATE_CAPACITY);
    expect(diagnosis.log.entries.map(({ level, message }) => `${level} ${message}`)).toEqual([
      'debug Could not check the network path of a slow task',
    ]);
  });
});

describe('the log tails of failed containers', () => {
  const failedTask = (names: string[]): DecidedTask => ({
    taskArn: TASK_ARN,
    lastStatus: 'STOPPED',
    verdict: 'failed',
    stopCode: 'EssentialContainerExited',
    failures: names.map((name) => ({ name, exitCode: 1 })),
  });
  const location = { group: '/ecs/todobackend', region: 'us-east-1', streamPrefix: 'todobackend' };

  it('are read for at most two containers, and only for those logging to CloudWatch Logs', async () => {
    aws.logs.on(GetLogEventsCommand).resolves({ events: [{ message: 'boom' }] });
    const logs = { first: location, third: location, fourth: location };
    const reason = await explainFailedTasks([failedTask(['first', 'second', 'third', 'fourth'])], context({ logs }));
    expect(aws.logs.commandCalls(GetLogEventsCommand).map((call) => call.args[0].input.logStreamName)).toEqual([
      `todobackend/first/${TASK_ID}`,
      `todobackend/third/${TASK_ID}`,
    ]);
    expect(reason).toMatch(/Last log lines of "first": boom\. Logs: \S+ Last log lines of "third": boom\. Logs: \S+$/);
  });

  it("go whole into one error entry of the runner's log, with each container's exit code and note", async () => {
    aws.logs.on(GetLogEventsCommand).resolves({ events: [] });
    const diagnosis = context({ logs: { first: location } });
    await explainFailedTasks([failedTask(['first'])], diagnosis);
    expect(diagnosis.log.entries.filter((entry) => entry.level === 'error')).toEqual([
      {
        level: 'error',
        message: 'Last log lines of the failed containers',
        extra: [
          {
            containers: [
              {
                taskArn: TASK_ARN,
                container: 'first',
                exitCode: 1,
                lines: [],
                logs: expect.stringContaining('log-events/todobackend$252Ffirst$252F') as unknown,
                note: 'the log stream is empty',
              },
            ],
          },
        ],
      },
    ]);
  });

  it('log nothing when no failed container logs to CloudWatch Logs', async () => {
    const diagnosis = context();
    await explainFailedTasks([failedTask(['first'])], diagnosis);
    expect(diagnosis.log.entries).toEqual([]);
  });

  it('are left out when the explanation leaves less than 200 bytes of the Reason', async () => {
    aws.logs.on(GetLogEventsCommand).resolves({ events: [{ message: 'boom' }] });
    const logs = { first: location };
    /** A failed task whose stopped reason makes the explanation leave `room` bytes (it adds `: "…"` to the stop code). */
    const leaving = async (room: number) => {
      const probe = await explainFailedTasks([failedTask(['first'])], context({ logLines: 0 }));
      const task = { ...failedTask(['first']), stoppedReason: 'x'.repeat(reasonRoomAfter(probe) - room - 4) };
      expect(reasonRoomAfter(await explainFailedTasks([task], context({ logLines: 0 })))).toBe(room);
      return explainFailedTasks([task], context({ logs }));
    };
    // 200 bytes hold the console link, not the line as well; 199 not even the link.
    expect(await leaving(200)).toMatch(/"\)\. Log of "first": Logs: \S+$/);
    expect(await leaving(199)).toMatch(/"\)\.$/);
  });

  it('follow the network findings when a container could not reach its registry', async () => {
    routesTo({ GatewayId: 'igw-0abc' });
    const pull: DecidedTask = {
      ...failedTask([]),
      stopCode: 'TaskFailedToStart',
      failures: [{ name: 'migrate', reason: 'CannotPullContainerError: dial tcp 52.94.1.1:443: i/o timeout' }],
    };
    expect(await explainFailedTasks([pull], context({ logLines: 0 }))).toMatch(
      /AssignPublicIp ENABLED\. Network: subnet-0a1b2c3d4e5f60718 \(route table rtb-0main\) routes 0\.0\.0\.0\/0 to internet gateway igw-0abc,/,
    );
  });

  it('are not read when LogLines is 0', async () => {
    const reason = await explainFailedTasks(
      [failedTask(['first'])],
      context({ logs: { first: location }, logLines: 0 }),
    );
    expect(reason).toBe(`Task ${TASK_ID} failed: container "first" exited with code 1 (EssentialContainerExited).`);
    expect(aws.logs).not.toHaveReceivedAnyCommand();
  });
});
