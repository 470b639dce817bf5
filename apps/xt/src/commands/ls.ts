import type { CliContext } from '../context.js';
import { cellText } from '../format/cell-text.js';
import { jsonValue } from '../format/json-rows.js';
import { resolveColumn, rowsWith } from './columns-of.js';
import { printRows } from './print-rows.js';
import { withReader, type TableArgs } from './table-args.js';
import { UsageError } from '../usage-error.js';
import { tableOptions, TRACK_ID } from './options.js';
import { defineCommand } from './spec.js';

export interface LsArgs extends TableArgs {
  column?: string | undefined;
  unique: boolean;
  trackId?: string | undefined;
  json: boolean;
}

/**
 * `xt ls DB`: the column names, one per line. `xt ls DB COLUMN`: that column's values in timestamp
 * order (of one run with `--track-id`; each value once, in order of appearance, with `--unique`).
 */
export async function ls(context: CliContext, args: LsArgs): Promise<void> {
  await withReader(context, args, false, async (reader) => {
    if (args.column === undefined) {
      const names = await reader.columns();
      context.stdout.write(args.json ? `${jsonValue(names)}\n` : names.map((n) => `${n}\n`).join(''));
      return;
    }
    const { name } = await resolveColumn(reader, args.column);
    const seen = new Set<string>();
    const rows: Record<string, unknown>[] = [];
    for await (const row of rowsWith(reader, [name], args.trackId)) {
      const value = row[name];
      if (args.unique) {
        const key = `${typeof value}:${cellText(value)}`;
        if (seen.has(key)) continue;
        seen.add(key);
      }
      rows.push({ [name]: value });
    }
    printRows(context, [name], rows, args.json);
  });
}

export const spec = defineCommand<LsArgs>({
  name: 'ls',
  description: "Column names; or one column's values",
  signature: 'ls <db> [column]',
  options: (y) =>
    tableOptions(y)
      .positional('column', { type: 'string', describe: 'A column: list its values' })
      .option('unique', { type: 'boolean', default: false, describe: 'Each value once (in order of appearance)' })
      .option('track-id', TRACK_ID)
      .check((args) => {
        if (args.column === undefined && (args.unique === true || args.trackId !== undefined)) {
          throw new UsageError("--unique and --track-id list a column's values: name the column, e.g. xt ls DB model --unique.");
        }
        return true;
      }),
  run: ls,
});
