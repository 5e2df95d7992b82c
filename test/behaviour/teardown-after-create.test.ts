import { DescribeStacksCommand, type StackStatus } from '@aws-sdk/client-cloudformation';
import { DescribeTaskDefinitionCommand, DescribeTasksCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import type { CloudFormationCustomResourceDeleteEvent } from 'aws-lambda';
import { resourceItemKey } from '../../src/requests/resource-record';
import { mockedAws, stoppedTask, stubHappyPath, stubStackStatuses } from '../support/aws-mocks';
import { MemoryStateTable } from '../support/fakes';
import { fixtures } from '../support/fixtures';
import { invokeWith } from '../support/invoke';
import { FAILED_CREATE_ID, PHYSICAL_ID } from './answer-cloudformation-ids';

/** A PhysicalResourceId this runner never answers: CloudFormation's own for a Create nobody answered, say. */
const OTHER_FORM_ID = 'todobackend-MigrateTask-1A2B3C4D5E6F7';

const aws = mockedAws();
let table = new MemoryStateTable();
const invoke = invokeWith({ ...aws.ports, stateTable: async () => table });
const invokeWithoutTable = invokeWith(aws.ports);

/** Every status a stack can be in when CloudFormation deletes one of its resources. */
const DELETING_STATUSES: StackStatus[] = [
  'ROLLBACK_IN_PROGRESS',
  'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
  'DELETE_IN_PROGRESS',
  'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
];

beforeEach(() => {
  stubHappyPath(aws);
  table = new MemoryStateTable();
});

/** The Delete of the resource with an OnDelete teardown, carrying `physicalResourceId`. */
function deleteWithTeardown(physicalResourceId: string): CloudFormationCustomResourceDeleteEvent {
  const event = fixtures.delete();
  event.PhysicalResourceId = physicalResourceId;
  (event.ResourceProperties as Record<string, unknown>).OnDelete = { TaskDefinition: 'todobackend-teardown' };
  return event;
}

/** What ECS says while the teardown runs: its task definition, and its task, which exits 0. */
function teardownSucceeds() {
  aws.ecs.on(DescribeTaskDefinitionCommand, { taskDefinition: 'todobackend-teardown' }).resolves({
    taskDefinition: {
      taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/todobackend-teardown:2',
      networkMode: 'awsvpc',
      containerDefinitions: [{ name: 'teardown', essential: true }],
    },
  });
  aws.ecs
    .on(DescribeTasksCommand)
    .resolves({ tasks: [stoppedTask(0, { containers: [{ name: 'teardown', lastStatus: 'STOPPED', exitCode: 0 }] })] });
}

async function createThat(succeeds: boolean, run = invoke): Promise<string | undefined> {
  if (!succeeds) aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [stoppedTask(3)] });
  const { response } = await run(fixtures.create());
  expect(response?.Status).toBe(succeeds ? 'SUCCESS' : 'FAILED');
  return response?.PhysicalResourceId;
}

