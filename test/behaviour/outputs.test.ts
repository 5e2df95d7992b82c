import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeTasksCommand, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import type { ContinuationEvent } from '../../src/run/hand-off/continuation';
import { MAX_RESPONSE_BYTES } from '../../src/response/response-budget';
import { ANSWER_TIME_MS } from '../../src/runtime/time-budget';
import { OUTPUT_RECHECK_MS, OUTPUT_WAIT_AFTER_STOP_MS } from '../../src/tasks/task-outputs';
import { BUILT_IN_ATTRIBUTES } from '../../src/shared/attribute-names';
import { mockedAws, stoppedTask, stubAwsLogsTaskDefinition, stubHappyPath, TASK_ARN } from '../support/aws-mocks';
import { FakeClock } from '../support/fakes';
import { fixtures } from '../support/fixtures';
import { invokeWith } from '../support/invoke';

const aws = mockedAws();
const invoke = invokeWith(aws.ports);

function createWithOutputs(outputs: string[]) {
  const event = fixtures.create();
  (event.ResourceProperties as Record<string, unknown>).Outputs = outputs;
  return event;
}

function printed(...lines: string[]) {
  aws.logs
    .on(GetLogEventsCommand)
    .resolves({ events: lines.map((message, i) => ({ message, timestamp: i })), nextBackwardToken: 'b/0' });
}

beforeEach(() => {
  stubHappyPath(aws);
  stubAwsLogsTaskDefinition(aws);
});

