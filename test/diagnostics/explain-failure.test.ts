import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeInstancesCommand,
  DescribeInstanceTypesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcEndpointsCommand,
} from '@aws-sdk/client-ec2';
import {
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  RunTaskCommand,
} from '@aws-sdk/client-ecs';
import { MAX_RESPONSE_BYTES } from '../../src/response/response-budget';
import {
  ecsTask,
  mockedAws,
  stoppedTask,
  stubAwsLogsTaskDefinition,
  stubHappyPath,
  TASK_ARN,
} from '../support/aws-mocks';
import { fixtures } from '../support/fixtures';
import { invokeWith } from '../support/invoke';

const aws = mockedAws();
const invoke = invokeWith(aws.ports);
const TASK_ID = TASK_ARN.split('/').pop() as string;
const INSTANCE_ARN =
  'arn:aws:ecs:us-east-1:123456789012:container-instance/todobackend-cluster/1f2e3d4c5b6a47988796a5b4c3d2e1f0';
const denied = (action: string) =>
  Object.assign(new Error(`You are not authorized to perform: ${action}`), { name: 'AccessDeniedException' });

const withAwsLogs = () => stubAwsLogsTaskDefinition(aws);

/** A private subnet whose route table has only the local route, in a VPC without endpoints. */
function withIsolatedSubnets() {
  aws.ec2.on(DescribeRouteTablesCommand).resolves({
    RouteTables: [
      {
        RouteTableId: 'rtb-0main',
        VpcId: 'vpc-0abc',
        Associations: [{ Main: true }],
        Routes: [{ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local' }],
      },
      {
        RouteTableId: 'rtb-0private',
        VpcId: 'vpc-0abc',
        Associations: [{ SubnetId: 'subnet-0a1b2c3d4e5f60718' }, { SubnetId: 'subnet-0f1e2d3c4b5a69788' }],
        Routes: [{ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local' }],
      },
    ],
  });
  aws.ec2.on(DescribeVpcEndpointsCommand).resolves({ VpcEndpoints: [{ ServiceName: 'com.amazonaws.us-east-1.s3' }] });
  aws.ec2.on(DescribeSecurityGroupsCommand).resolves({
    SecurityGroups: [
      {
        GroupId: 'sg-0123456789abcdef0',
        VpcId: 'vpc-0abc',
        IpPermissionsEgress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443 }],
      },
    ],
  });
}

const pullFailure = stoppedTask(undefined, {
  stopCode: 'TaskFailedToStart',
  stoppedReason:
    'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref 123456789012.dkr.ecr.us-east-1.amazonaws.com/todobackend:1.4.2: dial tcp 52.94.1.1:443: i/o timeout',
  containers: [{ name: 'migrate', lastStatus: 'STOPPED' }],
});

beforeEach(() => stubHappyPath(aws));

describe("the last lines of a failed container's log", () => {
  beforeEach(() => {
    withAwsLogs();
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [stoppedTask(1)] });
  });

  it('are quoted in the Reason with a console link, newest last', async () => {
    aws.logs.on(GetLogEventsCommand).resolves({
      events: [
        { message: 'Operations to perform: Apply all migrations: todo' },
        { message: "django.db.utils.OperationalError: (1045, \"Access denied for user 'todo'@'10.0.1.23'\")\n" },
      ],
    });
    const { response } = await invoke(fixtures.create());
    expect(aws.logs).toHaveReceivedCommandWith(GetLogEventsCommand, {
      logGroupName: '/ecs/todobackend',
      logStreamName: `todobackend/migrate/${TASK_ID}`,
      limit: 10,
      startFromHead: false,
    });
    expect(response?.Reason).toContain(
      `exited with code 1 (EssentialContainerExited: "Essential container in task exited"). Last log lines of "migrate": Operations to perform: Apply all migrations: todo | django.db.utils.OperationalError: (1045, "Access denied for user 'todo'@'10.0.1.23'"). Logs: https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Fecs$252Ftodobackend/log-events/todobackend$252Fmigrate$252F${TASK_ID}`,
    );
  });

  it('are read for a TLS handshake failure, whose hint comes before them', async () => {
    aws.logs.on(GetLogEventsCommand).resolves({
      events: [
        {
          message:
            "mysql.connector.errors.InterfaceError: 2055: Lost connection to MySQL server at 'todo.abc.eu-west-1.rds.amazonaws.com:3306', system error: 1 [SSL: UNSUPPORTED_PROTOCOL] unsupported protocol (_ssl.c:1129)",
        },
      ],
    });
    const { response } = await invoke(fixtures.create());
    const reason = response?.Reason ?? '';
    expect(reason).toMatch(
      /exited with code 1 \([^)]*\)\. Hint: the container's client could not open a TLS connection/,
    );
    expect(reason.indexOf('Hint:')).toBeLessThan(reason.indexOf('Last log lines of "migrate"'));
    expect(reason).toContain('[SSL: UNSUPPORTED_PROTOCOL]');
  });

  it("go whole into one error entry of the runner's own log, beside the Reason", async () => {
    const lines = Array.from({ length: 10 }, (_, i) => ({ message: `line ${i} ${'x'.repeat(400)}` }));
    aws.logs.on(GetLogEventsCommand).resolves({ events: lines });
    const { response, log } = await invoke(fixtures.create());
    const entries = log.entries.filter((entry) => entry.message === 'Last log lines of the failed containers');
    expect(entries).toHaveLength(1);
    expect(entries[0]?.level).toBe('error');
    expect(entries[0]?.extra[0]).toEqual({
      containers: [
        {
          taskArn: TASK_ARN,
          container: 'migrate',
          exitCode: 1,
          lines: lines.map((line) => line.message),
          logs: expect.stringContaining(`log-events/todobackend$252Fmigrate$252F${TASK_ID}`),
        },
      ],
    });
    // The Reason keeps only what fits; the log keeps every line.
    expect(response?.Reason).not.toContain('line 0 ');
  });

  it('keep the newest lines that fit, and the whole response within 4096 bytes', async () => {
    const events = Array.from({ length: 50 }, (_, i) => ({ message: `line ${i} ${'ü'.repeat(120)}` }));
    aws.logs.on(GetLogEventsCommand).resolves({ events });
    const event = fixtures.create();
    event.ResourceProperties.LogLines = '50';
    const { response, puts } = await invoke(event);
    expect(Buffer.byteLength(puts[0]?.body ?? '')).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
    expect(response?.Reason).toContain('line 49');
    expect(response?.Reason).not.toContain('line 0 ');
    expect(response?.Reason).toMatch(/Logs: https:\/\/\S+$/);
  });

  it('are replaced by a note when the runner may not read them', async () => {
    aws.logs.on(GetLogEventsCommand).rejects(denied('logs:GetLogEvents'));
    const { response } = await invoke(fixtures.create());
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toContain('exited with code 1');
    expect(response?.Reason).toContain(
      'Log of "migrate": could not read the log (AccessDeniedException): grant the runner logs:GetLogEvents on /ecs/todobackend.',
    );
  });

  it('are read again with backoff while CloudWatch Logs throttles GetLogEvents', async () => {
    let calls = 0;
    aws.logs.on(GetLogEventsCommand).callsFake(() => {
      if (calls++ < 2) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      return { events: [{ message: 'relation "todo" already exists' }] };
    });
    const { response } = await invoke(fixtures.create());
    expect(response?.Reason).toContain('Last log lines of "migrate": relation "todo" already exists.');
    expect(aws.logs).toHaveReceivedCommandTimes(GetLogEventsCommand, 3);
  });

  it('are replaced by a note when the stream does not exist', async () => {
    aws.logs
      .on(GetLogEventsCommand)
      .rejects(
        Object.assign(new Error('The specified log stream does not exist.'), { name: 'ResourceNotFoundException' }),
      );
    const { response } = await invoke(fixtures.create());
    expect(response?.Reason).toContain(
      `log stream todobackend/migrate/${TASK_ID} does not exist (the container may never have started)`,
    );
  });

  it('are not read when LogLines is 0, nor when the task succeeded', async () => {
    const event = fixtures.create();
    event.ResourceProperties.LogLines = '0';
    await invoke(event);
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [stoppedTask(0)] });
    await invoke(fixtures.create());
    expect(aws.logs).not.toHaveReceivedCommand(GetLogEventsCommand);
  });
});

