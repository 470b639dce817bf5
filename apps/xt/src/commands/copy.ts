import { XetrackError, type ExportFormat, type RowConflict } from '@xetrack/core';
import type { CliContext } from '../context.js';
import { reportConflicts } from './conflict-report.js';
import { ENGINE } from './options.js';
import { progressBar } from './progress-bar.js';
import { defineCommand } from './spec.js';

export interface CopyArgs {
  source: string;
  target: string;
  table?: string[] | undefined;
  engine?: string | undefined;
  sourceEngine?: string | undefined;
  targetEngine?: string | undefined;
  assets: boolean;
  json: boolean;
}

/**
 * `xt copy DB rows.parquet`: a data file holds one table and is written whole, as `xt export` does
 * (atomically), never opened as a database (a SQLite file named `.parquet` would be a trap).
 */
async function exportInstead(context: CliContext, args: CopyArgs, format: ExportFormat): Promise<void> {
  let table = args.table?.[0];
  if ((args.table?.length ?? 0) > 1) throw new XetrackError('INVALID_ARGUMENT', `${args.target} is a data file, which holds one table: pass one --table.`);
  if (table === undefined) {
    const source = await context.openEngine(args.source, { engine: args.sourceEngine ?? args.engine });
    const tables = await source.engine.tables().finally(() => source.close());
    if (tables.length !== 1) {
      throw new XetrackError(
        'INVALID_ARGUMENT',
        `${args.target} is a data file, which holds one table, and ${args.source} has ${tables.length ? tables.map((t) => JSON.stringify(t)).join(', ') : 'none'}: pass --table NAME.`,
      );
    }
    table = tables[0]!;
  }
  const reader = await context.openReader(args.source, { engine: args.sourceEngine ?? args.engine, table, write: false });
  try {
    const count = await reader.exportTo(args.target, {}, format);
    context.stdout.write(
      args.json
        ? `${JSON.stringify({ exported: count, table, file: args.target, format }, null, 2)}\n`
        : `Exported ${count} ${count === 1 ? 'row' : 'rows'} of table ${JSON.stringify(table)} to ${args.target} (a data file holds one table: xt copy writes it as xt export does).\n`,
    );
  } finally {
    await reader.close();
  }
}

/**
 * `xt copy SOURCE TARGET`: copies tables between any two engines (chosen per side by extension or
 * flag). Rows the target has (same track_id and timestamp) are skipped, so a second copy copies 0.
 * With SQLite on both sides, the assets of `@xetrack/assets` are copied too (`--no-assets`: not).
 */
export async function copyCommand(context: CliContext, args: CopyArgs): Promise<void> {
  const { copy, dataFileFormat } = await import('@xetrack/core');
  const format = args.targetEngine === undefined && args.engine === undefined ? dataFileFormat(args.target) : undefined;
  if (format !== undefined) {
    await exportInstead(context, args, format);
    return;
  }
  const source = await context.openEngine(args.source, { engine: args.sourceEngine ?? args.engine });
  try {
    const target = await context.openEngine(args.target, { engine: args.targetEngine ?? args.engine, write: true, create: true });
    try {
      const bar = context.progress ? progressBar(context) : undefined;
      const conflicts: RowConflict[] = [];
      const result = await copy(source.engine, target.engine, { tables: args.table, onProgress: bar, onConflict: (c) => void (conflicts.length < 20 && conflicts.push(c)), assets: args.assets });
      bar?.({ table: '', done: 0, total: 0, copied: 0 }, true);
      const { assets } = result;
      const added = Object.values(result.tables).reduce((n, t) => n + t.columnsAdded, 0);
      context.stdout.write(
        args.json
          ? `${JSON.stringify(result, null, 2)}\n`
          : `Copied ${result.copied} ${result.copied === 1 ? 'row' : 'rows'} from ${args.source} to ${args.target}` +
              ` (${result.skipped - result.conflicts} already there${result.conflicts ? `, ${result.conflicts} in conflict` : ''}, ${added} ${added === 1 ? 'column' : 'columns'} added${assets ? `, ${assets} ${assets === 1 ? 'asset' : 'assets'}` : ''}).\n`,
      );
      reportConflicts(context, result.conflicts, conflicts);
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}

export const spec = defineCommand<CopyArgs>({
  name: 'copy',
  description: 'Copy tables between databases, any engines; rows the target has are skipped',
  signature: 'copy <source> <target> [--table T]',
  options: (y) =>
    y
      .positional('source', { type: 'string', describe: 'Database to read', demandOption: true })
      .positional('target', { type: 'string', describe: 'Database to write (created when missing)', demandOption: true })
      .option('table', { type: 'string', array: true, requiresArg: true, describe: 'A table to copy (repeatable; default: every table)' })
      .option('engine', { ...ENGINE, describe: 'Engine of both sides (default: what each location implies)' })
      .option('source-engine', { ...ENGINE, describe: 'Engine of the source' })
      .option('target-engine', { ...ENGINE, describe: 'Engine of the target' })
      .option('assets', { type: 'boolean', default: true, describe: 'Also copy @xetrack/assets between SQLite files (--no-assets: do not)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON' }),
  run: copyCommand,
});
