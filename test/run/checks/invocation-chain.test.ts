import { DescribeTasksCommand, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { GetFunctionRecursionConfigCommand, InvokeCommand } from '@aws-sdk/client-lambda';
import {
  checkInvocationChain,
  invocationsNeeded,
  unqualifiedFunctionArn,
} from '../../../src/run/checks/invocation-chain';
import { ecsTask, mockedAws, stubHappyPath, TASK_ARN } from '../../support/aws-mocks';
import { fixtures } from '../../support/fixtures';
import { invokeWith } from '../../support/invoke';
import { runDeps } from '../../support/run-harness';

const aws = mockedAws();
const invoke = invokeWith(aws.ports);
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:todobackend-runner-ecs-task-runner';

function createWithTimeout(seconds: string) {
  const event = fixtures.create();
  event.ResourceProperties.Timeout = seconds;
  return event;
}

beforeEach(() => stubHappyPath(aws));

describe('the chain of invocations a watch needs', () => {
  it('is one invocation at least, also for no time at all', () => {
    expect(invocationsNeeded(0, 900_000)).toBe(1);
    expect(invocationsNeeded(870_000, 900_000)).toBe(1);
    expect(invocationsNeeded(870_001, 900_000)).toBe(2);
  });

  it('reads the function itself, not an alias or a version, and leaves an unqualified ARN or a name as it is', () => {
    expect(unqualifiedFunctionArn(`${FUNCTION_ARN}:7`)).toBe(FUNCTION_ARN);
    expect(unqualifiedFunctionArn(FUNCTION_ARN)).toBe(FUNCTION_ARN);
    expect(unqualifiedFunctionArn('todobackend-runner')).toBe('todobackend-runner');
  });

  it('of exactly 15 invocations starts without reading the recursion setting', async () => {
    // 60 s invocations watch 30 s each: 450 s take 15.
    const { response } = await invoke(createWithTimeout('450'), { budgetMs: 60_000 });
    expect(aws.lambda).not.toHaveReceivedCommand(GetFunctionRecursionConfigCommand);
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
    expect(response?.Status).toBe('SUCCESS');
  });

  it('of 16 invocations starts when the function allows recursion', async () => {
    const { response } = await invoke(createWithTimeout('451'), { budgetMs: 60_000 });
    expect(aws.lambda).toHaveReceivedCommandWith(GetFunctionRecursionConfigCommand, { FunctionName: FUNCTION_ARN });
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
    expect(response?.Status).toBe('SUCCESS');
  });

  it("of 16 invocations is refused, naming the function's time and the watch's, when recursion is not allowed", async () => {
    aws.lambda.on(GetFunctionRecursionConfigCommand).resolves({ RecursiveLoop: 'Terminate' });
    const { response } = await invoke(createWithTimeout('451'), { budgetMs: 59_600 });
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(response?.Reason).toBe(
      "Not started: with a function Timeout of about 60 s, watching for up to 451 s would take 16 invocations in one chain, and Lambda's recursive loop detection stops such a chain after about 16. Raise the runner function's Timeout (900 s needs at most 5), or set RecursiveLoop: Allow on the function and grant it lambda:GetFunctionRecursionConfig on itself.",
    );
  });
});

describe('the check of a watch that needs a long chain', () => {
  /** 60 s invocations watch 30 s each: 451 s take 16. */
  const LONG_WATCH_MS = 451_000;
  const REFUSED =
    "Not started: with a function Timeout of about 60 s, watching for up to 451 s would take 16 invocations in one chain, and Lambda's recursive loop detection stops such a chain after about 16. Raise the runner function's Timeout (900 s needs at most 5), or set RecursiveLoop: Allow on the function and grant it lambda:GetFunctionRecursionConfig on itself.";

  it("reads the function's recursion setting, and says in the log that it allows the chain", async () => {
    aws.lambda.on(GetFunctionRecursionConfigCommand).resolves({ RecursiveLoop: 'Allow' });
    const { deps, log } = runDeps(aws, 60_000);

    await expect(checkInvocationChain(LONG_WATCH_MS, deps)).resolves.toEqual({ kind: 'fits' });
    expect(log.entries).toEqual([
      {
        level: 'info',
        message: 'The watch needs a long chain of invocations; the function allows recursion',
        extra: [{ invocationsNeeded: 16 }],
      },
    ]);
  });

  it('is refused, with no warning, when the function lets Lambda stop the chain', async () => {
    aws.lambda.on(GetFunctionRecursionConfigCommand).resolves({ RecursiveLoop: 'Terminate' });
    const { deps, log } = runDeps(aws, 60_000);

    await expect(checkInvocationChain(LONG_WATCH_MS, deps)).resolves.toEqual({ kind: 'refused', reason: REFUSED });
    expect(log.entries).toEqual([]);
  });

  it('is refused when the setting cannot be read, with a warning naming the permission and the error', async () => {
    aws.lambda.on(GetFunctionRecursionConfigCommand).rejects(
      Object.assign(new Error('not authorized'), {
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    const { deps, log } = runDeps(aws, 60_000);

    await expect(checkInvocationChain(LONG_WATCH_MS, deps)).resolves.toEqual({ kind: 'refused', reason: REFUSED });
    expect(log.entries).toEqual([
      {
        level: 'warn',
        message:
          "Could not read the function's recursion setting (lambda:GetFunctionRecursionConfig); assuming Terminate",
        extra: [{ error: 'AccessDeniedException' }],
      },
    ]);
  });
});

describe('a hand-off Lambda refuses', () => {
  it('stops the tasks and says which permission or setting to fix', async () => {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask()] });
    aws.lambda.on(InvokeCommand).rejects(
      Object.assign(new Error('Rate exceeded'), {
        name: 'TooManyRequestsException',
        $metadata: { httpStatusCode: 429 },
      }),
    );
    const { response, log } = await invoke(fixtures.create(), { budgetMs: 60_000 });
    expect(aws.ecs).toHaveReceivedCommandWith(StopTaskCommand, {
      task: TASK_ARN,
      reason: 'ecs-task-runner: could not hand off the watch',
    });
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toMatch(
      /^Handing off to a fresh invocation \(lambda:InvokeFunction on this function\) failed: TooManyRequestsException/,
    );
    expect(response?.Reason).toMatch(
      /The tasks were stopped; grant the function lambda:InvokeFunction on itself, or give it a longer Timeout\.$/,
    );
    expect(log.text()).not.toContain('Handed the watch off');
  });
});
