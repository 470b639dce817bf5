import { writeFileSync } from 'node:fs';
import { importOptional, XetrackError } from '@xetrack/core';
import type { CliContext } from '../context.js';
import { jsonValue } from '../format/json-rows.js';
import { printRows } from './print-rows.js';
import { db, ENGINE, JSON_FLAG, wholeNumber } from './options.js';
import { defineCommand, defineGroup } from './spec.js';

interface AssetsArgs {
  db: string;
  engine?: string | undefined;
}

export interface AssetsLsArgs extends AssetsArgs {
  json: boolean;
}

export interface AssetsExportArgs extends AssetsArgs {
  /** A hash, or a column name (its last logged asset). */
  asset: string;
  output: string;
}

export interface AssetsDeleteArgs extends AssetsArgs {
  hash: string;
  /** Also set this column to NULL in the rows that held the hash. */
  column?: string | undefined;
}

export interface AssetsGcArgs extends AssetsArgs {
  /** Keep unreferenced assets put less than this many ms ago (the store's default when absent). */
  graceMs?: number | undefined;
  json: boolean;
}

type Assets = typeof import('@xetrack/assets');
type AssetStore = import('@xetrack/assets').KeyvAssetStore;

/**
 * Runs `use` with the asset store of the SQLite file `db` (attached to its engine) and closes both.
 * A file without our asset table has no assets: `empty` answers then, and the file is left as it
 * was (opening the store would create the table).
 */
async function withAssets<T>(context: CliContext, args: AssetsArgs, write: boolean, empty: () => T, use: (store: AssetStore) => Promise<T>): Promise<T> {
  const opened = await context.openEngine(args.db, { engine: args.engine, write });
  try {
    const { engine } = opened;
    if (engine.name !== 'sqlite' || !engine.sql) {
      throw new XetrackError('INVALID_ARGUMENT', `xt assets reads the assets @xetrack/assets keeps in a SQLite file; ${args.db} uses the ${engine.name} engine.`);
    }
    const pkg = await importOptional<Assets>('@xetrack/assets', 'xt assets');
    const tables = new Set((await engine.sql("SELECT name FROM sqlite_master WHERE type = 'table'")).map((r) => String(r.name)));
    if (!tables.has(pkg.DEFAULT_TABLE)) {
      if (tables.has('assets') && tables.has('keys')) {
        context.stderr.write(`xt: ${args.db} holds Python xetrack assets (Python pickles, tables assets/keys/counts): read them with Python xetrack.\n`);
      }
      return empty();
    }
    const store = pkg.assetStore({ path: args.db, onWarning: (message) => context.stderr.write(`xt: warning: ${message}\n`) });
    try {
      store.attach({ engine, table: 'default' });
      return await use(store);
    } finally {
      await store.close();
    }
  } finally {
    await opened.close();
  }
}

/** `xt assets ls DB`: every asset, oldest first: hash, serializer, size, stored bytes, references, the columns whose last asset it is. */
export async function assetsLs(context: CliContext, args: AssetsLsArgs): Promise<void> {
  const columns = ['hash', 'serializer', 'bytes', 'stored_bytes', 'count', 'columns', 'created'];
  const rows = await withAssets(
    context,
    args,
    false,
    () => [],
    async (store) =>
      (await store.list()).map((a) => ({
        hash: a.hash,
        serializer: a.serializer,
        bytes: a.size,
        stored_bytes: a.storedBytes,
        count: a.count,
        columns: a.columns.join(', '),
        created: new Date(a.created).toISOString(),
      })),
  );
  if (rows.length === 0 && !args.json) {
    context.stderr.write(`No assets in ${args.db}.\n`);
    return;
  }
  printRows(context, columns, rows, args.json);
}

/**
 * `xt assets export DB ASSET OUTPUT`: writes the asset's serialized bytes (decompressed) to OUTPUT:
 * a logged Uint8Array's own bytes, else its serializer's output (`v8`: node:v8 serialization).
 */
