import path from 'node:path';
import type { Engine, MergeConflict, MergeProgress } from '@xetrack/core';
import type { CliContext, OpenedEngine } from '../context.js';
import { reportConflicts } from './conflict-report.js';
import { ENGINE } from './options.js';
import { progressBar } from './progress-bar.js';
import { defineCommand } from './spec.js';

export interface MergeArgs {
  target: string;
  source: string[];
  table?: string[] | undefined;
  engine?: string | undefined;
  sourceEngine?: string | undefined;
  targetEngine?: string | undefined;
  provenance?: string | undefined;
  assets: boolean;
  json: boolean;
}

/**
 * `xt merge TARGET SOURCE...`: merges many stores, any engines, into one (created when missing).
 * A row is keyed by track_id and timestamp, so merging again adds nothing; a row the target holds
 * with other values is listed and kept, and the command then exits 1. `--provenance COLUMN` names
 * each row's source store; SQLite sources' assets are carried into a SQLite target.
 */
export async function mergeCommand(context: CliContext, args: MergeArgs): Promise<void> {
  const { merge } = await import('@xetrack/core');
  const sources: OpenedEngine[] = [];
  try {
    for (const source of args.source) sources.push(await context.openEngine(source, { engine: args.sourceEngine ?? args.engine }));
    const target = await context.openEngine(args.target, { engine: args.targetEngine ?? args.engine, write: true, create: true });
    try {
      const engines: Engine[] = sources.map((s) => s.engine);
      const bar = context.progress ? progressBar<MergeProgress>(context, (p) => `${path.basename(p.source)} ${p.table}`) : undefined;
      const conflicts: MergeConflict[] = [];
      const result = await merge(target.engine, engines, {
        tables: args.table,
        provenance: args.provenance === '' ? true : args.provenance,
        assets: args.assets,
        onProgress: bar,
        onConflict: (c) => void (conflicts.length < 20 && conflicts.push(c)),
      });
      bar?.({ table: '', done: 0, total: 0, copied: 0, source: '', sourceIndex: 0, sources: 0 }, true);
      const { conflictRows: _listed, ...summary } = result;
      const { assets } = result;
      context.stdout.write(
        args.json
          ? `${JSON.stringify(summary, null, 2)}\n`
          : `Merged ${result.copied} ${result.copied === 1 ? 'row' : 'rows'} from ${args.source.length} ${args.source.length === 1 ? 'store' : 'stores'} into ${args.target}` +
              ` (${result.skipped - result.conflicts} already there${result.conflicts ? `, ${result.conflicts} in conflict` : ''}${assets ? `, ${assets} ${assets === 1 ? 'asset' : 'assets'}` : ''}).\n`,
      );
      reportConflicts(context, result.conflicts, conflicts);
    } finally {
      await target.close();
    }
  } finally {
    for (const source of sources) await source.close();
  }
}

export const spec = defineCommand<MergeArgs>({
  name: 'merge',
  description: 'Merge many stores, any engines, into one; a row is there once, conflicts are listed and kept',
  signature: 'merge <target> <source..> [--provenance COLUMN]',
  options: (y) =>
    y
      .positional('target', { type: 'string', describe: 'Database to write (created when missing)', demandOption: true })
      .positional('source', { type: 'string', array: true, describe: 'Databases to read', demandOption: true })
      .option('table', { type: 'string', array: true, requiresArg: true, describe: 'A table to merge (repeatable; default: every table)' })
      .option('engine', { ...ENGINE, describe: 'Engine of every store (default: what each location implies)' })
      .option('source-engine', { ...ENGINE, describe: 'Engine of the sources' })
      .option('target-engine', { ...ENGINE, describe: 'Engine of the target' })
      .option('provenance', { type: 'string', describe: 'Add a text column (default name source_store) naming the store each row came from' })
      .option('assets', { type: 'boolean', default: true, describe: 'Also carry @xetrack/assets from SQLite sources into a SQLite target (--no-assets: do not)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON' }),
  run: mergeCommand,
});
