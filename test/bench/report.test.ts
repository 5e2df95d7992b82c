import { markdownTable, row, verdict } from '../../bench/report';

describe("the benchmark's verdict", () => {
  const met = [row('Completion latency p95', '2.55 s', '≤ 3.00 s', true), row('Completion latency p50', '1.28 s')];

  it('exits 0 when every target is met and the runs went right', () => {
    expect(verdict(met, [])).toEqual({ exitCode: 0, lines: [] });
  });

  it('exits non-zero when a target is missed, naming the figure, its value and the target', () => {
    const rows = [...met, row('Cold import ratio bundle / baseline (import only)', '0.1620', '≤ 0.15', false)];

    expect(verdict(rows, [])).toEqual({
      exitCode: 1,
      lines: ['Missed: Cold import ratio bundle / baseline (import only) (0.1620, target ≤ 0.15)'],
    });
  });

  it('exits non-zero when a run went wrong, even with every target met', () => {
    expect(verdict(met, ['short-03: answered FAILED: boom'])).toEqual({
      exitCode: 1,
      lines: ['Problems:\n  short-03: answered FAILED: boom'],
    });
  });

  it('shows a missed target as **no** in the table', () => {
    expect(markdownTable([row('Hand-offs', '1', '0', false)]).split('\n')[2]).toBe(
      '| Hand-offs | 1     | 0      | **no** |',
    );
  });
});
