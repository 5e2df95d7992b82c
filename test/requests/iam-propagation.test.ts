import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeTaskDefinitionCommand,
  type DescribeTaskDefinitionCommandOutput,
  ListTasksCommand,
  RunTaskCommand,
} from '@aws-sdk/client-ecs';
import { HAND_OFF_MARGIN_MS, IAM_PROPAGATION_MS } from '../../src/runtime/time-budget';
import { mockedAws, stubHappyPath, TASK_DEFINITION_ARN } from '../support/aws-mocks';
import { fixtures } from '../support/fixtures';
import { invokeWith } from '../support/invoke';

const aws = mockedAws();
const invoke = invokeWith(aws.ports);

beforeEach(() => stubHappyPath(aws));

function denied(action: string): Error {
  return Object.assign(
    new Error(
      `User: arn:aws:sts::123456789012:assumed-role/runner/fn is not authorized to perform: ${action} on resource: *`,
    ),
    { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } },
  );
}

const DEFINITION: DescribeTaskDefinitionCommandOutput = {
  $metadata: {},
  taskDefinition: {
    taskDefinitionArn: TASK_DEFINITION_ARN,
    networkMode: 'awsvpc',
    containerDefinitions: [{ name: 'migrate', essential: true }],
  },
};

describe('AccessDenied while new IAM grants apply', () => {
  it('is retried on Create until the grant works, and the run goes on', async () => {
    aws.ecs
      .on(DescribeTaskDefinitionCommand)
      .rejectsOnce(denied('ecs:DescribeTaskDefinition'))
      .rejectsOnce(denied('ecs:DescribeTaskDefinition'))
      .resolves(DEFINITION);
    const { response, clock, log } = await invoke(fixtures.create());

    expect(aws.ecs).toHaveReceivedCommandTimes(DescribeTaskDefinitionCommand, 3);
    expect(clock.sleeps.slice(0, 2)).toEqual([2000, 4000]);
    const retries = log.entries.filter((entry) => entry.message.includes('new IAM grants can take seconds to apply'));
    expect(retries.map((entry) => entry.extra[0])).toEqual([
      { call: 'describeTaskDefinition', error: 'AccessDeniedException', attempt: 1, delayMs: 2000 },
      { call: 'describeTaskDefinition', error: 'AccessDeniedException', attempt: 2, delayMs: 4000 },
    ]);
    expect(response?.Status).toBe('SUCCESS');
  });

  it('is final after about a minute, with the Reason naming the missing permission as before', async () => {
    aws.ecs.on(RunTaskCommand).rejects(denied('ecs:RunTask'));
    const { response, clock } = await invoke(fixtures.create());

    const runTaskCalls = aws.ecs.commandCalls(RunTaskCommand).length;
    expect(runTaskCalls).toBeGreaterThan(3);
    const waited = clock.sleeps.reduce((total, ms) => total + ms, 0);
    expect(waited).toBeGreaterThan(IAM_PROPAGATION_MS - 15_000);
    expect(waited).toBeLessThanOrEqual(IAM_PROPAGATION_MS);
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toContain('ecs:RunTask');
    // Every attempt carried the same clientToken: a grant that starts working mid-way starts one set of tasks.
    const tokens = new Set(aws.ecs.commandCalls(RunTaskCommand).map((call) => call.args[0].input.clientToken));
    expect(tokens.size).toBe(1);
  });

  it("stops sooner when this invocation's time runs short: the hand-off margin is kept", async () => {
    aws.ecs.on(DescribeTaskDefinitionCommand).rejects(denied('ecs:DescribeTaskDefinition'));
    const budgetMs = 70_000;
    const { response, clock } = await invoke(fixtures.create(), { budgetMs });

    const waited = clock.sleeps.reduce((total, ms) => total + ms, 0);
    expect(waited).toBeLessThanOrEqual(budgetMs - HAND_OFF_MARGIN_MS);
    expect(waited).toBeGreaterThan(budgetMs - HAND_OFF_MARGIN_MS - 10_000);
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toContain('ecs:DescribeTaskDefinition');
  });

  it('is retried on Update for the stack status, so a new grant is not taken for an unreadable stack', async () => {
    aws.cloudFormation
      .on(DescribeStacksCommand)
      .rejectsOnce(denied('cloudformation:DescribeStacks'))
      .resolves({
        Stacks: [{ StackName: 'todobackend', StackStatus: 'UPDATE_IN_PROGRESS', CreationTime: new Date() }],
      });
    const { response } = await invoke(fixtures.update());

    // Denied, then read (the rollback check); then once before RunTask and once after it (still waited for?).
    expect(aws.cloudFormation).toHaveReceivedCommandTimes(DescribeStacksCommand, 4);
    expect(aws.ecs).toHaveReceivedCommand(RunTaskCommand);
    expect(response?.Status).toBe('SUCCESS');
  });

  it('is not retried on Delete, which never waits for a grant', async () => {
    aws.ecs.on(ListTasksCommand).rejects(denied('ecs:ListTasks'));
    const { response, clock } = await invoke(fixtures.delete());

    expect(aws.ecs).toHaveReceivedCommandTimes(ListTasksCommand, 1);
    expect(clock.sleeps).toEqual([]);
    expect(response?.Status).toBe('SUCCESS');
  });

  it('does not retry other errors', async () => {
    aws.ecs
      .on(DescribeTaskDefinitionCommand)
      .rejects(Object.assign(new Error('Unable to describe task definition.'), { name: 'ClientException' }));
    const { response } = await invoke(fixtures.create());

    expect(aws.ecs).toHaveReceivedCommandTimes(DescribeTaskDefinitionCommand, 1);
    expect(response?.Status).toBe('FAILED');
  });
});
