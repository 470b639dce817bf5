import type { CliContext } from '../context.js';
import { parseValue } from './parse-value.js';
import { withReader, type TableArgs } from './table-args.js';

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
    const changed =
      args.whereKey === undefined
        ? await reader.setValue(args.key, value, scope)
        : await reader.setWhere(args.key, value, args.whereKey, parseValue(args.whereValue ?? 'null'), scope);
    context.stderr.write(`Set ${args.key} on ${changed} ${changed === 1 ? 'row' : 'rows'}.\n`);
  });
}
