import { DescribeTasksCommand, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import type { ContinuationEvent } from '../../src/run/hand-off/continuation';
import { HAND_OFF_GIVE_UP_MS } from '../../src/runtime/time-budget';
import { ecsTask, mockedAws, stoppedTask, stubHappyPath, TASK_ARN } from '../support/aws-mocks';
import { FakeClock, MemoryStateTable } from '../support/fakes';
import { fixtures } from '../support/fixtures';
import { invokeWith } from '../support/invoke';

const aws = mockedAws();
const invoke = invokeWith(aws.ports);
let table = new MemoryStateTable();
const invokeWithTable = invokeWith({ ...aws.ports, stateTable: async () => table });

beforeEach(() => {
  stubHappyPath(aws);
  table = new MemoryStateTable();
});

/** An SDK error as the v3 client throws it for an AWS error answer. */
function lambdaError(name: string, httpStatusCode: number, message: string): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode } });
}

/** The continuation events the Invokes carried, in order. */
function handedOff(): ContinuationEvent[] {
  return aws.lambda
    .commandCalls(InvokeCommand)
    .map(
      (call) => JSON.parse(Buffer.from(call.args[0].input.Payload as Uint8Array).toString('utf8')) as ContinuationEvent,
    );
}

describe('a hand-off that fails is sent again', () => {
  it('three failed Invoke attempts then a good one: the run continues and succeeds, its task never stopped', async () => {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask()] });
    aws.lambda
      .on(InvokeCommand)
      .rejectsOnce(lambdaError('ServiceException', 500, 'Internal error'))
      .rejectsOnce(lambdaError('ServiceException', 503, 'Service unavailable'))
      .rejectsOnce(Object.assign(new Error('Request timed out after 20000 ms'), { name: 'TimeoutError' }))
      .resolves({ StatusCode: 202 });
    const first = await invoke(fixtures.create(), { budgetMs: 60_000 });
    expect(first.puts).toHaveLength(0);
    expect(aws.lambda).toHaveReceivedCommandTimes(InvokeCommand, 4);
    expect(first.log.text()).toContain('Handed the watch off to a fresh invocation');

    const payload = handedOff().at(-1);
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [stoppedTask(0)] });
    const second = await invoke(payload);
    expect(second.response).toMatchObject({ Status: 'SUCCESS', RequestId: fixtures.create().RequestId });
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
    expect(aws.ecs).not.toHaveReceivedCommand(StopTaskCommand);
  });

  it('stops the task and answers FAILED before the invocation ends when Lambda keeps failing', async () => {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask()] });
    aws.lambda.on(InvokeCommand).rejects(lambdaError('TooManyRequestsException', 429, 'Rate Exceeded.'));
    const clock = new FakeClock();
    const end = clock.now() + 60_000;
    let stoppedAt = Infinity;
    aws.ecs.on(StopTaskCommand).callsFake(() => {
      stoppedAt = clock.now();
      return {};
    });
    const { response, puts } = await invoke(fixtures.create(), { budgetMs: 60_000, clock });
    expect(puts).toHaveLength(1);
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toMatch(
      /^Handing off to a fresh invocation \(lambda:InvokeFunction on this function\) failed: TooManyRequestsException: Rate Exceeded\. It was sent \d+ time\(s\), until only the time to stop the tasks and answer was left\. The tasks were stopped;/,
    );
    expect(aws.ecs).toHaveReceivedCommandWith(StopTaskCommand, { task: TASK_ARN });
    expect(end - stoppedAt).toBeGreaterThanOrEqual(HAND_OFF_GIVE_UP_MS);
    expect(clock.now()).toBeLessThanOrEqual(end);
  });
});

/**
 * A watch handed off through an Invoke that timed out and was sent again (`start` runs the Create): the same Run,
 * twice, as the two invocations Lambda may have queued receive it; ECS and Lambda stubbed afresh for them.
 */
async function duplicatedHandOff(start: typeof invoke): Promise<ContinuationEvent> {
  aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask()] });
  aws.lambda
    .on(InvokeCommand)
    .rejectsOnce(Object.assign(new Error('Request timed out after 20000 ms'), { name: 'TimeoutError' }))
    .resolves({ StatusCode: 202 });
  await start(fixtures.create(), { budgetMs: 60_000 });
  const [timedOut, resent] = handedOff();
  expect(resent).toEqual(timedOut);
  aws.reset();
  stubHappyPath(aws);
  return resent as ContinuationEvent;
}

/**
 * A timed-out Invoke may still have been queued: the resend then starts a second invocation with the same Run. With
 * the state table, the generation claim lets only one carry on; without it, the duplicates must decide alike.
 */
