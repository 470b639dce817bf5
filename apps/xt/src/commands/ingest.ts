import type { CliContext } from '../context.js';
import { ENGINE } from './options.js';
import { defineCommand } from './spec.js';

export interface IngestArgs {
  spool: string;
  db: string;
  engine?: string | undefined;
  remove: boolean;
  json: boolean;
}

/**
 * `xt ingest SPOOL DB`: loads the fragments spool-mode trackers wrote into a database (created when
 * missing), exactly once; run it as often as you like, also while workers still write. Damaged
 * lines are listed on stderr and make the exit code 1.
 */
export async function ingestCommand(context: CliContext, args: IngestArgs): Promise<void> {
  const { ingest } = await import('@xetrack/core');
  const target = await context.openEngine(args.db, { engine: args.engine, write: true, create: true });
  try {
    const result = await ingest(args.spool, target.engine, { remove: args.remove });
    if (args.json) context.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else {
      const writing = result.incomplete.length;
      context.stdout.write(
        `Ingested ${result.rows} ${result.rows === 1 ? 'row' : 'rows'} from ${result.fragments} ${result.fragments === 1 ? 'fragment' : 'fragments'} into ${args.db}` +
          ` (${result.skipped} already there, ${result.finished} finished${args.remove ? ` and ${result.removed} removed` : ''}` +
          `${writing ? `, ${writing} ending in a line still being written` : ''}).\n`,
      );
    }
    for (const d of result.damaged) context.stderr.write(`damaged line in ${d.fragment} at byte ${d.offset}: ${d.reason}\n`);
    if (result.damaged.length > 0) {
      throw new Error(`${result.damaged.length} damaged ${result.damaged.length === 1 ? 'line was' : 'lines were'} passed over (listed above); every other row was ingested.`);
    }
  } finally {
    await target.close();
  }
}

export const spec = defineCommand<IngestArgs>({
  name: 'ingest',
  description: 'Load the rows spool-mode trackers appended to a spool directory into a database, exactly once',
  signature: 'ingest <spool> <db> [--remove]',
  options: (y) =>
    y
      .positional('spool', { type: 'string', describe: 'The spool directory (Tracker.open(db, { spool: DIR }))', demandOption: true })
      .positional('db', { type: 'string', describe: 'Database to write (created when missing)', demandOption: true })
      .option('engine', ENGINE)
      .option('remove', { type: 'boolean', default: false, describe: 'Delete each fragment once its writer closed it and it is all in the database' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON' }),
  run: ingestCommand,
});