describe('the OnDelete teardown runs if and only if a run of the resource succeeded', () => {
  it.each(DELETING_STATUSES)('a successful Create is torn down when the stack is %s', async (status) => {
    const id = await createThat(true);
    expect(id).toBe(PHYSICAL_ID);
    aws.ecs.resetHistory();
    aws.cloudFormation.resetHistory();
    stubStackStatuses(aws, status);
    teardownSucceeds();
    const { response } = await invoke(deleteWithTeardown(PHYSICAL_ID));
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
    // The table decides: the stack's status is not read.
    expect(aws.cloudFormation).not.toHaveReceivedCommand(DescribeStacksCommand);
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    expect(response?.Reason).toMatch(/Teardown task \w+ succeeded\.$/);
  });

  it.each(DELETING_STATUSES)('a failed Create is never torn down when the stack is %s', async (status) => {
    const id = await createThat(false);
    expect(id).toBe(FAILED_CREATE_ID);
    aws.ecs.resetHistory();
    stubStackStatuses(aws, status);
    teardownSucceeds();
    const { response } = await invoke(deleteWithTeardown(FAILED_CREATE_ID));
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: FAILED_CREATE_ID });
    expect(response?.Reason).toBe(
      "No task of this resource was running. No teardown task: the resource's Create failed (its PhysicalResourceId says so), so nothing was created that needs tearing down.",
    );
  });

  it.each(DELETING_STATUSES)(
    'without a state table, a failed Create is known by its PhysicalResourceId when the stack is %s',
    async (status) => {
      const id = await createThat(false, invokeWithoutTable);
      aws.ecs.resetHistory();
      stubStackStatuses(aws, status);
      teardownSucceeds();
      const { response } = await invokeWithoutTable(deleteWithTeardown(id ?? ''));
      expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
      expect(response?.Reason).toMatch(/No teardown task: the resource's Create failed/);
    },
  );

  it.each(DELETING_STATUSES)(
    'without a state table, a successful Create is known by its PhysicalResourceId and torn down when the stack is %s',
    async (status) => {
      const id = await createThat(true, invokeWithoutTable);
      expect(id).toBe(PHYSICAL_ID);
      aws.ecs.resetHistory();
      aws.cloudFormation.resetHistory();
      stubStackStatuses(aws, status);
      teardownSucceeds();
      const { response } = await invokeWithoutTable(deleteWithTeardown(PHYSICAL_ID));
      expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
      expect(aws.cloudFormation).not.toHaveReceivedCommand(DescribeStacksCommand);
      expect(response?.Reason).toMatch(/Teardown task \w+ succeeded\.$/);
    },
  );

  it('a failed Create is not torn down even when the table keeps a successful run under the same logical ID', async () => {
    // A later Create of the same logical ID succeeded; CloudFormation then deletes the one that failed.
    await createThat(true);
    aws.ecs.resetHistory();
    teardownSucceeds();
    const { response } = await invoke(deleteWithTeardown(FAILED_CREATE_ID));
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(response?.Reason).toMatch(/the resource's Create failed/);
  });

  it('reads the record before the Delete leaves its tombstone, and a repeated delivery runs no second teardown', async () => {
    await createThat(true);
    stubStackStatuses(aws, 'DELETE_IN_PROGRESS');
    teardownSucceeds();
    table.calls.length = 0;
    const event = deleteWithTeardown(PHYSICAL_ID);
    await invoke(event);
    const pk = resourceItemKey(event);
    expect(table.calls[0]).toEqual({ call: 'get', pk });
    expect(table.calls.findIndex((call) => call.call === 'put')).toBeGreaterThan(0);
    expect(JSON.parse(table.items.get(pk)?.body ?? '{}')).toMatchObject({ kind: 'deleted' });

    aws.ecs.resetHistory();
    const { response } = await invoke(event);
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(response?.Reason).toBe(
      'No task of this resource was running. No teardown task: this Delete was already carried out (a repeated delivery), teardown included.',
    );
  });

  describe("nothing kept, and an ID of another form (an earlier runner's, or one CloudFormation made up): as before", () => {
    it('is torn down unless the stack rolls back its creation', async () => {
      stubStackStatuses(aws, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
      teardownSucceeds();
      const { response } = await invoke(deleteWithTeardown(OTHER_FORM_ID));
      expect(aws.cloudFormation).toHaveReceivedCommand(DescribeStacksCommand);
      expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
      expect(response?.Reason).toMatch(/Teardown task \w+ succeeded\.$/);
    });

    it('is not torn down while the stack rolls back its creation', async () => {
      stubStackStatuses(aws, 'ROLLBACK_IN_PROGRESS');
      teardownSucceeds();
      const { response } = await invokeWithoutTable(deleteWithTeardown(OTHER_FORM_ID));
      expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
      expect(response?.Reason).toMatch(/the stack is rolling back its creation/);
    });

    it('a table that cannot be read counts as none, and is logged', async () => {
      const failing = invokeWith({
        ...aws.ports,
        stateTable: async () => ({
          get: () => Promise.reject(new Error('ProvisionedThroughputExceededException')),
          put: () => Promise.reject(new Error('ProvisionedThroughputExceededException')),
          scan: () => Promise.reject(new Error('ProvisionedThroughputExceededException')),
        }),
      });
      stubStackStatuses(aws, 'DELETE_IN_PROGRESS');
      teardownSucceeds();
      const { response, log } = await failing(deleteWithTeardown(PHYSICAL_ID));
      expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
      expect(response?.Status).toBe('SUCCESS');
      expect(log.entries.some((entry) => entry.message.startsWith("Could not read the resource's record"))).toBe(true);
    });
  });
});
