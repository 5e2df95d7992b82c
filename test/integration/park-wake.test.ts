import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeTasksCommand, ECSClient } from '@aws-sdk/client-ecs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { startMoto, type MotoServer } from '../../scripts/local/moto';
import { findMotoPython } from '../../scripts/local/moto-python';
import { createSampleStack, type SampleStack } from '../../scripts/local/sample-stack';
import { createStateTable } from '../../scripts/local/state-table';
import { taskStateChange } from '../../scripts/local/task-state-change';
import { createEc2Api } from '../../src/aws/ec2-api';
import { createEcsApi } from '../../src/aws/ecs-api';
import type { AwsPorts } from '../../src/aws/ports';
import { createStateTableApi } from '../../src/aws/state-table-api';
import { answerEcsEvent } from '../../src/requests/answer-ecs-event';
import { answerCloudFormation } from '../../src/requests/answer-cloudformation';
import type { RunItem } from '../../src/run/parking/run-item';
import { runItemKey } from '../../src/run/parking/run-item';
import { FakeClock, fakeInvocation, RecordingLog, recordingHttp } from '../support/fakes';
import { fixtures, withProperties } from '../support/fixtures';

const found = findMotoPython();
const describeOnMoto = 'problem' in found && process.env.CI !== 'true' ? describe.skip : describe;

/**
 * Parking and waking against moto's ECS and DynamoDB, through the real SDK adapters: the run is written to moto's
 * table and parked, then an event built from moto's task (the local tools' builder: moto emits none) wakes it, and
 * the answer is claimed in the table before it is sent. Virtual time: the minute of watching takes no real time.
 * CloudFormation's stack status is a stand-in saying the Create is in progress (moto's stacks do not play one).
 */
describeOnMoto("parking and waking on moto's ECS and DynamoDB", () => {
  let moto: MotoServer | undefined;
  let stack: SampleStack;
  let ports: AwsPorts;
  let ecs: ECSClient;
  let dynamodb: DynamoDBClient;
  const tableName = 'park-wake-state';

  beforeAll(async () => {
    if ('problem' in found) throw new Error(found.problem);
    moto = await startMoto(found.python);
    ecs = new ECSClient(moto.clientConfig);
    dynamodb = new DynamoDBClient(moto.clientConfig);
    const ec2 = new EC2Client(moto.clientConfig);
    stack = await createSampleStack(
      { ec2, ecs, cloudFormation: new CloudFormationClient(moto.clientConfig) },
      moto.region,
    );
    await createStateTable(dynamodb, tableName);
    const table = createStateTableApi(tableName, dynamodb);
    const unused = () => Promise.reject(new Error('not used in this test'));
    ports = {
      ecs: createEcsApi(ecs),
      ec2: async () => createEc2Api(ec2),
      lambda: unused,
      logs: unused,
      cloudFormation: async () => ({
        stackStatus: async () => 'CREATE_IN_PROGRESS',
        stackResource: async () => undefined,
      }),
      cloudFormationAs: unused,
      stateTable: async () => table,
    };
  }, 120_000);
  afterAll(async () => {
    ecs.destroy();
    dynamodb.destroy();
    await moto?.stop();
  });

  it('parks a run after a minute of watching, and the event of its stop wakes it and answers SUCCESS once', async () => {
    const request = withProperties(fixtures.create(), {
      Cluster: stack.cluster,
      TaskDefinition: stack.taskDefinitionArn,
      LaunchType: 'FARGATE',
      NetworkConfiguration: {
        AwsvpcConfiguration: { Subnets: [stack.subnetId], SecurityGroups: [stack.securityGroupId] },
      },
      Timeout: '1800',
    });
    const invoke = async (event: unknown, clock: FakeClock) => {
      const log = new RecordingLog();
      const { http, puts } = recordingHttp();
      const deps = {
        aws: ports,
        clock,
        invocation: fakeInvocation(clock, 300_000),
        log,
        http,
        eventDriven: true,
      };
      if ((event as { source?: string }).source === 'aws.ecs')
        await answerEcsEvent(event as Parameters<typeof answerEcsEvent>[0], deps);
      else await answerCloudFormation(event, deps);
      return { log, puts };
    };
    // The task stays RUNNING for the minute of watching (about 22 DescribeTasks calls).
    await moto?.setTaskTransition({ progression: 'manual', times: 1000 });
    // The fixtures' request was sent at 12:00 (its ResponseURL's X-Amz-Date): the fake clock starts there.
    const start = new FakeClock().now();
    const first = await invoke(request, new FakeClock(start));
    expect(first.puts).toHaveLength(0);
    expect(first.log.text()).toContain('Parked the run');
    const table = createStateTableApi(tableName, dynamodb);
    const parked = JSON.parse((await table.get(runItemKey(request)))?.body ?? '{}') as RunItem;
    expect(parked.run?.state.kind).toBe('parked');
    const taskArn = parked.run?.state.kind === 'parked' ? parked.run.state.taskArns[0] : undefined;
    // What the sweep looks through: a Scan of the run items (the task's index item left out).
    expect((await table.scan('run#')).map((item) => item.pk)).toEqual([runItemKey(request)]);
    expect(taskArn).toMatch(/^arn:aws:ecs:/);

    // The task exits: moto stops it at the next DescribeTasks, and the event ECS would send is built from it.
    await moto?.setTaskTransition({ progression: 'immediate' });
    const { tasks } = await ecs.send(new DescribeTasksCommand({ cluster: stack.cluster, tasks: [taskArn ?? ''] }));
    const stopped = tasks?.[0];
    expect(stopped?.lastStatus).toBe('STOPPED');
    const event = taskStateChange(stopped ?? {}, { version: 5 });

    const woken = await invoke(event, new FakeClock(start + 600_000));
    expect(woken.puts).toHaveLength(1);
    expect(JSON.parse(woken.puts[0]?.body ?? '{}')).toMatchObject({ Status: 'SUCCESS', RequestId: request.RequestId });
    const again = await invoke(event, new FakeClock(start + 601_000));
    expect(again.puts).toHaveLength(0);
    const item = JSON.parse((await table.get(runItemKey(request)))?.body ?? '{}') as RunItem;
    // Answered: the item keeps its generation and that it was answered, nothing of the run (answer-claim.ts).
    expect(item).toEqual({ kind: 'run', generation: 2, answered: true, heldSince: expect.any(Number) });
  }, 120_000);
});