describe('a task that could not reach its registry', () => {
  beforeEach(() => aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [pullFailure] }));

  it('names the subnet, its route table and the missing endpoints', async () => {
    withIsolatedSubnets();
    const { response } = await invoke(fixtures.create());
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toContain(
      'Network: subnet-0a1b2c3d4e5f60718 (route table rtb-0private) has no 0.0.0.0/0 route to a NAT gateway; subnet-0f1e2d3c4b5a69788 (route table rtb-0private) has no 0.0.0.0/0 route to a NAT gateway, and VPC vpc-0abc has no endpoint for ecr.api, ecr.dkr, logs — add a 0.0.0.0/0 route to a NAT gateway to those route tables, or the missing VPC endpoints',
    );
    expect(aws.ec2).toHaveReceivedCommandWith(DescribeRouteTablesCommand, {
      Filters: [{ Name: 'vpc-id', Values: ['vpc-0abc'] }],
    });
  });

  it('says an internet gateway route needs a public IP', async () => {
    withIsolatedSubnets();
    aws.ec2.on(DescribeRouteTablesCommand).resolves({
      RouteTables: [
        {
          RouteTableId: 'rtb-0public',
          Associations: [{ Main: true }],
          Routes: [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-0abc' }],
        },
      ],
    });
    const { response } = await invoke(fixtures.create());
    expect(response?.Reason).toContain(
      'subnet-0a1b2c3d4e5f60718 (route table rtb-0public) routes 0.0.0.0/0 to internet gateway igw-0abc, which a task without a public IP cannot use',
    );
  });

  it('points past the routes when there is a NAT gateway, and at security groups that block HTTPS', async () => {
    withIsolatedSubnets();
    aws.ec2.on(DescribeRouteTablesCommand).resolves({
      RouteTables: [
        {
          RouteTableId: 'rtb-0private',
          Associations: [{ Main: true }],
          Routes: [{ DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-0abc' }],
        },
      ],
    });
    aws.ec2.on(DescribeSecurityGroupsCommand).resolves({
      SecurityGroups: [
        {
          GroupId: 'sg-0123456789abcdef0',
          VpcId: 'vpc-0abc',
          IpPermissionsEgress: [{ IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306 }],
        },
      ],
    });
    const { response } = await invoke(fixtures.create());
    expect(response?.Reason).toContain(
      'Network: the subnets route 0.0.0.0/0 via nat-0abc. Security groups sg-0123456789abcdef0 allow no outbound TCP 443, which pulling images needs.',
    );
  });

  it('still answers why when the runner may not read the routes', async () => {
    aws.ec2.on(DescribeRouteTablesCommand).rejects(
      Object.assign(new Error('You are not authorized to perform this operation.'), {
        name: 'UnauthorizedOperation',
      }),
    );
    const { response } = await invoke(fixtures.create());
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toContain('container "migrate" never ran');
    expect(response?.Reason).toContain(
      "(Could not check the subnets' routes: UnauthorizedOperation — grant the runner ec2:DescribeRouteTables, ec2:DescribeVpcEndpoints and ec2:DescribeSecurityGroups.)",
    );
  });
});

describe('ENI capacity', () => {
  function withT2Micro() {
    aws.ecs.on(DescribeContainerInstancesCommand).resolves({
      containerInstances: [
        {
          containerInstanceArn: INSTANCE_ARN,
          ec2InstanceId: 'i-0abc',
          attributes: [{ name: 'ecs.instance-type', value: 't2.micro' }],
        },
      ],
    });
    aws.ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [
            {
              InstanceId: 'i-0abc',
              InstanceType: 't2.micro',
              NetworkInterfaces: [{ NetworkInterfaceId: 'eni-1' }, { NetworkInterfaceId: 'eni-2' }],
            },
          ],
        },
      ],
    });
    aws.ec2
      .on(DescribeInstanceTypesCommand)
      .resolves({ InstanceTypes: [{ InstanceType: 't2.micro', NetworkInfo: { MaximumNetworkInterfaces: 2 } }] });
  }

  it('is explained with numbers when RunTask runs out of ENIs', async () => {
    withT2Micro();
    const event = fixtures.create();
    event.ResourceProperties.LaunchType = 'EC2';
    aws.ecs.on(RunTaskCommand).resolves({ tasks: [], failures: [{ arn: INSTANCE_ARN, reason: 'RESOURCE:ENI' }] });
    const { response } = await invoke(event);
    expect(aws.ecs).toHaveReceivedCommandWith(DescribeContainerInstancesCommand, {
      cluster: 'todobackend-cluster',
      containerInstances: [INSTANCE_ARN],
    });
    expect(response?.Reason).toContain(
      'ENI capacity: i-0abc (t2.micro): 2 ENIs, room for 1 awsvpc task, 2 ENIs in use, trunking off. Each awsvpc task needs a free ENI besides the primary one.',
    );
  });

  it('says so when it cannot be read, and the failure still answers', async () => {
    const event = fixtures.create();
    event.ResourceProperties.LaunchType = 'EC2';
    aws.ecs.on(RunTaskCommand).resolves({ tasks: [], failures: [{ arn: INSTANCE_ARN, reason: 'RESOURCE:ENI' }] });
    aws.ecs.on(DescribeContainerInstancesCommand).rejects(denied('ecs:DescribeContainerInstances'));
    const { response } = await invoke(event);
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toContain('RESOURCE:ENI');
    expect(response?.Reason).toContain(
      '(Could not read the ENI capacity: AccessDeniedException — grant the runner ecs:DescribeContainerInstances',
    );
  });

  it('explains an EC2 task stuck in PROVISIONING, in the logs and at the deadline', async () => {
    withT2Micro();
    aws.ecs.on(ListContainerInstancesCommand).resolves({ containerInstanceArns: [INSTANCE_ARN] });
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask({ lastStatus: 'PROVISIONING' })] });
    const event = fixtures.create();
    event.ResourceProperties.LaunchType = 'EC2';
    const { response, log } = await invoke(event);
    expect(response?.Reason).toMatch(
      /^Timed out after 600 s waiting for task \w+ \(PROVISIONING\); stopped it\..* ENI capacity: i-0abc \(t2\.micro\)/,
    );
    const warnings = log.entries.filter((entry) => entry.message === 'A task is still waiting to start');
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0]?.extra)).toContain('room for 1 awsvpc task');
  });

  it('on Fargate, says capacity is short and what helps', async () => {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask({ lastStatus: 'PROVISIONING' })] });
    const { response } = await invoke(fixtures.create());
    expect(response?.Reason).toContain('Fargate kept the task waiting for capacity');
    expect(aws.ecs).not.toHaveReceivedCommand(ListContainerInstancesCommand);
  });
});

