import { DescribeTasksCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { followRun } from '../../../src/run/follow-run';
import { handOff } from '../../../src/run/hand-off/hand-off';
import type { RunState } from '../../../src/run/run-state';
import { HAND_OFF_GIVE_UP_MS, timeBudget } from '../../../src/runtime/time-budget';
import { ecsTask, mockedAws, stubHappyPath, TASK_ARN } from '../../support/aws-mocks';
import { policyOf, runDeps, runIn, sent } from '../../support/run-harness';

const aws = mockedAws();
beforeEach(() => {
  stubHappyPath(aws);
  aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask()] });
});

const starting: RunState = { kind: 'starting', count: 1, notBefore: 0 };

/** An SDK error as the v3 client throws it for an AWS error answer. */
function awsError(name: string, httpStatusCode: number, message = `${name} from Lambda`): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode } });
}

/** A run started in an invocation of 40 s, so that it hands off after its first polls. */
function handingOff() {
  const { clock, deps, log } = runDeps(aws, 40_000);
  const run = runIn(starting, clock.now());
  const at: Record<string, number[]> = { invoke: [], stop: [] };
  aws.ecs.on(StopTaskCommand).callsFake(() => {
    at.stop?.push(clock.now());
    return {};
  });
  return { clock, deps, log, run, at, end: clock.now() + 40_000 };
}

describe('sending a failed hand-off again', () => {
  it('sends it again after a burst of failures, with backoff, and never stops the task', async () => {
    aws.lambda
      .on(InvokeCommand)
      .rejectsOnce(awsError('ServiceException', 500))
      .rejectsOnce(Object.assign(new Error('Request timed out'), { name: 'TimeoutError' }))
      .rejectsOnce(awsError('TooManyRequestsException', 429, 'Rate exceeded'))
      .resolves({ StatusCode: 202 });
    const { clock, deps, log, run } = handingOff();
    expect(await followRun(run, policyOf(run), deps, false)).toEqual({ kind: 'handed-off' });
    expect(sent(aws).lambda).toEqual(['Invoke', 'Invoke', 'Invoke', 'Invoke']);
    expect(aws.ecs).not.toHaveReceivedCommand(StopTaskCommand);
    expect(clock.sleeps.slice(-3)).toEqual([1000, 2000, 4000]);
    const payloads = aws.lambda
      .commandCalls(InvokeCommand)
      .map((call) => Buffer.from(call.args[0].input.Payload as Uint8Array).toString());
    expect(new Set(payloads).size).toBe(1);
    expect(
      log.entries.filter((entry) => entry.message === 'The hand-off failed; sending it again').map((e) => e.extra[0]),
    ).toEqual([
      expect.objectContaining({ attempt: 1, error: 'ServiceException', delayMs: 1000 }),
      expect.objectContaining({ attempt: 2, error: 'TimeoutError', delayMs: 2000 }),
      expect.objectContaining({ attempt: 3, error: 'TooManyRequestsException', delayMs: 4000 }),
    ]);
    expect(log.entries.filter((entry) => entry.level === 'warn').map((entry) => entry.message)).toEqual([
      'The hand-off failed; sending it again',
      'The hand-off failed; sending it again',
      'The hand-off failed; sending it again',
    ]);
  });

  it.each([
    {
      what: 'denied',
      error: awsError('AccessDeniedException', 403, 'User: … is not authorized to perform: lambda:InvokeFunction'),
      reason:
        /^Handing off to a fresh invocation \(lambda:InvokeFunction on this function\) failed: AccessDeniedException.* The tasks were stopped; grant the function lambda:InvokeFunction on itself/,
    },
    {
      what: 'the function gone',
      error: awsError('ResourceNotFoundException', 404, 'Function not found'),
      reason: /failed: ResourceNotFoundException: Function not found.* The tasks were stopped/,
    },
    {
      what: 'a payload Lambda cannot take',
      error: awsError('RequestTooLargeException', 413, 'Request must be smaller than 1048576 bytes'),
      reason: /failed: RequestTooLargeException/,
    },
    {
      what: 'recursion stopped',
      error: awsError('RecursiveInvocationException', 400, 'Lambda detected a recursive loop.'),
      reason: /^Lambda's recursive loop detection stopped the hand-off to a fresh invocation after 1 hand-off\(s\)/,
    },
  ])('stops the task and answers FAILED at once when the hand-off is refused for good: $what', async (refusal) => {
    const { clock, deps, log, run, at } = handingOff();
    aws.lambda.on(InvokeCommand).callsFake(() => {
      at.invoke?.push(clock.now());
      throw refusal.error;
    });
    const outcome = await followRun(run, policyOf(run), deps, false);
    expect(outcome).toMatchObject({ kind: 'answer', answer: { status: 'FAILED' } });
    expect(outcome.kind === 'answer' ? outcome.answer.reason : '').toMatch(refusal.reason);
    expect(sent(aws).lambda).toEqual(['Invoke']);
    expect(aws.ecs).toHaveReceivedCommandWith(StopTaskCommand, { task: TASK_ARN });
    expect(at.stop).toEqual(at.invoke);
    expect(log.entries.find((entry) => entry.level === 'error')).toMatchObject({
      message: 'Lambda refused the hand-off for good; stopping the tasks',
      extra: [expect.objectContaining({ attempts: 1, error: refusal.error.name })],
    });
  });

  it('stops the task and answers FAILED in time when the hand-off fails until time runs out', async () => {
    aws.lambda.on(InvokeCommand).rejects(awsError('ServiceException', 500, 'Service unavailable'));
    const { clock, deps, log, run, at, end } = handingOff();
    const outcome = await followRun(run, policyOf(run), deps, false);
    expect(outcome).toMatchObject({ kind: 'answer', answer: { status: 'FAILED' } });
    const attempts = sent(aws).lambda?.length ?? 0;
    expect(attempts).toBeGreaterThan(1);
    expect(outcome.kind === 'answer' ? outcome.answer.reason : '').toMatch(
      new RegExp(
        `^Handing off to a fresh invocation \\(lambda:InvokeFunction on this function\\) failed: ServiceException: Service unavailable \\(HTTP 500\\)\\. It was sent ${attempts} time\\(s\\), until only the time to stop the tasks and answer was left\\. The tasks were stopped;`,
      ),
    );
    expect(at.stop).toHaveLength(1);
    expect(end - (at.stop?.[0] ?? end)).toBeGreaterThanOrEqual(HAND_OFF_GIVE_UP_MS);
    expect(end - clock.now()).toBeGreaterThanOrEqual(HAND_OFF_GIVE_UP_MS);
    expect(log.entries.find((entry) => entry.level === 'error')).toMatchObject({
      message: 'The hand-off failed until only the time to stop the tasks and answer was left; stopping the tasks',
      extra: [expect.objectContaining({ attempts, error: 'ServiceException' })],
    });
  });
});