describe('Outputs', () => {
  it('returns each printed value as an attribute beside the built-in ones', async () => {
    printed(
      'Applying todo.0042_add_index... OK',
      'ECS_TASK_RUNNER_OUTPUT SchemaVersion=0042_add_index',
      'ECS_TASK_RUNNER_OUTPUT TenantId=t-7',
    );
    const { response } = await invoke(createWithOutputs(['SchemaVersion', 'TenantId']));
    expect(response?.Status).toBe('SUCCESS');
    expect(response?.Data).toMatchObject({ TaskArn: TASK_ARN, SchemaVersion: '0042_add_index', TenantId: 't-7' });
    expect(Object.keys(response?.Data ?? {})).toEqual([...BUILT_IN_ATTRIBUTES, 'SchemaVersion', 'TenantId']);
  });

  it('returns an empty attribute for a declared output that was not printed', async () => {
    printed('ECS_TASK_RUNNER_OUTPUT SchemaVersion=0042');
    const { response, log } = await invoke(createWithOutputs(['SchemaVersion', 'TenantId']));
    expect(response?.Status).toBe('SUCCESS');
    expect(response?.Data).toMatchObject({ SchemaVersion: '0042', TenantId: '' });
    // Said in the log, with the likely cause of a line that was printed and lost.
    const warning = log.entries.find((entry) => entry.message.startsWith('Declared Outputs never appeared'));
    expect(warning?.level).toBe('warn');
    expect(warning?.extra[0]).toMatchObject({ outputs: ['TenantId'] });
    expect(JSON.stringify(warning?.extra)).toMatch(/non-blocking mode/);
  });

  it('are present, empty, when an Update runs nothing', async () => {
    const event = fixtures.update();
    Object.assign(event.ResourceProperties, { RunOnUpdate: 'false', Outputs: ['SchemaVersion'] });
    const { response } = await invoke(event);
    expect(response?.Data).toMatchObject({ SchemaVersion: '', TaskArn: '' });
  });

  it('reads no log when no Outputs are declared', async () => {
    await invoke(fixtures.create());
    expect(aws.logs).not.toHaveReceivedCommand(GetLogEventsCommand);
  });

  it('are not read after a failed run', async () => {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [stoppedTask(1)] });
    const event = createWithOutputs(['SchemaVersion']);
    event.ResourceProperties.LogLines = '0';
    const { response } = await invoke(event);
    expect(response?.Status).toBe('FAILED');
    expect(aws.logs).not.toHaveReceivedCommand(GetLogEventsCommand);
  });

  it('fail the run, naming the output, when a printed value does not fit the 4096-byte response', async () => {
    printed(
      `ECS_TASK_RUNNER_OUTPUT Report=${'x'.repeat(3000)}`,
      'ECS_TASK_RUNNER_OUTPUT SchemaVersion=0042',
      `ECS_TASK_RUNNER_OUTPUT Notes=${'y'.repeat(900)}`,
    );
    const { response, puts } = await invoke(createWithOutputs(['SchemaVersion', 'Report', 'Notes']));
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toBe(
      `The task succeeded, but the printed value of Outputs Report (3000 bytes) does not fit CloudFormation's ${MAX_RESPONSE_BYTES}-byte response — print a shorter value (an ID, a version), and keep larger results elsewhere (SSM Parameter Store, S3).`,
    );
    expect(Buffer.byteLength(puts[0]?.body ?? '')).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
  });

  it('answer SUCCESS with a value that just fits, unshortened', async () => {
    printed('ECS_TASK_RUNNER_OUTPUT Report=');
    const { puts: probe } = await invoke(createWithOutputs(['Report']));
    const room = MAX_RESPONSE_BYTES - Buffer.byteLength(probe[0]?.body ?? '');
    printed(`ECS_TASK_RUNNER_OUTPUT Report=${'x'.repeat(room)}`);
    const { response, puts } = await invoke(createWithOutputs(['Report']));
    expect(response?.Status).toBe('SUCCESS');
    expect(response?.Data?.Report).toHaveLength(room);
    expect(Buffer.byteLength(puts[0]?.body ?? '')).toBe(MAX_RESPONSE_BYTES);
  });

  it("refuse the run up front when the declared names cannot fit with the tasks' ARNs", async () => {
    const event = createWithOutputs(
      Array.from({ length: 20 }, (_, i) => `${'Output'.repeat(10)}${String(i).padStart(4, '0')}`),
    );
    // A long cluster name makes every task ARN long.
    Object.assign(event.ResourceProperties, { Count: '10', Cluster: `todobackend-${'c'.repeat(160)}` });
    const { response } = await invoke(event);
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toMatch(
      /^Not started: Outputs: the 20 declared names do not fit CloudFormation's 4096-byte response even with empty values \(\d+ bytes over, with 10 task ARNs\) — declare fewer or shorter names, or lower Count\.$/,
    );
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
  });

  it('refuse the run up front when no essential container logs where the runner can read it', async () => {
    stubHappyPath(aws);
    const { response } = await invoke(createWithOutputs(['SchemaVersion']));
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toContain(
      'Outputs: no essential container of task definition todobackend-migrate:7 logs with the awslogs driver and an awslogs-stream-prefix',
    );
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
  });

  it('are read again with backoff while CloudWatch Logs throttles GetLogEvents', async () => {
    let calls = 0;
    aws.logs.on(GetLogEventsCommand).callsFake(() => {
      if (calls++ < 2) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      return { events: [{ message: 'ECS_TASK_RUNNER_OUTPUT SchemaVersion=0042', timestamp: 1 }] };
    });
    const { response } = await invoke(createWithOutputs(['SchemaVersion']));
    expect(response?.Status).toBe('SUCCESS');
    expect(response?.Data).toMatchObject({ SchemaVersion: '0042' });
    expect(aws.logs).toHaveReceivedCommandTimes(GetLogEventsCommand, 3);
  });

  it('are looked for again only while the invocation can still answer in time', async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const readAt: number[] = [];
    aws.logs.on(GetLogEventsCommand).callsFake(() => {
      readAt.push(clock.now() - start);
      return { events: [] };
    });
    // Whether the task has STOPPED (after which its log is complete) cannot be read: the runner looks again.
    aws.ecs
      .on(DescribeTasksCommand)
      .resolvesOnce({ tasks: [stoppedTask(0)] })
      .rejects(Object.assign(new Error('Service unavailable'), { name: 'ServerException' }));
    const { response, log } = await invoke(createWithOutputs(['SchemaVersion']), { clock, budgetMs: 90_000 });
    expect(response).toMatchObject({ Status: 'SUCCESS', Data: { SchemaVersion: '' } });
    expect(readAt.length).toBeGreaterThan(2);
    // 20 s (ANSWER_TIME_MS) before the invocation's 90 s end, at the latest.
    expect(Math.max(...readAt)).toBeLessThanOrEqual(90_000 - ANSWER_TIME_MS);
    expect(Math.max(...readAt)).toBeGreaterThan(90_000 - ANSWER_TIME_MS - OUTPUT_RECHECK_MS);
    expect(log.entries).toContainEqual({
      level: 'warn',
      message: 'Declared Outputs never appeared in the log; their attributes are empty',
      extra: [
        {
          outputs: ['SchemaVersion'],
          truncatedStreams: [],
          hint:
            "If the container printed them, awslogs may have dropped the lines: its non-blocking mode (ECS's default" +
            " since June 2025) drops what does not fit its buffer. Set the log configuration's mode to blocking, or" +
            ' raise max-buffer-size.',
        },
      ],
    });
  });

  it('fail the run, saying which permission is missing, when the log cannot be read', async () => {
    aws.logs.on(GetLogEventsCommand).rejects(
      Object.assign(new Error('User is not authorized to perform: logs:GetLogEvents'), {
        name: 'AccessDeniedException',
      }),
    );
    const { response } = await invoke(createWithOutputs(['SchemaVersion']));
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toContain(
      `The task succeeded, but the Outputs could not be read: GetLogEvents on log group /ecs/todobackend, stream todobackend/migrate/0a1b2c3d4e5f46789abcdef012345678 failed: AccessDeniedException`,
    );
    expect(response?.Reason).toContain('IAM permissions');
  });
});