describe('a task slow to start', () => {
  it("is explained with the subnets' missing way out, in the logs and at the deadline", async () => {
    withIsolatedSubnets();
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask({ lastStatus: 'PENDING' })] });
    const { response, log } = await invoke(fixtures.create());
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toContain('has no 0.0.0.0/0 route to a NAT gateway');
    const warning = log.entries.find((entry) => entry.message === 'A task is still waiting to start');
    expect(JSON.stringify(warning?.extra)).toContain('has no 0.0.0.0/0 route to a NAT gateway');
  });

  it('does not blame the network when a NAT gateway is the way out', async () => {
    withIsolatedSubnets();
    aws.ec2.on(DescribeRouteTablesCommand).resolves({
      RouteTables: [
        {
          RouteTableId: 'rtb-0private',
          Associations: [{ Main: true }],
          Routes: [{ DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-0abc' }],
        },
      ],
    });
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask({ lastStatus: 'PENDING' })] });
    const { response } = await invoke(fixtures.create());
    expect(response?.Reason).toContain('Fargate kept the task waiting for capacity');
    expect(response?.Reason).not.toContain('route');
  });
});

describe('a task that runs as it should', () => {
  it('costs no EC2 call, even in subnets the diagnostics would question', async () => {
    withIsolatedSubnets();
    const { response } = await invoke(fixtures.create());
    expect(response?.Status).toBe('SUCCESS');
    expect(aws.ec2).not.toHaveReceivedAnyCommand();
  });
});
