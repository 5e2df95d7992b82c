/** The benchmark's table of figures and what it concludes from them. */

export interface Row {
  figure: string;
  value: string;
  target: string;
  /** null: a figure without a target. */
  met: boolean | null;
}

export function row(figure: string, value: string, target = '—', met: boolean | null = null): Row {
  return { figure, value, target, met };
}

export function markdownTable(list: Row[]): string {
  const cells = list.map((entry) => [
    entry.figure,
    entry.value,
    entry.target,
    entry.met === null ? '—' : entry.met ? 'yes' : '**no**',
  ]);
  const header = ['Figure', 'Value', 'Target', 'Met'];
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((cell) => (cell[i] ?? '').length)));
  const line = (cell: string[]): string => `| ${cell.map((value, i) => value.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}

/**
 * The run's exit code and closing lines: 1 when a target was missed or something went wrong in the runs (the
 * figures then are not what the handler does), 0 otherwise.
 */
export function verdict(rows: Row[], problems: string[]): { exitCode: 0 | 1; lines: string[] } {
  const missed = rows.filter((candidate) => candidate.met === false);
  const lines = [
    ...(missed.length > 0
      ? [
          `Missed: ${missed.map((candidate) => `${candidate.figure.trim()} (${candidate.value}, target ${candidate.target})`).join('; ')}`,
        ]
      : []),
    ...(problems.length > 0 ? [`Problems:\n  ${problems.join('\n  ')}`] : []),
  ];
  return { exitCode: missed.length > 0 || problems.length > 0 ? 1 : 0, lines };
}
