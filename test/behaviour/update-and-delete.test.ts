import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { ListTasksCommand, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { mockedAws, stubHappyPath, TASK_ARN, TASK_DEFINITION_ARN } from '../support/aws-mocks';
import { invokeWith } from '../support/invoke';
import { fixtures } from '../support/fixtures';
import { PHYSICAL_ID } from './answer-cloudformation-ids';

const aws = mockedAws();
const invoke = invokeWith(aws.ports);

beforeEach(() => stubHappyPath(aws));

describe('Update', () => {
  it('runs again with the same PhysicalResourceId', async () => {
    const { response } = await invoke(fixtures.update());
    expect(aws.ecs).toHaveReceivedCommand(RunTaskCommand);
    expect(response?.Status).toBe('SUCCESS');
    expect(response?.PhysicalResourceId).toBe(PHYSICAL_ID);
  });

  it('runs nothing when RunOnUpdate is false, and still returns every attribute', async () => {
    const event = fixtures.update();
    event.ResourceProperties.RunOnUpdate = 'false';
    const { response } = await invoke(event);
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(response?.Status).toBe('SUCCESS');
    expect(response?.Reason).toContain('RunOnUpdate is false');
    expect(Object.keys(response?.Data ?? {})).toEqual([
      'TaskArn',
      'TaskArns',
      'TaskId',
      'ExitCode',
      'StopCode',
      'StoppedReason',
      'Attempts',
    ]);
  });

  it('with RerunOn TaskChange, runs nothing when only how the run is watched changed', async () => {
    const event = fixtures.update();
    event.OldResourceProperties = { ...event.ResourceProperties, RerunOn: 'TaskChange', PollInterval: '5' };
    event.ResourceProperties = { ...event.ResourceProperties, RerunOn: 'TaskChange', PollInterval: '10' };
    const { response } = await invoke(event);
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(response?.Status).toBe('SUCCESS');
    expect(response?.Reason).toContain('RerunOn is TaskChange');
  });

  it('with RerunOn AnyChange (the default), runs again when only how the run is watched changed', async () => {
    const event = fixtures.update();
    event.OldResourceProperties = { ...event.ResourceProperties, PollInterval: '5' };
    event.ResourceProperties = { ...event.ResourceProperties, PollInterval: '10' };
    const { response } = await invoke(event);
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
    expect(response?.Status).toBe('SUCCESS');
  });

  it('with RerunOn TaskChange, runs again when the task definition or Triggers changed', async () => {
    for (const changed of [{ TaskDefinition: `${TASK_DEFINITION_ARN.replace(/:\d+$/, '')}:99` }, { Triggers: ['2'] }]) {
      aws.ecs.resetHistory();
      const event = fixtures.update();
      event.OldResourceProperties = { ...event.ResourceProperties, RerunOn: 'TaskChange', Triggers: ['1'] };
      event.ResourceProperties = { ...event.ResourceProperties, RerunOn: 'TaskChange', Triggers: ['1'], ...changed };
      const { response } = await invoke(event);
      expect(aws.ecs).toHaveReceivedCommand(RunTaskCommand);
      expect(response?.Status).toBe('SUCCESS');
    }
  });

  it('answers SUCCESS without running during an update rollback', async () => {
    aws.cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [{ StackName: 'todobackend', StackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS', CreationTime: new Date() }],
    });
    const event = fixtures.updateRollback();
    const { response } = await invoke(event);
    expect(aws.cloudFormation).toHaveReceivedCommandWith(DescribeStacksCommand, { StackName: event.StackId });
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(response?.Status).toBe('SUCCESS');
    expect(response?.Reason).toContain('rolling back');
  });

  it('runs during a rollback when RunOnRollback is true', async () => {
    aws.cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [{ StackName: 'todobackend', StackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS', CreationTime: new Date() }],
    });
    const event = fixtures.updateRollback();
    event.ResourceProperties.RunOnRollback = 'true';
    const { response } = await invoke(event);
    expect(aws.ecs).toHaveReceivedCommand(RunTaskCommand);
    expect(response?.Status).toBe('SUCCESS');
  });

  it('does not take an update whose stack status cannot be read for a forward one: FAILED, with the ways out', async () => {
    aws.cloudFormation
      .on(DescribeStacksCommand)
      .rejects(
        Object.assign(new Error('not authorized to perform cloudformation:DescribeStacks'), { name: 'AccessDenied' }),
      );
    const { response } = await invoke(fixtures.update());
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toContain('could not read the status of stack todobackend: DescribeStacks was denied');
    expect(response?.Reason).toContain('Or set RunOnRollback to true');
  });
});

describe('Delete', () => {
  it('stops the tasks this resource started that still run', async () => {
    aws.ecs.on(ListTasksCommand).resolves({ taskArns: [TASK_ARN] });
    const event = fixtures.delete();
    const { response } = await invoke(event);
    const startedBy = aws.ecs.commandCalls(ListTasksCommand)[0]?.args[0].input.startedBy;
    expect(startedBy).toMatch(/^cfn\/MigrateTask\//);
    await invoke(fixtures.create());
    expect(aws.ecs.commandCalls(RunTaskCommand)[0]?.args[0].input.startedBy).toBe(startedBy);
    // startedBy must be ListTasks' only filter (ECS API reference).
    expect(aws.ecs.commandCalls(ListTasksCommand)[0]?.args[0].input).toEqual({
      cluster: 'todobackend-cluster',
      startedBy,
      desiredStatus: 'RUNNING',
    });
    expect(aws.ecs).toHaveReceivedCommandWith(StopTaskCommand, { cluster: 'todobackend-cluster', task: TASK_ARN });
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID, RequestId: event.RequestId });
    expect(response?.Reason).toBe('Stopped 1 task(s) still running: 0a1b2c3d4e5f46789abcdef012345678.');
  });

  it('leaves tasks alone when StopOnDelete is false', async () => {
    const event = fixtures.delete();
    event.ResourceProperties.StopOnDelete = 'false';
    const { response } = await invoke(event);
    expect(aws.ecs.calls()).toHaveLength(0);
    expect(response?.Status).toBe('SUCCESS');
  });

  it('succeeds quickly after a Create that failed on invalid properties', async () => {
    const event = fixtures.delete();
    event.ResourceProperties.Count = 'many';
    const { response } = await invoke(event);
    expect(aws.ecs.calls()).toHaveLength(0);
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
  });

  it('succeeds when the cluster is already gone, and when ECS refuses', async () => {
    aws.ecs
      .on(ListTasksCommand)
      .rejects(Object.assign(new Error('Cluster not found.'), { name: 'ClusterNotFoundException' }));
    expect((await invoke(fixtures.delete())).response?.Status).toBe('SUCCESS');
    aws.ecs.on(ListTasksCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const { response } = await invoke(fixtures.delete());
    expect(response?.Status).toBe('SUCCESS');
    expect(response?.Reason).toContain('ListTasks failed: AccessDeniedException');
  });
});
