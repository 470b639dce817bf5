import { expect } from 'vitest';

export interface ParsedTable {
  header: string[];
  /** `left` for `:---`, `right` for `---:`. */
  align: ('left' | 'right')[];
  rows: string[][];
}

/** Reads a pipe table back (cells trimmed, `\|` unescaped), checking its shape on the way. */
export function parseMarkdown(text: string): ParsedTable {
  const lines = text.replace(/\n$/, '').split('\n');
  expect(lines.length, 'a header and a rule at least').toBeGreaterThanOrEqual(2);
  for (const line of lines) {
    expect(line.startsWith('| ') || line.startsWith('|:') || line.startsWith('|-'), line).toBe(true);
    expect(line.endsWith('|'), line).toBe(true);
  }
  const widths = new Set(lines.map((l) => l.length));
  expect(widths.size, 'every line equally long (ASCII content)').toBe(1);
  const split = (line: string) =>
    line
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((c) => c.trim().replace(/\\\|/g, '|'));
  const rule = split(lines[1]!);
  const align = rule.map((r) => {
    expect(r, 'rule cell').toMatch(/^(:-+|-+:)$/);
    return r.startsWith(':') ? ('left' as const) : ('right' as const);
  });
  return { header: split(lines[0]!), align, rows: lines.slice(2).map(split) };
}

/** The table's cells in one column, by header name. */
export function columnOf(table: ParsedTable, name: string): string[] {
  const index = table.header.indexOf(name);
  expect(index, `column ${name} in ${table.header.join(', ')}`).toBeGreaterThanOrEqual(0);
  return table.rows.map((r) => r[index] ?? '');
}
