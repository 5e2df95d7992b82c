import { DescribeTasksCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import type { RunnerDeps } from '../../src/run/contract';
import { runItemKey } from '../../src/run/parking/run-item';
import type { RunState } from '../../src/run/run-state';
import { carryOnRun, runTasks, startAndFollow } from '../../src/run/start-run';
import { ecsTask, mockedAws, stoppedTask, stubHappyPath, TASK_ARN } from '../support/aws-mocks';
import { MemoryStateTable } from '../support/fakes';
import { fixtures } from '../support/fixtures';
import { parsed } from '../support/properties';
import { purposeOf, runDeps, runIn } from '../support/run-harness';

const aws = mockedAws();
beforeEach(() => stubHappyPath(aws));

const properties = parsed(fixtures.create().ResourceProperties);

/** The epoch ms of each DescribeTasks of the task, on the invocation's clock. */
function describedAt(deps: RunnerDeps): number[] {
  const at: number[] = [];
  aws.ecs.on(DescribeTasksCommand).callsFake(() => {
    at.push(deps.clock.now());
    return { tasks: [stoppedTask(0, { version: 3 })] };
  });
  return at;
}

describe('starting a run', () => {
  it('starts the task and, as a fresh run, waits a poll before its first DescribeTasks', async () => {
    const { clock, deps } = runDeps(aws);
    let ranAt: number | undefined;
    aws.ecs.on(RunTaskCommand).callsFake(() => {
      ranAt = clock.now();
      return { tasks: [ecsTask()], failures: [] };
    });
    const described = describedAt(deps);
    expect(await runTasks(fixtures.create(), properties, deps)).toMatchObject({
      kind: 'answer',
      answer: { status: 'SUCCESS' },
    });
    expect(ranAt).toBeDefined();
    expect(described[0]).toBeGreaterThan(ranAt ?? Infinity);
  });

  it('waits for no earlier task before a teardown unless told which', async () => {
    const { deps } = runDeps(aws);
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [stoppedTask(0)] });
    const teardown = purposeOf('teardown');
    const outcome = await startAndFollow(teardown, parsed(teardown.request.ResourceProperties), deps);
    expect(outcome).toMatchObject({ kind: 'answer', answer: { status: 'SUCCESS' } });
    // Only the task the teardown started is ever described: no earlier task was named to wait for.
    const asked = aws.ecs.commandCalls(DescribeTasksCommand).flatMap((call) => call.args[0].input.tasks ?? []);
    expect(new Set(asked)).toEqual(new Set([TASK_ARN]));
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
  });
});

describe('carrying on a run handed off', () => {
  const watching = (now: number): RunState => ({ kind: 'watching', taskArns: [TASK_ARN], startedAt: now - 30_000 });

  it('without a table: asks ECS at once (it was watching), and answers', async () => {
    const { clock, deps } = runDeps(aws);
    const described = describedAt(deps);
    const run = { ...runIn(watching(clock.now()), clock.now()), generation: 2 };
    const start = clock.now();
    expect(await carryOnRun(run, properties, deps)).toMatchObject({ kind: 'answer', answer: { status: 'SUCCESS' } });
    expect(described[0]).toBe(start);
  });

  it('claims its generation, and with events on parks on the version claimed instead of handing off', async () => {
    const table = new MemoryStateTable();
    const harness = runDeps(aws, 120_000);
    const deps: RunnerDeps = {
      ...harness.deps,
      eventDriven: true,
      aws: { ...aws.ports, stateTable: async () => table },
    };
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask({ version: 2 })] });
    const now = harness.clock.now();
    const run = { ...runIn(watching(now), now), generation: 2 };
    run.plan = { ...run.plan, deadline: now + 3_600_000, timeoutSeconds: 3600 };
    expect(await carryOnRun(run, properties, deps)).toEqual({ kind: 'parked' });
    const item = JSON.parse(table.items.get(runItemKey(run.request))?.body ?? '{}') as { generation: number };
    expect(item).toMatchObject({ generation: 2, run: { state: { kind: 'parked' } } });
  });

  it('ends quietly, without a call to ECS, when another invocation holds its generation', async () => {
    const table = new MemoryStateTable();
    const harness = runDeps(aws);
    const deps: RunnerDeps = { ...harness.deps, aws: { ...aws.ports, stateTable: async () => table } };
    const run = { ...runIn(watching(harness.clock.now()), harness.clock.now()), generation: 2 };
    const pk = runItemKey(run.request);
    table.items.set(pk, { pk, version: 1, body: JSON.stringify({ kind: 'run', generation: 2 }) });
    expect(await carryOnRun(run, properties, deps)).toEqual({ kind: 'held-elsewhere' });
    expect(aws.ecs.calls()).toHaveLength(0);
    expect(harness.log.entries).toContainEqual({
      level: 'info',
      message: 'Another invocation already holds this run (a hand-off delivered twice): ending without answering',
      extra: [{ generation: 2, held: 2 }],
    });
  });

  it('carries on as without a table when the claim fails, and logs why', async () => {
    const table = new MemoryStateTable();
    table.get = () =>
      Promise.reject(Object.assign(new Error('Requested resource not found'), { name: 'ResourceNotFoundException' }));
    const harness = runDeps(aws);
    const deps: RunnerDeps = { ...harness.deps, aws: { ...aws.ports, stateTable: async () => table } };
    describedAt(deps);
    const run = { ...runIn(watching(harness.clock.now()), harness.clock.now()), generation: 2 };
    expect(await carryOnRun(run, properties, deps)).toMatchObject({ kind: 'answer', answer: { status: 'SUCCESS' } });
    expect(harness.log.entries).toContainEqual({
      level: 'error',
      message: 'Could not claim the run in the state table: carrying on, as a runner without the table does',
      extra: [{ generation: 2, error: 'ResourceNotFoundException', message: 'Requested resource not found' }],
    });
  });
});
