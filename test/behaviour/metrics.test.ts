import { DescribeTasksCommand } from '@aws-sdk/client-ecs';
import { InvocationMetrics } from '../../src/runtime/metrics';
import { ecsTask, mockedAws, stoppedTask, stubHappyPath } from '../support/aws-mocks';
import { fixtures } from '../support/fixtures';
import { invokeWith } from '../support/invoke';

const aws = mockedAws();
const invoke = invokeWith(aws.ports);

beforeEach(() => stubHappyPath(aws));

/** Runs one invocation with metrics as the handler records them, returning the EMF documents it wrote. */
async function metricsOf(event: unknown, options: Parameters<typeof invoke>[1] = {}) {
  const lines: string[] = [];
  const metrics = new InvocationMetrics({
    service: 'ecs-task-runner',
    write: (line) => lines.push(line),
    now: () => Date.now(),
  });
  const result = await invoke(event, { ...options, metrics });
  await metrics.flush();
  return { ...result, documents: lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('metrics of a request', () => {
  it('count an answer by request type and outcome, with the seconds since CloudFormation sent the request', async () => {
    const { response, documents, clock } = await metricsOf(fixtures.create());
    expect(response?.Status).toBe('SUCCESS');
    // The fixtures' ResponseURL was signed at 12:00:00, when the fake clock starts.
    const seconds = (clock.now() - Date.UTC(2026, 10, 25, 12, 0, 0)) / 1000;
    expect(documents).toEqual([
      expect.objectContaining({ RequestType: 'Create', Outcome: 'SUCCESS', Answers: 1, SecondsToAnswer: seconds }),
      expect.objectContaining({ Outcome: 'SUCCESS', Cause: 'succeeded', Runs: 1, StartRetries: 0 }),
    ]);
    expect(seconds).toBeGreaterThan(0);
  });

  it('count a failed run as FAILED', async () => {
    aws.ecs
      .on(DescribeTasksCommand)
      .resolvesOnce({ tasks: [ecsTask()] })
      .resolves({ tasks: [stoppedTask(1)] });
    const { documents } = await metricsOf(fixtures.update());
    expect(documents).toEqual([
      expect.objectContaining({ RequestType: 'Update', Outcome: 'FAILED', Answers: 1 }),
      expect.objectContaining({ Outcome: 'FAILED', Cause: 'task-failed', Runs: 1 }),
    ]);
  });

  it('count a hand-off, and no answer, when the invocation hands the run on', async () => {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask()] });
    const { puts, documents } = await metricsOf(fixtures.create(), { budgetMs: 120_000 });
    expect(puts).toHaveLength(0);
    expect(documents).toEqual([
      {
        _aws: expect.objectContaining({
          CloudWatchMetrics: [expect.objectContaining({ Dimensions: [['service', 'RequestType']] })],
        }) as unknown,
        service: 'ecs-task-runner',
        RequestType: 'Create',
        HandOffs: 1,
      },
    ]);
  });

  it('count an event refused before anything ran, without naming what it named', async () => {
    const event = fixtures.create();
    event.ResponseURL = 'https://attackers-bucket.s3.amazonaws.com/loot?X-Amz-Signature=abc';
    const { documents } = await metricsOf(event);
    expect(documents).toEqual([expect.objectContaining({ Refused: 'ResponseURL', RefusedEvents: 1 })]);
    expect(JSON.stringify(documents)).not.toContain('attackers');
  });
});
