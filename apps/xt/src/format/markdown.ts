import { cellText } from './cell-text.js';
import { formatG } from './number-format.js';
import { textWidth } from './text-width.js';

/**
 * A pipe table as Python's tabulate prints it (what Python xetrack's `xt` shows), so it pastes
 * into Markdown: text columns left-aligned (`:---`), number columns right-aligned (`---:`) with
 * their decimal points lined up, floats in `g` style, NULL as an empty cell. Headers get two
 * columns of padding, as in tabulate.
 */
export function markdownTable(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const formatted = columns.map((column) =>
    formatColumn(
      column,
      rows.map((row) => row[column]),
    ),
  );
  const header = `| ${formatted.map((c) => pad(c.header, c.width, c.numeric)).join(' | ')} |`;
  const rule = `|${formatted.map((c) => (c.numeric ? `${'-'.repeat(c.width + 1)}:` : `:${'-'.repeat(c.width + 1)}`)).join('|')}|`;
  const body = rows.map((_, i) => `| ${formatted.map((c) => pad(c.cells[i] ?? '', c.width, c.numeric)).join(' | ')} |`);
  return [header, rule, ...body].join('\n');
}

interface FormattedColumn {
  header: string;
  cells: string[];
  numeric: boolean;
  width: number;
}

const MIN_PADDING = 2;

function formatColumn(column: string, values: unknown[]): FormattedColumn {
  const present = values.filter((v) => v !== null && v !== undefined);
  const numeric = present.length > 0 && present.every((v) => typeof v === 'bigint' || typeof v === 'number');
  const floats = numeric && present.some((v) => typeof v === 'number' && !Number.isInteger(v));
  let cells = values.map((v) => (v === null || v === undefined ? '' : floats && typeof v === 'number' ? formatG(v) : cellText(v)));
  if (numeric) cells = alignDecimals(cells);
  const header = cellText(column);
  const width = Math.max(textWidth(header) + MIN_PADDING, ...cells.map(textWidth));
  return { header, cells, numeric, width };
}

/** Pads each number on the right so the decimal points line up (tabulate's "decimal" alignment). */
function alignDecimals(cells: string[]): string[] {
  const decimals = cells.map(afterPoint);
  const most = Math.max(...decimals);
  return cells.map((cell, i) => cell + ' '.repeat(most - (decimals[i] ?? 0)));
}

function afterPoint(cell: string): number {
  if (!/^-?(\d+\.?\d*|\.\d+)(e[-+]\d+)?$|^-?(inf|nan)$/.test(cell) || /^-?\d+$/.test(cell)) return -1;
  const point = cell.lastIndexOf('.');
  const at = point >= 0 ? point : cell.toLowerCase().lastIndexOf('e');
  return at >= 0 ? cell.length - at - 1 : -1;
}

function pad(text: string, width: number, right: boolean): string {
  const fill = ' '.repeat(Math.max(0, width - textWidth(text)));
  return right ? fill + text : text + fill;
}
