import type { CopyProgress, Engine } from '@xetrack/core';
import type { CliContext } from '../context.js';
import { ENGINE } from './options.js';
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

/** Copies below this many rows draw no progress bar: they finish before one would be seen. */
const PROGRESS_FROM_ROWS = 20_000;

/**
 * `xt copy SOURCE TARGET`: copies tables between any two engines (chosen per side by extension or
 * flag). Rows the target has (same track_id and timestamp) are skipped, so a second copy copies 0.
 * With SQLite on both sides, the assets of `@xetrack/assets` are copied too (`--no-assets`: not).
 */
export async function copyCommand(context: CliContext, args: CopyArgs): Promise<void> {
  const { copy } = await import('@xetrack/core');
  const source = await context.openEngine(args.source, { engine: args.sourceEngine ?? args.engine });
  try {
    const target = await context.openEngine(args.target, { engine: args.targetEngine ?? args.engine, write: true, create: true });
    try {
      const bar = context.progress ? progressBar(context) : undefined;
      const result = await copy(source.engine, target.engine, { tables: args.table, onProgress: bar });
      bar?.({ table: '', done: 0, total: 0, copied: 0 }, true);
      const assets = args.assets ? await copyAssets(source.engine, target.engine, args) : 0;
      if (args.json) {
        context.stdout.write(`${JSON.stringify({ ...result, assets }, null, 2)}\n`);
        return;
      }
      const added = Object.values(result.tables).reduce((n, t) => n + t.columnsAdded, 0);
      context.stdout.write(
        `Copied ${result.copied} ${result.copied === 1 ? 'row' : 'rows'} from ${args.source} to ${args.target}` +
          ` (${result.skipped} already there, ${added} ${added === 1 ? 'column' : 'columns'} added${assets ? `, ${assets} ${assets === 1 ? 'asset' : 'assets'}` : ''}).\n`,
      );
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}

/** A progress bar on stderr, drawn in place; `finish` ends its line. */
function progressBar(context: CliContext): (p: CopyProgress, finish?: boolean) => void {
  let drawn = false;
  return (p, finish = false) => {
    if (finish) {
      if (drawn) context.stderr.write('\n');
      return;
    }
    if (p.total < PROGRESS_FROM_ROWS) return;
    const width = 30;
    const filled = Math.round((p.done / p.total) * width);
    const percent = Math.floor((p.done / p.total) * 100);
    context.stderr.write(`\r${p.table} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${percent}% ${p.done}/${p.total} rows`);
    drawn = true;
  };
}

/**
 * Copies the asset store between two SQLite files, when the source has one. The source's asset
 * table is only read: a source without one is left untouched.
 */
async function copyAssets(source: Engine, target: Engine, args: CopyArgs): Promise<number> {
  if (source.name !== 'sqlite' || target.name !== 'sqlite' || !source.sql) return 0;
  const found = await source.sql(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'xetrack_assets'`);
  if (found.length === 0) return 0;
  const { importOptional } = await import('@xetrack/core');
  const mod = await importOptional('@xetrack/assets', 'Copying assets (--no-assets skips them)');
  type Store = { copyFrom(other: Store): Promise<number>; close(): Promise<void> };
  const open = mod.assetStore as (options: { path: string; warnings: boolean }) => Store;
  const from = open({ path: args.source, warnings: false });
  const to = open({ path: args.target, warnings: false });
  try {
    return await to.copyFrom(from);
  } finally {
    await from.close();
    await to.close();
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