describe('Outputs that reach the log late', () => {
  /** The line appears in the log `lateMs` after the run found the task stopped (its first read of the log). */
  function printedLate(clock: FakeClock, lateMs: number): { stoppedAt: () => number } {
    let first: number | undefined;
    aws.logs.on(GetLogEventsCommand).callsFake(() => {
      first ??= clock.now();
      const visible = clock.now() - first >= lateMs;
      return { events: visible ? [{ message: 'ECS_TASK_RUNNER_OUTPUT SchemaVersion=0042', timestamp: 1 }] : [] };
    });
    return { stoppedAt: () => first ?? NaN };
  }

  function handedOff(): ContinuationEvent[] {
    return aws.lambda
      .commandCalls(InvokeCommand)
      .map(
        (call) =>
          JSON.parse(Buffer.from(call.args[0].input.Payload as Uint8Array).toString('utf8')) as ContinuationEvent,
      );
  }

  it('printed 35 s after the task stopped, 20 s before the invocation’s end, are answered by the next invocation', async () => {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [stoppedTask(0)] });
    aws.lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    // When the run finds the task stopped, in an invocation with time enough.
    const probe = new FakeClock();
    const start = probe.now();
    const seen = printedLate(probe, 35_000);
    await invoke(createWithOutputs(['SchemaVersion']), { clock: probe });
    const stoppedAfter = seen.stoppedAt() - start;

    aws.logs.reset();
    aws.lambda.resetHistory();
    const clock = new FakeClock();
    const late = printedLate(clock, 35_000);
    // The invocation ends 55 s after the task stopped: the line appears 20 s before its end.
    const first = await invoke(createWithOutputs(['SchemaVersion']), { clock, budgetMs: stoppedAfter + 55_000 });
    expect(first.puts).toHaveLength(0);
    // Handed off, not given up: nothing is said missing yet.
    expect(first.log.text()).not.toContain('Declared Outputs never appeared');
    const [payload] = handedOff();
    expect(payload?.state).toMatchObject({ kind: 'reading-outputs', stoppedAt: late.stoppedAt() });

    const second = await invoke(payload, { clock });
    expect(second.response?.Status).toBe('SUCCESS');
    expect(second.response?.Data).toMatchObject({ TaskArn: TASK_ARN, SchemaVersion: '0042' });
    expect(clock.now() - late.stoppedAt()).toBeLessThanOrEqual(OUTPUT_WAIT_AFTER_STOP_MS);
    expect(aws.ecs).not.toHaveReceivedCommand(StopTaskCommand);
  });

  it('never printed: answered empty at the bound, 60 s after the task stopped, as when read in one invocation', async () => {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [stoppedTask(0)] });
    aws.lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    const clock = new FakeClock();
    const never = printedLate(clock, Infinity);
    const first = await invoke(createWithOutputs(['SchemaVersion']), { clock, budgetMs: 60_000 });
    expect(first.puts).toHaveLength(0);
    const second = await invoke(handedOff()[0], { clock });
    expect(second.response).toMatchObject({ Status: 'SUCCESS', Data: { SchemaVersion: '' } });
    expect(clock.now() - never.stoppedAt()).toBe(OUTPUT_WAIT_AFTER_STOP_MS);
    expect(second.log.text()).toContain('Declared Outputs never appeared in the log');
  });

  it('when the hand-off is refused for good, are answered with what was found, the task left alone', async () => {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [stoppedTask(0)] });
    aws.lambda
      .on(InvokeCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException', $metadata: {} }));
    const clock = new FakeClock();
    printedLate(clock, Infinity);
    const { response, log } = await invoke(createWithOutputs(['SchemaVersion']), { clock, budgetMs: 60_000 });
    expect(response).toMatchObject({ Status: 'SUCCESS', Data: { TaskArn: TASK_ARN, SchemaVersion: '' } });
    expect(aws.ecs).not.toHaveReceivedCommand(StopTaskCommand);
    expect(log.text()).toContain('The hand-off could not be sent; answering with what this invocation found');
  });
});
