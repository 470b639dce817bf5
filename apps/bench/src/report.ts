import type { Figure, Target } from './suite.js';

/** Numbers for people: thousands separators, a sensible number of digits. */
export function formatValue(value: number, unit: Figure['unit']): string {
  if (!Number.isFinite(value)) return String(value);
  if (unit === 'rows/s') return `${Math.round(value).toLocaleString('en-US')} rows/s`;
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${unit}`;
}

export function formatTarget(target: Target, unit: Figure['unit']): string {
  const op = target.op === '>=' ? '≥' : target.op === '<=' ? '≤' : '<';
  return target.of === 'ratio' ? `ratio ${op} ${target.value}` : `ours ${op} ${target.value} ${unit}`;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => [...r[c]!].length)));
  return rows.map((r) =>
    r
      .map((cell, c) => cell + ' '.repeat(widths[c]! - [...cell].length))
      .join('  ')
      .trimEnd(),
  );
}

/** The human-readable report: one line per figure, then what each baseline is. */
export function formatReport(figures: readonly Figure[], header: string, errors: readonly string[]): string {
  const lines = [header, ''];
  if (figures.length > 0) {
    lines.push(
      ...table([
        ['figure', 'ours', 'raw', 'ratio', 'target', '', 'cpu ratio'],
        ...figures.map((f) => [
          f.name,
          formatValue(f.ours, f.unit),
          formatValue(f.raw, f.unit),
          f.ratio.toFixed(2),
          formatTarget(f.target, f.unit),
          f.pass ? 'PASS' : 'MISS',
          f.cpu ? f.cpu.ratio.toFixed(2) : '-',
        ]),
      ]),
      '',
      ...table(figures.map((f) => [f.name, `${f.title} (n=${f.size.toLocaleString('en-US')}) vs ${f.baseline}`])),
      '',
      'ratio = ours / raw of the wall-clock medians (judged); cpu ratio = the same from CPU time (steadier on a busy machine).',
    );
  }
  for (const error of errors) lines.push(`ERROR ${error}`);
  return lines.join('\n');
}