describe('the hand-off of a watch', () => {
  /** A run watching its task in its third invocation (two hand-offs, generation 3). */
  function watchingRun() {
    const { clock, deps, log } = runDeps(aws);
    const run = {
      ...runIn({ kind: 'watching', taskArns: [TASK_ARN], startedAt: clock.now() }, clock.now()),
      handOffs: 2,
      generation: 3,
    };
    return { deps, log, run, budget: timeBudget(run.plan.deadline, deps) };
  }

  it('sends the run with one more hand-off, for the next generation, and says so in the log', async () => {
    aws.lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    const { deps, log, run, budget } = watchingRun();

    expect(await handOff(run, deps, budget)).toEqual({ kind: 'handed-off' });
    const payload = JSON.parse(
      Buffer.from(aws.lambda.commandCalls(InvokeCommand)[0]?.args[0].input.Payload as Uint8Array).toString(),
    ) as Record<string, unknown>;
    expect(payload).toMatchObject({ handOffs: 3, generation: 4, state: { kind: 'watching', taskArns: [TASK_ARN] } });
    expect(log.entries).toEqual([
      {
        level: 'info',
        message: 'Handed the watch off to a fresh invocation',
        extra: [{ handOffs: 3, generation: 4, taskArns: [TASK_ARN], attempts: 1 }],
      },
    ]);
  });

  it('answers with what this invocation found, stopping nothing, when a hand-off with an answer ready fails', async () => {
    aws.lambda
      .on(InvokeCommand)
      .rejects(awsError('AccessDeniedException', 403, 'User is not authorized to perform: lambda:InvokeFunction'));
    const { deps, log, run, budget } = watchingRun();
    const found = { status: 'SUCCESS' as const, data: { TaskArn: TASK_ARN } };

    expect(await handOff(run, deps, budget, () => found)).toEqual({ kind: 'answer', answer: found });
    expect(aws.ecs).not.toHaveReceivedCommand(StopTaskCommand);
    expect(log.entries).toEqual([
      {
        level: 'error',
        message: 'The hand-off could not be sent; answering with what this invocation found',
        extra: [
          {
            attempts: 1,
            error: 'AccessDeniedException',
            message: expect.stringContaining('lambda:InvokeFunction') as unknown,
            handOffs: 3,
          },
        ],
      },
    ]);
  });
});
