import type { CliContext } from '../context.js';
import { jsonRows } from '../format/json-rows.js';
import { markdownTable } from '../format/markdown.js';

/** Prints rows on stdout: a Markdown pipe table, or with `json` a JSON array (columns in table order). */
export function printRows(context: CliContext, columns: readonly string[], rows: readonly Record<string, unknown>[], json: boolean): void {
  context.stdout.write(`${json ? jsonRows(rows, columns) : markdownTable(columns, rows)}\n`);
}
