import {
  DescribeTasksCommand,
  type DescribeTasksCommandInput,
  ListTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import type { Tag } from '@aws-sdk/client-ecs';
import { ecsTask, mockedAws, RESOURCE_TAG, stoppedTask, stubHappyPath, TASK_ARN } from '../support/aws-mocks';
import { fixtures, withProperties } from '../support/fixtures';
import { invokeWith } from '../support/invoke';

const aws = mockedAws();
const invoke = invokeWith(aws.ports);
const arn = (id: string) => TASK_ARN.replace('0a1b2c3d', id);
/** The resource's own earlier task: the runner tagged it with the resource. */
const OWN = arn('00000001');
/** Started by a runner from before the resource tag: the request tag alone, under the default startedBy. */
const LEGACY = arn('00000002');
/** Another team's task that merely shares the startedBy: no tag of the runner's. */
const FOREIGN = arn('00000003');
/** A task of another resource the runner started under the same startedBy (its StartedBy chosen alike). */
const OTHER_RESOURCE = arn('00000004');

const REQUEST_TAG = { key: 'ecs-task-runner:request', value: 'an-earlier-request' };
const TAGS: Record<string, Tag[]> = {
  [OWN]: [REQUEST_TAG, RESOURCE_TAG],
  [LEGACY]: [REQUEST_TAG],
  [FOREIGN]: [{ key: 'team', value: 'payments' }],
  [OTHER_RESOURCE]: [REQUEST_TAG, { key: 'ecs-task-runner:resource', value: 'f'.repeat(64) }],
};

/**
 * ListTasks names `listed` under the resource's startedBy; each runs (with its tags, when asked for them) until a
 * StopTask names it, and then is STOPPED.
 */
function tasksUnderTheStartedBy(listed: string[]) {
  aws.ecs.on(ListTasksCommand).callsFake(() => ({ taskArns: listed }));
  const stopped = new Set<string>();
  aws.ecs.on(StopTaskCommand).callsFake((input: { task?: string }) => {
    if (input.task) stopped.add(input.task);
    return {};
  });
  aws.ecs.on(DescribeTasksCommand).callsFake((input: DescribeTasksCommandInput) => ({
    tasks: (input.tasks ?? []).map((taskArn) => {
      if (taskArn === TASK_ARN) return stoppedTask(0);
      const tags = input.include?.includes('TAGS') ? TAGS[taskArn] : undefined;
      if (stopped.has(taskArn)) return stoppedTask(143, { taskArn, tags });
      return ecsTask({ taskArn, tags });
    }),
  }));
}

const stoppedArns = () => aws.ecs.commandCalls(StopTaskCommand).map((call) => call.args[0].input.task);
const polledArns = () =>
  aws.ecs
    .commandCalls(DescribeTasksCommand)
    .filter((call) => call.args[0].input.include === undefined)
    .flatMap((call) => call.args[0].input.tasks ?? []);
const leftAloneWarnings = (log: { entries: { level: string; message: string; extra: unknown[] }[] }) =>
  log.entries.filter((entry) => entry.level === 'warn' && entry.message.includes('not its tag'));

beforeEach(() => stubHappyPath(aws));

describe('Delete stops only the tasks that are the resource’s', () => {
  it('its own and an earlier runner’s, never one that merely shares the startedBy, and names those left alone', async () => {
    tasksUnderTheStartedBy([OWN, LEGACY, FOREIGN, OTHER_RESOURCE]);
    const { response, log } = await invoke(fixtures.delete());
    expect(stoppedArns()).toEqual([OWN, LEGACY]);
    expect(response?.Status).toBe('SUCCESS');
    expect(response?.Reason).toContain(OWN.split('/').pop());
    expect(response?.Reason).not.toContain(FOREIGN.split('/').pop());
    // Both listings find them; one warning names them.
    expect(aws.ecs.commandCalls(ListTasksCommand)).toHaveLength(4);
    expect(leftAloneWarnings(log)).toEqual([
      expect.objectContaining({ extra: [expect.objectContaining({ taskArns: [FOREIGN, OTHER_RESOURCE] })] }),
    ]);
  });

  it('under a StartedBy the template chose, an earlier runner’s task is not the resource’s (only its tag says so)', async () => {
    tasksUnderTheStartedBy([OWN, LEGACY, FOREIGN]);
    const { response } = await invoke(withProperties(fixtures.delete(), { StartedBy: 'payments-migrations' }));
    expect(aws.ecs).toHaveReceivedCommandWith(ListTasksCommand, { startedBy: 'payments-migrations' });
    expect(stoppedArns()).toEqual([OWN]);
    expect(response?.Status).toBe('SUCCESS');
  });

  it('never lists, let alone stops, the tasks of a service (StartedBy ecs-svc/…): the properties are refused', async () => {
    tasksUnderTheStartedBy([FOREIGN]);
    const { response } = await invoke(withProperties(fixtures.delete(), { StartedBy: 'ecs-svc/123' }));
    expect(aws.ecs).not.toHaveReceivedCommand(ListTasksCommand);
    expect(aws.ecs).not.toHaveReceivedCommand(StopTaskCommand);
    expect(response?.Status).toBe('SUCCESS');
  });

  it('waits for no foreign task before its OnDelete teardown', async () => {
    tasksUnderTheStartedBy([FOREIGN]);
    aws.ecs.on(DescribeTasksCommand, { tasks: [TASK_ARN] }).resolves({ tasks: [stoppedTask(0)] });
    const { response } = await invoke(withProperties(fixtures.delete(), { OnDelete: { TaskDefinition: 'cleanup' } }));
    expect(aws.ecs).not.toHaveReceivedCommand(StopTaskCommand);
    expect(polledArns()).not.toContain(FOREIGN);
    expect(aws.ecs).toHaveReceivedCommand(RunTaskCommand);
    expect(response?.Status).toBe('SUCCESS');
  });
});

describe('IfRunning acts only on the resource’s earlier tasks', () => {
  it('Stop stops and waits for its own and an earlier runner’s tasks, and leaves a foreign one running', async () => {
    tasksUnderTheStartedBy([OWN, LEGACY, FOREIGN]);
    const { response, log } = await invoke(withProperties(fixtures.update(), { IfRunning: 'Stop' }));
    expect(stoppedArns()).toEqual([OWN, LEGACY]);
    expect(polledArns()).toEqual(expect.arrayContaining([OWN, LEGACY]));
    expect(polledArns()).not.toContain(FOREIGN);
    expect(aws.ecs).toHaveReceivedCommand(RunTaskCommand);
    expect(response?.Status).toBe('SUCCESS');
    expect(leftAloneWarnings(log)).toEqual([
      expect.objectContaining({ extra: [expect.objectContaining({ taskArns: [FOREIGN] })] }),
    ]);
  });

  it('Stop with only a foreign task under the startedBy stops nothing and starts at once', async () => {
    tasksUnderTheStartedBy([FOREIGN, OTHER_RESOURCE]);
    const { response } = await invoke(withProperties(fixtures.update(), { IfRunning: 'Stop' }));
    expect(aws.ecs).not.toHaveReceivedCommand(StopTaskCommand);
    expect(polledArns()).toEqual([TASK_ARN]);
    expect(response?.Status).toBe('SUCCESS');
  });

  it('Wait does not wait for a foreign task, and Fail does not refuse for one', async () => {
    tasksUnderTheStartedBy([FOREIGN]);
    expect((await invoke(withProperties(fixtures.update(), { IfRunning: 'Wait' }))).response?.Status).toBe('SUCCESS');
    expect(polledArns()).not.toContain(FOREIGN);
    stubHappyPath(aws);
    tasksUnderTheStartedBy([FOREIGN]);
    expect((await invoke(withProperties(fixtures.update(), { IfRunning: 'Fail' }))).response?.Status).toBe('SUCCESS');
  });

  it('Fail still refuses for an earlier runner’s task under the default startedBy', async () => {
    tasksUnderTheStartedBy([LEGACY]);
    const { response } = await invoke(withProperties(fixtures.update(), { IfRunning: 'Fail' }));
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toContain(LEGACY.split('/').pop());
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
  });

  it('a StartedBy of a service (ecs-svc/…) is refused before any task is listed or stopped', async () => {
    tasksUnderTheStartedBy([FOREIGN]);
    const { response } = await invoke(
      withProperties(fixtures.update(), { IfRunning: 'Stop', StartedBy: 'ecs-svc/123' }),
    );
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toContain('StartedBy: "ecs-svc/123" is the form ECS gives the tasks of a service');
    expect(aws.ecs).not.toHaveReceivedCommand(ListTasksCommand);
    expect(aws.ecs).not.toHaveReceivedCommand(StopTaskCommand);
  });
});
