import { DescribeTasksCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import type { ContinuationEventV1 } from '../../src/run/hand-off/continuation';
import { mockedAws, stoppedTask, stubHappyPath } from '../support/aws-mocks';
import { fixtures } from '../support/fixtures';
import { invokeWith } from '../support/invoke';

const aws = mockedAws();
const invoke = invokeWith(aws.ports);
const CLEANUP = 'Stopped 1 task(s) still running: 5e6f7a8b4e5f46789abcdef012345678.';

/** A teardown an earlier invocation handed off while watching the teardown task. */
function takenOverTeardown(onDelete: unknown): ContinuationEventV1 {
  const continuation = fixtures.continuation();
  const request = fixtures.delete();
  if (onDelete !== undefined) (request.ResourceProperties as Record<string, unknown>).OnDelete = onDelete;
  return { ...continuation, request, phase: { kind: 'teardown', cleanup: CLEANUP } };
}

beforeEach(() => {
  stubHappyPath(aws);
  aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [stoppedTask(0)] });
});

describe('a fresh invocation taking over a teardown', () => {
  it('polls the teardown task at once, without waiting a poll interval first, and answers the Delete', async () => {
    const event = takenOverTeardown({ TaskDefinition: 'todobackend-migrate' });
    const { response, clock } = await invoke(event);
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(aws.ecs).toHaveReceivedCommandWith(DescribeTasksCommand, {
      cluster: 'todobackend-cluster',
      tasks: event.watch.taskArns,
    });
    expect(clock.sleeps[0]).toBe(0);
    expect(response).toMatchObject({
      Status: 'SUCCESS',
      Reason: `${CLEANUP} Teardown task 0a1b2c3d4e5f46789abcdef012345678 succeeded.`,
    });
  });

  it("answers SUCCESS, saying the teardown was not carried on, when the Delete's properties have no OnDelete", async () => {
    const { response } = await invoke(takenOverTeardown(undefined));
    expect(aws.ecs.calls()).toHaveLength(0);
    expect(response).toMatchObject({
      Status: 'SUCCESS',
      Reason: `${CLEANUP} The teardown was not carried on: the Delete's properties have no OnDelete.`,
    });
  });
});