export async function assetsExport(context: CliContext, args: AssetsExportArgs): Promise<void> {
  const notFound = () => new XetrackError('NOT_FOUND', `Asset ${args.asset} not found in ${args.db}: list the assets with \`xt assets ls ${args.db}\`.`);
  await withAssets(
    context,
    args,
    false,
    () => {
      throw notFound();
    },
    async (store) => {
      const hash = (await store.columns())[args.asset] ?? args.asset;
      const found = await store.serialized(hash);
      if (!found) throw notFound();
      writeFileSync(args.output, found.data);
      context.stderr.write(`Asset ${hash} saved to ${args.output} (${found.data.byteLength} bytes, serializer ${found.record.serializer}).\n`);
    },
  );
}

/** `xt assets delete DB HASH [--column C]`: deletes the asset whatever its count; with --column, sets C to NULL where it held the hash. */
export async function assetsDelete(context: CliContext, args: AssetsDeleteArgs): Promise<void> {
  const notFound = () => new XetrackError('NOT_FOUND', `No asset ${args.hash} in ${args.db}: nothing was deleted. List the assets with \`xt assets ls ${args.db}\`.`);
  await withAssets(
    context,
    args,
    true,
    () => {
      throw notFound();
    },
    async (store) => {
      const options = args.column === undefined ? {} : { column: args.column };
      if (!(await store.removeHash(args.hash, options))) throw notFound();
      const cleared = args.column === undefined ? '' : `, and set ${args.column} to NULL where it held it`;
      context.stderr.write(`Deleted asset ${args.hash}${cleared}.\n`);
    },
  );
}

/** `xt assets gc DB`: deletes the assets no row of any table references; prints what it freed. */
export async function assetsGc(context: CliContext, args: AssetsGcArgs): Promise<void> {
  const options = args.graceMs === undefined ? {} : { graceMs: args.graceMs };
  const result = await withAssets(
    context,
    args,
    false,
    () => ({ removed: 0, bytes: 0, kept: 0 }),
    (store) => store.gc(options),
  );
  if (args.json) {
    context.stdout.write(`${jsonValue(result)}\n`);
    return;
  }
  const kept = result.kept > 0 ? ` Kept ${result.kept} unreferenced ${result.kept === 1 ? 'asset' : 'assets'} put in the last ${args.graceMs ?? 60_000} ms (--grace-ms 0 frees them too).` : '';
  context.stderr.write(`Removed ${result.removed} ${result.removed === 1 ? 'asset' : 'assets'}, freed ${result.bytes} bytes.${kept}\n`);
}

export const spec = defineGroup({
  name: 'assets',
  description: 'Assets stored in a SQLite file (@xetrack/assets): ls, export, delete, gc',
  commands: [
    defineCommand<AssetsLsArgs>({
      name: 'ls',
      description: 'Every asset: hash, serializer, sizes, references, columns',
      signature: 'ls <db>',
      options: (y) => db(y).option('engine', ENGINE).option('json', JSON_FLAG),
      run: assetsLs,
    }),
    defineCommand<AssetsExportArgs>({
      name: 'export',
      description: "Write an asset's serialized bytes (a logged Uint8Array: its own bytes) to a file",
      signature: 'export <db> <asset> <output>',
      options: (y) =>
        db(y)
          .option('engine', ENGINE)
          .positional('asset', { type: 'string', describe: 'A hash, or a column name (its last asset)', demandOption: true })
          .positional('output', { type: 'string', describe: 'File to write', demandOption: true }),
      run: assetsExport,
    }),
    defineCommand<AssetsDeleteArgs>({
      name: 'delete',
      description: 'Delete an asset, whatever its reference count',
      signature: 'delete <db> <hash> [--column C]',
      options: (y) =>
        db(y)
          .option('engine', ENGINE)
          .positional('hash', { type: 'string', describe: 'The asset hash (16 hex characters)', demandOption: true })
          .option('column', { type: 'string', requiresArg: true, describe: 'Also set this column to NULL where it held the hash' }),
      run: assetsDelete,
    }),
    defineCommand<AssetsGcArgs>({
      name: 'gc',
      description: 'Delete the assets no row of any table references',
      signature: 'gc <db> [--grace-ms N]',
      options: (y) =>
        db(y)
          .option('engine', ENGINE)
          .option('grace-ms', {
            type: 'string',
            requiresArg: true,
            coerce: wholeNumber('grace-ms', 0, 2 ** 31 - 1),
            describe: 'Keep unreferenced assets put less than this many ms ago (default 60000)',
          })
          .option('json', JSON_FLAG),
      run: assetsGc,
    }),
  ],
});
