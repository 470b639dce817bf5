import { XetrackError } from '@xetrack/core';
import type { CliContext } from '../context.js';
import { withReader, type TableArgs } from './table-args.js';

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
