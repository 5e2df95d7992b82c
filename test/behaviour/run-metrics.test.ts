import { DescribeTasksCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import { InvocationMetrics } from '../../src/runtime/metrics';
import { ecsTask, mockedAws, stoppedTask, stubHappyPath } from '../support/aws-mocks';
import { FakeClock } from '../support/fakes';
import { fixtures } from '../support/fixtures';
import { invokeWith } from '../support/invoke';

const aws = mockedAws();
const invoke = invokeWith(aws.ports);

beforeEach(() => stubHappyPath(aws));

/** Runs one invocation with metrics as the handler records them; returns the EMF documents that carry a Cause. */
async function runDocuments(event: unknown, options: Parameters<typeof invoke>[1] = {}) {
  const lines: string[] = [];
  const clock = options.clock ?? new FakeClock();
  const metrics = new InvocationMetrics({
    service: 'ecs-task-runner',
    write: (line) => lines.push(line),
    now: () => clock.now(),
  });
  const result = await invoke(event, { ...options, clock, metrics });
  await metrics.flush();
  const documents = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { ...result, runs: documents.filter((document) => 'Cause' in document) };
}

describe('metrics of a run, as EMF in the runner’s log', () => {
  it('count the run by outcome and cause, with its duration, its start retries and the seconds from the exit to the answer', async () => {
    const clock = new FakeClock();
    const RUN_TASK_AT = clock.now();
    let exitedAt = 0;
    aws.ecs
      .on(DescribeTasksCommand)
      .callsFakeOnce(() => ({ tasks: [ecsTask()] }))
      .callsFake(() => {
        // The task's containers stopped 1.5 s before ECS reports it.
        exitedAt = clock.now() - 1_500;
        return { tasks: [stoppedTask(0, { executionStoppedAt: new Date(exitedAt) })] };
      });
    const { response, runs } = await runDocuments(fixtures.create(), { clock });
    expect(response?.Status).toBe('SUCCESS');
    expect(runs).toEqual([
      {
        _aws: {
          Timestamp: clock.now(),
          CloudWatchMetrics: [
            {
              Namespace: 'ECSTaskRunner',
              Dimensions: [['service', 'Outcome', 'Cause']],
              Metrics: [
                { Name: 'Runs', Unit: 'Count' },
                { Name: 'StartRetries', Unit: 'Count' },
                { Name: 'RunSeconds', Unit: 'Seconds' },
                { Name: 'SecondsFromExitToAnswer', Unit: 'Seconds' },
              ],
            },
          ],
        },
        service: 'ecs-task-runner',
        Outcome: 'SUCCESS',
        Cause: 'succeeded',
        Runs: 1,
        StartRetries: 0,
        RunSeconds: (exitedAt - RUN_TASK_AT) / 1000,
        SecondsFromExitToAnswer: (clock.now() - exitedAt) / 1000,
      },
    ]);
    expect(exitedAt).toBeGreaterThan(RUN_TASK_AT);
  });

  it('name the cause of a failure from what ended the run, never from its words', async () => {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask()] });
    const timedOut = await runDocuments(fixtures.create());
    expect(timedOut.response?.Status).toBe('FAILED');
    expect(timedOut.runs).toEqual([expect.objectContaining({ Outcome: 'FAILED', Cause: 'timed-out', Runs: 1 })]);

    stubHappyPath(aws);
    aws.ecs.on(RunTaskCommand).resolves({ tasks: [], failures: [{ reason: 'RESOURCE:MEMORY' }] });
    const event = fixtures.create();
    (event.ResourceProperties as Record<string, unknown>).StartRetries = '1';
    const notPlaced = await runDocuments(event);
    expect(notPlaced.runs).toEqual([
      expect.objectContaining({ Outcome: 'FAILED', Cause: 'start-failed', Runs: 1, StartRetries: 1 }),
    ]);

    stubHappyPath(aws);
    const other = fixtures.create();
    other.StackId = other.StackId.replace('123456789012', '210987654321');
    const refused = await runDocuments(other);
    expect(refused.runs).toEqual([expect.objectContaining({ Outcome: 'FAILED', Cause: 'refused', Runs: 1 })]);
    expect(JSON.stringify(refused.runs)).not.toContain('210987654321');
  });
});
