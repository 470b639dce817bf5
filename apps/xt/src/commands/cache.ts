import { existsSync, statSync } from 'node:fs';
import { importOptional, XetrackError } from '@xetrack/core';
import type { CliContext } from '../context.js';
import { printRows } from './print-rows.js';
import { JSON_FLAG } from './options.js';
import { defineCommand, defineGroup } from './spec.js';

export interface CacheLsArgs {
  /** The cache directory (what `Tracker.open(db, { cache: dir })` was given). */
  dir: string;
  json: boolean;
}

export interface CacheDeleteArgs {
  dir: string;
  trackId: string;
}

/** `@xetrack/cache`, loaded only when a cache command runs; a missing package says how to install it. */
async function cachePackage(): Promise<typeof import('@xetrack/cache')> {
  return importOptional<typeof import('@xetrack/cache')>('@xetrack/cache', 'xt cache');
}

/** A cache directory must exist: listing or deleting a mistyped path never creates one. */
function checkDirectory(dir: string): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new XetrackError('NOT_FOUND', `No cache directory at ${dir}: pass the directory given to Tracker.open(db, { cache: DIR }).`);
  }
}

/**
 * `xt cache ls DIR`: one line per cached call, oldest first: the run that computed it (track_id),
 * the function, when, the stored size and the key. Results are not read (they may be large).
 */
export async function cacheLs(context: CliContext, args: CacheLsArgs): Promise<void> {
  checkDirectory(args.dir);
  const { scanCache } = await cachePackage();
  const rows: Record<string, unknown>[] = [];
  const onWarning = (message: string) => context.stderr.write(`xt: warning: ${message}\n`);
  for await (const entry of scanCache(args.dir, { results: false, onWarning })) {
    rows.push({ track_id: entry.trackId, function: entry.functionName, created: entry.createdAt.toISOString(), bytes: entry.size, key: entry.key });
  }
  rows.sort((a, b) => String(a.created).localeCompare(String(b.created)) || String(a.key).localeCompare(String(b.key)));
  if (rows.length === 0 && !args.json) {
    context.stderr.write(`Cache ${args.dir} is empty.\n`);
    return;
  }
  printRows(context, ['track_id', 'function', 'created', 'bytes', 'key'], rows, args.json);
}

/** `xt cache delete DIR TRACK_ID`: deletes the entries that run computed; none is an error (a typo deletes nothing). */
export async function cacheDelete(context: CliContext, args: CacheDeleteArgs): Promise<void> {
  checkDirectory(args.dir);
  const { deleteCacheByTrackId } = await cachePackage();
  const deleted = await deleteCacheByTrackId(args.dir, args.trackId);
  if (deleted === 0) {
    throw new XetrackError('NOT_FOUND', `No cache entries of run ${JSON.stringify(args.trackId)} in ${args.dir}: nothing was deleted. List them with \`xt cache ls ${args.dir}\`.`);
  }
  context.stderr.write(`Deleted ${deleted} cache ${deleted === 1 ? 'entry' : 'entries'} for track_id '${args.trackId}'.\n`);
}

export const spec = defineGroup({
  name: 'cache',
  description: 'A function-result cache directory (@xetrack/cache): ls, delete',
  commands: [
    defineCommand<CacheLsArgs>({
      name: 'ls',
      description: 'One line per cached call: track_id, function, created, bytes, key',
      signature: 'ls <dir>',
      options: (y) => y.positional('dir', { type: 'string', describe: 'The cache directory (Tracker.open(db, { cache: DIR }))', demandOption: true }).option('json', JSON_FLAG),
      run: cacheLs,
    }),
    defineCommand<{ dir: string; track_id: string }>({
      name: 'delete',
      description: 'Delete the entries one run computed',
      signature: 'delete <dir> <track_id>',
      options: (y) =>
        y
          .positional('dir', { type: 'string', describe: 'The cache directory', demandOption: true })
          .positional('track_id', { type: 'string', describe: 'The run whose entries go', demandOption: true }),
      run: (context, args) => cacheDelete(context, { dir: String(args.dir), trackId: String(args.track_id) }),
    }),
  ],
});
