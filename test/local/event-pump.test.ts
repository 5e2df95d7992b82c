import { DescribeTasksCommand, ECSClient, ListTasksCommand, type Task } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { EventPump } from '../../scripts/local/event-pump';
import type { InvocationRecord } from '../../scripts/local/handler-invoker';

const CLUSTER = 'migrate-demo';
const TASK_ARN = 'arn:aws:ecs:us-east-1:123456789012:task/migrate-demo/0ca4b461145e47e1975425091e7cf8e5';

/** A task as moto's DescribeTasks returns it: a stopped one keeps desiredStatus RUNNING. */
function motoTask(lastStatus: string, version: number): Task {
  return {
    taskArn: TASK_ARN,
    clusterArn: `arn:aws:ecs:us-east-1:123456789012:cluster/${CLUSTER}`,
    lastStatus,
    desiredStatus: 'RUNNING',
    version,
    containers: [],
  };
}

describe('the local event pump', () => {
  const ecsMock = mockClient(ECSClient);
  afterEach(() => ecsMock.reset());

  it('delivers what the rule would (desired STOPPED), once per change, with the task version, until the task stopped', async () => {
    ecsMock.on(ListTasksCommand).resolves({ taskArns: [TASK_ARN] });
    ecsMock
      .on(DescribeTasksCommand)
      .resolvesOnce({ tasks: [motoTask('RUNNING', 1)] })
      .resolvesOnce({ tasks: [motoTask('DEACTIVATING', 2)] })
      .resolvesOnce({ tasks: [motoTask('DEACTIVATING', 2)] })
      .resolves({ tasks: [motoTask('STOPPED', 5)] });
    const events: unknown[] = [];
    const pump = new EventPump({
      ecs: new ECSClient({ region: 'us-east-1' }),
      cluster: CLUSTER,
      intervalMs: 1,
      invoker: {
        invokeFollowingHandOffs: async (event: unknown): Promise<InvocationRecord[]> => {
          events.push(event);
          return [{ event, durationMs: 1, logs: [], handOffs: [] }];
        },
      },
    });

    const delivered = await pump.deliverUntilQuiet(10_000);

    expect(delivered.map(({ lastStatus, version }) => [lastStatus, version])).toEqual([
      ['DEACTIVATING', 2],
      ['STOPPED', 5],
    ]);
    expect(events).toEqual([
      expect.objectContaining({
        source: 'aws.ecs',
        'detail-type': 'ECS Task State Change',
        resources: [TASK_ARN],
        detail: expect.objectContaining({ lastStatus: 'DEACTIVATING', desiredStatus: 'STOPPED', version: 2 }),
      }),
      expect.objectContaining({
        detail: expect.objectContaining({ lastStatus: 'STOPPED', desiredStatus: 'STOPPED', version: 5 }),
      }),
    ]);
    // Nothing more comes of a task whose STOPPED event went out: the next look does not describe it.
    ecsMock.resetHistory();
    expect(await pump.deliverUntilQuiet(10_000)).toEqual([]);
    expect(ecsMock.commandCalls(DescribeTasksCommand)).toHaveLength(0);
  });

  it('keeps what an invocation that broke the contract said, and goes on', async () => {
    ecsMock.on(ListTasksCommand).resolves({ taskArns: [TASK_ARN] });
    ecsMock.on(DescribeTasksCommand).resolves({ tasks: [motoTask('STOPPED', 5)] });
    const pump = new EventPump({
      ecs: new ECSClient({ region: 'us-east-1' }),
      cluster: CLUSTER,
      intervalMs: 1,
      invoker: {
        invokeFollowingHandOffs: async () => {
          throw new Error('The handler threw');
        },
      },
    });

    const [delivery, ...more] = await pump.deliverUntilQuiet(10_000);

    expect(more).toEqual([]);
    expect(delivery).toMatchObject({ lastStatus: 'STOPPED', version: 5, error: 'The handler threw' });
  });
});
