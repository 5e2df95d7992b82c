import { StopTaskCommand } from '@aws-sdk/client-ecs';
import { stopTasks } from '../../src/tasks/stop-tasks';
import { mockedAws, TASK_ARN } from '../support/aws-mocks';
import { RecordingLog } from '../support/fakes';

const aws = mockedAws();
const SECOND_TASK = 'arn:aws:ecs:us-east-1:123456789012:task/todobackend-cluster/1b2c3d4e5f60718293a4b5c6d7e8f901';

beforeEach(() => aws.reset());

describe('stopping tasks', () => {
  it('a task that cannot be stopped does not keep the others from being stopped', async () => {
    aws.ecs.on(StopTaskCommand, { task: TASK_ARN }).rejects(new Error('ServerException: try again'));
    aws.ecs.on(StopTaskCommand, { task: SECOND_TASK }).resolves({});
    const log = new RecordingLog();

    await expect(
      stopTasks(aws.ports.ecs, 'todobackend-cluster', [TASK_ARN, SECOND_TASK], 'ecs-task-runner: stack deleted', log),
    ).resolves.toBeUndefined();

    expect(aws.ecs).toHaveReceivedCommandWith(StopTaskCommand, {
      cluster: 'todobackend-cluster',
      task: SECOND_TASK,
      reason: 'ecs-task-runner: stack deleted',
    });
    // `npm run invoke` shows "Stopped task" lines by these fields (scripts/local/progress.ts).
    expect(log.entries).toEqual(
      expect.arrayContaining([
        {
          level: 'warn',
          message: 'Could not stop task',
          extra: [{ taskArn: TASK_ARN, error: 'Error: ServerException: try again' }],
        },
        {
          level: 'info',
          message: 'Stopped task',
          extra: [{ taskArn: SECOND_TASK, reason: 'ecs-task-runner: stack deleted' }],
        },
      ]),
    );
    expect(log.entries).toHaveLength(2);
  });

  it('cuts the reason to the 255 characters StopTask accepts', async () => {
    aws.ecs.on(StopTaskCommand).resolves({});
    await stopTasks(
      aws.ports.ecs,
      'todobackend-cluster',
      [TASK_ARN],
      `ecs-task-runner: ${'x'.repeat(300)}`,
      new RecordingLog(),
    );
    expect(aws.ecs.commandCalls(StopTaskCommand)[0]?.args[0].input.reason).toHaveLength(255);
  });
});
