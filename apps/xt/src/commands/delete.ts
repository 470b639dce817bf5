import { XetrackError } from '@xetrack/core';
import type { CliContext } from '../context.js';
import { withReader, type TableArgs } from './table-args.js';
import { tableOptions } from './options.js';
import { defineCommand } from './spec.js';

export interface DeleteArgs extends TableArgs {
  trackId: string;
}

/** `xt delete DB TRACK_ID`: deletes every row of one run; a run that is not there is an error (a typo deletes nothing). */
export async function deleteRun(context: CliContext, args: DeleteArgs): Promise<void> {
  await withReader(context, args, true, async (reader) => {
    const deleted = await reader.deleteRun(args.trackId);
    if (deleted === 0) {
      throw new XetrackError('NOT_FOUND', `No run ${JSON.stringify(args.trackId)} in table ${JSON.stringify(reader.table)}: nothing was deleted. List the runs with \`xt runs ${args.db}\`.`);
    }
    context.stderr.write(`Deleted ${deleted} ${deleted === 1 ? 'row' : 'rows'} of run ${args.trackId}.\n`);
  });
}

export const spec = defineCommand<Omit<DeleteArgs, 'trackId'> & { track_id: string }>({
  name: 'delete',
  description: 'Delete every row of a run',
  signature: 'delete <db> <track_id>',
  options: (y) => tableOptions(y, false).positional('track_id', { type: 'string', describe: 'The run to delete', demandOption: true }),
  run: (context, args) => deleteRun(context, { ...args, trackId: String(args.track_id) }),
});
