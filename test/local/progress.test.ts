import { ProgressPrinter } from '../../scripts/local/progress';

function printed(verbose: boolean, ...records: Parameters<ProgressPrinter['onLog']>[0][]): string[] {
  const lines: string[] = [];
  const printer = new ProgressPrinter((line) => lines.push(line.replace(/^\s+\d+\.\ds {2}/, '')), verbose);
  records.forEach((record) => printer.onLog(record));
  return lines;
}

const powertools = {
  timestamp: '2026-11-26T12:00:00.000Z',
  service: 'ecs-task-runner',
  sampling_rate: 0,
  function_request_id: 'f7a2',
};

describe('the progress lines of a local run', () => {
  it("shows every warning and error in one readable line, with its own fields but not Powertools' standard ones", () => {
    expect(
      printed(
        false,
        {
          level: 'WARN',
          message: 'DescribeTasks failed; polling on',
          ...powertools,
          error: 'ThrottlingException: Rate exceeded',
          consecutiveErrors: 2,
        },
        {
          level: 'ERROR',
          message: 'Unexpected error',
          ...powertools,
          error: 'TypeError: boom',
          stack: 'TypeError: boom\n    at x (index.mjs:1:1)',
        },
      ),
    ).toEqual([
      'warning: DescribeTasks failed; polling on — error: ThrottlingException: Rate exceeded; consecutiveErrors: 2',
      'error: Unexpected error — error: TypeError: boom',
    ]);
  });

  it('keeps a long field on the line, cut short', () => {
    const [line] = printed(false, { level: 'WARN', message: 'Slow', findings: `first line\n${'x'.repeat(1000)}` });

    expect(line).toMatch(/^warning: Slow — findings: first line x{380,}…$/);
    expect(line?.length).toBeLessThan(450);
  });

  it('with --verbose prints every record as the handler wrote it', () => {
    const record = { level: 'DEBUG', message: 'Polled tasks', ...powertools, tasks: [] };

    expect(printed(true, record)).toEqual([JSON.stringify(record)]);
    expect(printed(false, record)).toEqual([]);
  });
});

describe('the metrics the handler writes, in a local run', () => {
  const emf = JSON.stringify({
    _aws: {
      Timestamp: 0,
      CloudWatchMetrics: [
        {
          Namespace: 'ECSTaskRunner',
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
    Outcome: 'SUCCESS',
    Answers: 1,
    SecondsToAnswer: [3.5, 4],
  });

  it('shows an EMF line as its figures and dimensions, and other text as it is', () => {
    expect(printed(false, emf, 'plain text', '{"not":"emf"}')).toEqual([
      'metrics: Answers 1, SecondsToAnswer [3.5,4] (RequestType Create, Outcome SUCCESS)',
      'plain text',
      '{"not":"emf"}',
    ]);
  });

  it('shows the EMF line whole with --verbose', () => {
    expect(printed(true, emf)).toEqual([emf]);
  });
});
