import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { RunTaskCommand } from '@aws-sdk/client-ecs';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { resourceItemKey } from '../../src/requests/resource-record';
import { mockedAws, stubHappyPath, TASK_ARN } from '../support/aws-mocks';
import { MemoryStateTable } from '../support/fakes';
import { fixtures } from '../support/fixtures';
import { invokeWith } from '../support/invoke';

const aws = mockedAws();
let table = new MemoryStateTable();
const invoke = invokeWith({ ...aws.ports, stateTable: async () => table });
const invokeWithoutTable = invokeWith(aws.ports);

beforeEach(() => {
  stubHappyPath(aws);
  table = new MemoryStateTable();
});

/** The event as CloudFormation sent it at `time` (the ResponseURL's X-Amz-Date, YYYYMMDDTHHMMSSZ). */
function sentAt<E extends CloudFormationCustomResourceEvent>(event: E, time: string): E {
  event.ResponseURL = event.ResponseURL.replace(/X-Amz-Date=\d{8}T\d{6}Z/, `X-Amz-Date=${time}`);
  return event;
}

async function createSucceeded(): Promise<Record<string, string> | undefined> {
  const { response } = await invoke(fixtures.create());
  expect(response?.Status).toBe('SUCCESS');
  return response?.Data;
}

describe('an Update that runs nothing', () => {
  it.each([
    ['RunOnUpdate is false', { RunOnUpdate: 'false' }],
    ['RerunOn TaskChange with nothing of the task changed', { RerunOn: 'TaskChange' }],
  ])('answers the last successful run’s attributes again: %s', async (_why, properties) => {
    const created = await createSucceeded();
    expect(created?.TaskArn).toBe(TASK_ARN);
    aws.ecs.resetHistory();

    const event = fixtures.update();
    Object.assign(event.ResourceProperties, properties);
    event.OldResourceProperties = { ...event.ResourceProperties, Timeout: '900' };
    const { response } = await invoke(event);

    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(response?.Status).toBe('SUCCESS');
    expect(response?.Data).toEqual(created);
    expect(response?.Data).toMatchObject({ TaskArn: TASK_ARN, ExitCode: '0' });
  });

  it('answers them during an update rollback too: the migration that ran is not undone', async () => {
    const created = await createSucceeded();
    aws.cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [{ StackName: 'todobackend', StackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS', CreationTime: new Date() }],
    });
    const { response } = await invoke(fixtures.updateRollback());
    expect(response?.Reason).toContain('rolling back');
    expect(response?.Data).toEqual(created);
  });

  it('answers a newly declared Output as "", every other key as kept', async () => {
    const created = await createSucceeded();
    const event = fixtures.update();
    Object.assign(event.ResourceProperties, { RunOnUpdate: 'false', Outputs: ['SchemaVersion'] });
    const { response } = await invoke(event);
    expect(response?.Data).toEqual({ ...created, SchemaVersion: '' });
  });

  it('answers every attribute "" for a resource created before the table, as before', async () => {
    const event = fixtures.update();
    event.ResourceProperties.RunOnUpdate = 'false';
    const { response, log } = await invoke(event);
    expect(Object.values(response?.Data ?? {}).every((value) => value === '')).toBe(true);
    expect(Object.keys(response?.Data ?? {})).toContain('TaskArn');
    expect(log.entries.find((entry) => entry.message.startsWith('No attributes kept'))?.extra[0]).toEqual({
      kept: 'nothing-kept',
    });
  });

  it('answers them "" and logs the error when the table cannot be read, never failing the Update', async () => {
    await createSucceeded();
    table.get = async () => {
      throw Object.assign(new Error('Requested resource not found'), { name: 'ResourceNotFoundException' });
    };
    const event = fixtures.update();
    event.ResourceProperties.RunOnUpdate = 'false';
    const { response, log } = await invoke(event);
    expect(response?.Status).toBe('SUCCESS');
    expect(response?.Data?.TaskArn).toBe('');
    const error = log.entries.find((entry) => entry.level === 'error');
    expect(error?.message).toBe('Could not read the attributes kept for this resource: the Update answers them empty');
    expect(error?.extra[0]).toEqual({ error: 'ResourceNotFoundException', message: 'Requested resource not found' });
  });
});

describe('a run that succeeds', () => {
  it('keeps its attributes; one that fails keeps nothing and leaves the last success’s', async () => {
    const created = await createSucceeded();
    expect(table.calls.filter((call) => call.call === 'put')).toHaveLength(1);

    const { DescribeTasksCommand } = await import('@aws-sdk/client-ecs');
    const { ecsTask, stoppedTask } = await import('../support/aws-mocks');
    aws.ecs
      .on(DescribeTasksCommand)
      .resolvesOnce({ tasks: [ecsTask()] })
      .resolves({ tasks: [stoppedTask(3)] });
    const failed = await invoke(fixtures.update());
    expect(failed.response?.Status).toBe('FAILED');
    expect(table.calls.filter((call) => call.call === 'put')).toHaveLength(1);

    const skip = fixtures.update();
    skip.ResourceProperties.RunOnUpdate = 'false';
    expect((await invoke(skip)).response?.Data).toEqual(created);
  });

  it('writes nothing and behaves as before without a table', async () => {
    const { response } = await invokeWithoutTable(fixtures.create());
    expect(response?.Status).toBe('SUCCESS');
    expect(aws.dynamodb).not.toHaveReceivedCommand(PutItemCommand);
    expect(aws.dynamodb).not.toHaveReceivedCommand(GetItemCommand);
  });

  it('still answers SUCCESS when the table cannot be written, logging why', async () => {
    table.put = async () => {
      throw Object.assign(new Error('Rate of requests exceeds the allowed throughput'), {
        name: 'ProvisionedThroughputExceededException',
      });
    };
    const { response, log } = await invoke(fixtures.create());
    expect(response?.Status).toBe('SUCCESS');
    expect(log.entries.find((entry) => entry.level === 'error')?.message).toBe(
      'Could not keep the attributes of this run: an Update that runs nothing will answer them empty',
    );
  });
});

describe('Delete', () => {
  it('leaves nothing of the resource in the table but a tombstone, which a late write cannot undo', async () => {
    await createSucceeded();
    const { response } = await invoke(sentAt(fixtures.delete(), '20261125T120030Z'));
    expect(response?.Status).toBe('SUCCESS');

    const item = table.items.get(resourceItemKey(fixtures.delete()));
    expect(JSON.parse(item?.body ?? '{}')).toEqual({ kind: 'deleted', sentAt: Date.UTC(2026, 10, 25, 12, 0, 30) });
    expect(item?.body).not.toContain(TASK_ARN);
    expect(item?.expiresAt).toBeGreaterThan(Date.UTC(2026, 10, 25, 12, 0, 0) / 1000);

    // A late delivery of the Create, sent before the Delete, runs (its clientToken) but cannot write its Data back.
    const late = await invoke(fixtures.create());
    expect(late.response?.Status).toBe('SUCCESS');
    expect(JSON.parse(table.items.get(resourceItemKey(fixtures.delete()))?.body ?? '{}')).toMatchObject({
      kind: 'deleted',
    });
    expect(late.log.entries.some((entry) => entry.message.startsWith('Attributes not kept'))).toBe(true);
  });
});