describe('two invocations carrying the same Run', () => {
  const duplicated = () => duplicatedHandOff(invoke);

  it('answer the same when the task succeeds, and stop nothing', async () => {
    const run = await duplicated();
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [stoppedTask(0)] });
    const one = await invoke(run);
    const other = await invoke(run);
    expect(one.response?.Status).toBe('SUCCESS');
    expect(other.response).toEqual(one.response);
    expect(aws.ecs).not.toHaveReceivedCommand(StopTaskCommand);
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
  });

  it('answer the same at the deadline, the second StopTask of the task changing nothing', async () => {
    const run = await duplicated();
    const startedAt = run.state.kind === 'watching' ? run.state.startedAt : 0;
    const late = { ...run, plan: { ...run.plan, deadline: startedAt } };
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask()] });
    // What ECS answers to a second StopTask is not the runner's to rely on: refused, it is only logged.
    aws.ecs
      .on(StopTaskCommand)
      .resolvesOnce({ task: ecsTask({ desiredStatus: 'STOPPED' }) })
      .rejects(Object.assign(new Error('The task is already stopped'), { name: 'InvalidParameterException' }));
    const one = await invoke(late, { budgetMs: 60_000 });
    const other = await invoke(late, { budgetMs: 60_000 });
    expect(one.response?.Status).toBe('FAILED');
    expect(one.response?.Reason).toContain('Timed out after 600 s');
    expect(other.response).toEqual(one.response);
    expect(aws.ecs).toHaveReceivedCommandTimes(StopTaskCommand, 2);
    expect(other.log.text()).toContain('Could not stop task');
  });
});

describe('two invocations carrying the same Run, with the state table', () => {
  async function duplicated(): Promise<ContinuationEvent> {
    const resent = await duplicatedHandOff(invokeWithTable);
    expect(resent.generation).toBe(2);
    return resent;
  }

  it('one carries on and answers; the other ends quietly: no answer, no ECS call', async () => {
    const run = await duplicated();
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [stoppedTask(0)] });
    const one = await invokeWithTable(run);
    expect(one.response?.Status).toBe('SUCCESS');
    const callsBefore = aws.ecs.calls().length;
    const other = await invokeWithTable(run);
    expect(other.puts).toHaveLength(0);
    expect(aws.ecs.calls()).toHaveLength(callsBefore);
    expect(other.log.text()).toContain('Another invocation already holds this run');
    expect(aws.ecs).not.toHaveReceivedCommand(StopTaskCommand);
  });

  it('at the deadline, only the one that holds the run stops the task and answers', async () => {
    const run = await duplicated();
    const startedAt = run.state.kind === 'watching' ? run.state.startedAt : 0;
    const late = { ...run, plan: { ...run.plan, deadline: startedAt } };
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask()] });
    const one = await invokeWithTable(late, { budgetMs: 60_000 });
    const other = await invokeWithTable(late, { budgetMs: 60_000 });
    expect(one.response?.Status).toBe('FAILED');
    expect(other.puts).toHaveLength(0);
    expect(aws.ecs).toHaveReceivedCommandTimes(StopTaskCommand, 1);
  });

  it('a later hand-off of the one that holds the run is claimed in turn, while the stale copy still ends quietly', async () => {
    const run = await duplicated();
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask()] });
    aws.lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    const one = await invokeWithTable(run, { budgetMs: 60_000 });
    expect(one.puts).toHaveLength(0);
    const next = handedOff().at(-1);
    expect(next?.generation).toBe(3);
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [stoppedTask(0)] });
    expect((await invokeWithTable(run)).puts).toHaveLength(0);
    expect((await invokeWithTable(next)).response?.Status).toBe('SUCCESS');
  });

  it('carries on as without a table when the claim cannot be written, saying so', async () => {
    const run = await duplicated();
    table.put = async () => {
      throw Object.assign(new Error('Rate of requests exceeds the allowed throughput'), {
        name: 'ProvisionedThroughputExceededException',
      });
    };
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [stoppedTask(0)] });
    const { response, log } = await invokeWithTable(run);
    expect(response?.Status).toBe('SUCCESS');
    expect(log.text()).toContain('Could not claim the run in the state table');
  });

  it('a version-2 payload (no generation) still runs, and its duplicate ends quietly', async () => {
    const run = await duplicated();
    const version2: Record<string, unknown> = { ...run, ecsTaskRunnerContinuation: 2 };
    delete version2.generation;
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [stoppedTask(0)] });
    expect((await invoke(version2)).response?.Status).toBe('SUCCESS');
    expect((await invokeWithTable(version2)).response?.Status).toBe('SUCCESS');
    expect((await invokeWithTable(version2)).puts).toHaveLength(0);
  });
});
