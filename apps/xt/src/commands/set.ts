import { columnNameFor, KEY_COLUMNS } from '@xetrack/core';
import type { CliContext } from '../context.js';
import { parseValue } from './parse-value.js';
import { withReader, type TableArgs } from './table-args.js';
import { UsageError } from '../usage-error.js';
import { tableOptions, TRACK_ID } from './options.js';
import { defineCommand } from './spec.js';

export interface SetArgs extends TableArgs {
  key: string;
  value: string;
  trackId?: string | undefined;
  whereKey?: string | undefined;
  whereValue?: string | undefined;
}

/**
 * `xt set DB KEY VALUE`: sets KEY on every row, on one run's rows (`--track-id`), or where
 * `--where-key` equals `--where-value` (the parser requires both together). VALUE and
 * `--where-value` are read as JSON when they parse, as text otherwise. A new KEY gets a column.
 */
export async function set(context: CliContext, args: SetArgs): Promise<void> {
  await withReader(context, args, true, async (reader) => {
    const value = parseValue(args.value);
    const scope = { trackId: args.trackId };
    const changed = args.whereKey === undefined ? await reader.setValue(args.key, value, scope) : await reader.setWhere(args.key, value, args.whereKey, parseValue(args.whereValue ?? 'null'), scope);
    context.stderr.write(`Set ${args.key} on ${changed} ${changed === 1 ? 'row' : 'rows'}.\n`);
  });
}

export const spec = defineCommand<SetArgs>({
  name: 'set',
  description: "Set a value on every row, one run's rows, or rows matching a condition (VALUE is read as JSON when it parses)",
  signature: 'set <db> <key> <value>',
  options: (y) =>
    tableOptions(y, false)
      .positional('key', { type: 'string', describe: 'Column to set (created when new)', demandOption: true })
      .positional('value', { type: 'string', describe: 'Value: JSON (0.5, true, null, "text") or plain text', demandOption: true })
      .option('track-id', { ...TRACK_ID, describe: "Only this run's rows" })
      .option('where-key', { type: 'string', requiresArg: true, describe: 'Only rows where this column…' })
      .option('where-value', { type: 'string', requiresArg: true, describe: '…equals this value (read like VALUE)' })
      .check((args) => {
        if (KEY_COLUMNS.includes(columnNameFor(String(args.key)).toLowerCase() as (typeof KEY_COLUMNS)[number])) {
          throw new UsageError(`xt set cannot change ${String(args.key)}: track_id and timestamp identify each row. Copy the rows with the values you want instead.`);
        }
        if ((args.whereKey === undefined) !== (args.whereValue === undefined)) {
          throw new UsageError('--where-key and --where-value go together: give both, e.g. --where-key epoch --where-value 2.');
        }
        return true;
      }),
  run: set,
});
