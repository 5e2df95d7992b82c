import { InvocationMetrics, METRICS_NAMESPACE } from '../../src/runtime/metrics';

// CloudWatch takes EMF timestamps of the last 14 days only (Powertools warns otherwise): a recent, fixed instant.
const NOW = Date.now() - 60_000;

function recorder() {
  const lines: string[] = [];
  const metrics = new InvocationMetrics({
    service: 'ecs-task-runner',
    write: (line) => lines.push(line),
    now: () => NOW,
  });
  return { metrics, documents: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe("the runner's metrics as embedded metric format", () => {
  it('writes one EMF document per set of dimensions when the invocation ends, field by field', async () => {
    const { metrics, documents } = recorder();
    metrics.add('Answers', 1, { RequestType: 'Create', Outcome: 'FAILED' });
    metrics.add('SecondsToAnswer', 42.5, { RequestType: 'Create', Outcome: 'FAILED' });
    expect(documents()).toEqual([]);

    await metrics.flush();
    expect(documents()).toEqual([
      {
        _aws: {
          Timestamp: NOW,
          CloudWatchMetrics: [
            {
              Namespace: METRICS_NAMESPACE,
              Dimensions: [['service', 'RequestType', 'Outcome']],
              Metrics: [
                { Name: 'Answers', Unit: 'Count' },
                { Name: 'SecondsToAnswer', Unit: 'Seconds' },
              ],
            },
          ],
        },
        service: 'ecs-task-runner',
        RequestType: 'Create',
        Outcome: 'FAILED',
        Answers: 1,
        SecondsToAnswer: 42.5,
      },
    ]);
    expect(METRICS_NAMESPACE).toBe('ECSTaskRunner');
  });

  it('adds up counts of one set, keeps each duration, and separates sets however their dimensions are ordered', async () => {
    const { metrics, documents } = recorder();
    metrics.add('HandOffs', 1, { RequestType: 'Update' });
    metrics.add('SecondsToAnswer', 3, { Outcome: 'SUCCESS', RequestType: 'Create' });
    metrics.add('HandOffs', 1, { RequestType: 'Update' });
    metrics.add('SecondsToAnswer', 5, { RequestType: 'Create', Outcome: 'SUCCESS' });
    await metrics.flush();

    const [handOffs, answers] = documents();
    expect(handOffs).toMatchObject({ RequestType: 'Update', HandOffs: 2 });
    expect(answers).toMatchObject({ RequestType: 'Create', Outcome: 'SUCCESS', SecondsToAnswer: [3, 5] });
    expect(documents()).toHaveLength(2);
  });

  it('writes nothing when nothing was recorded, and nothing twice', async () => {
    const { metrics, documents } = recorder();
    await metrics.flush();
    expect(documents()).toEqual([]);
    metrics.add('RefusedEvents', 1, { Refused: 'ResponseURL' });
    await metrics.flush();
    await metrics.flush();
    expect(documents()).toHaveLength(1);
  });
});
