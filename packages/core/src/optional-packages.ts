import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ColumnSpec, Engine, Row } from './engine/contract.js';
import { messageOf, XetrackError, type XetrackErrorCode } from './errors.js';
import type { AssetStore } from './extensions/asset-store.js';
import type { FunctionCache } from './extensions/function-cache.js';

/**
 * Imports an optional xetrack package (an engine or an add-on) that the application installed.
 * Plain `import()` first; then resolution from the working directory and from the main script,
 * because with pnpm's strict layout a package the application installed is not visible from
 * core's own folder. A missing package is `code` (PACKAGE_NOT_FOUND, or ENGINE_NOT_FOUND for an
 * engine) with the command that installs it. `T` is the caller's view of the module: apps that
 * depend on the package pass `typeof import('…')`; core, which cannot, uses the loaders below.
 */
export async function importOptional<T = Record<string, unknown>>(specifier: string, what: string, code: XetrackErrorCode = 'PACKAGE_NOT_FOUND'): Promise<T> {
  try {
    return (await import(specifier)) as T;
  } catch (error) {
    if (!isModuleNotFound(error, specifier)) throw loadFailure(error, specifier, code);
  }
  const bases = [path.join(process.cwd(), 'index.js')];
  if (process.argv[1]) bases.push(process.argv[1]);
  for (const base of bases) {
    let resolved: string;
    try {
      resolved = createRequire(base).resolve(specifier);
    } catch {
      continue;
    }
    try {
      return (await import(pathToFileURL(resolved).href)) as T;
    } catch (error) {
      throw loadFailure(error, specifier, code);
    }
  }
  throw new XetrackError(code, `${what} needs ${specifier}, which is not installed: add it with \`pnpm add ${specifier}\` (or npm install ${specifier}).`);
}

/** What core uses of `@xetrack/cache`. */
export interface CachePackage {
  cacheStore(directory: string): FunctionCache;
}

/** An asset store as `@xetrack/assets` makes it, with what copy() needs beyond the tracker's view. */
export interface AssetsStoreLike extends AssetStore {
  attach(context: { engine: Engine; table: string }): void;
  copyFrom(other: AssetsStoreLike): Promise<number>;
  close(): Promise<void>;
}

/** What core uses of `@xetrack/assets`. */
export interface AssetsPackage {
  assetStore(options: { path: string; warnings?: boolean }): AssetsStoreLike;
}

/** What core uses of `@xetrack/git`. */
export interface GitPackage {
  gitCommitHash(root: string): Promise<string | undefined>;
}

/** Writes rows to a Parquet file (`@xetrack/engine-duckdb`'s writer); resolves the row count. */
export type ParquetWriter = (file: string, columns: ColumnSpec[], rows: AsyncIterable<Row>) => Promise<number>;

export const loadCache = (what: string): Promise<CachePackage> => loadPackage('@xetrack/cache', what, ['cacheStore']);
export const loadAssets = (what: string): Promise<AssetsPackage> => loadPackage('@xetrack/assets', what, ['assetStore']);
export const loadGit = (what: string): Promise<GitPackage> => loadPackage('@xetrack/git', what, ['gitCommitHash']);

export async function loadParquetWriter(what: string): Promise<ParquetWriter> {
  return (await loadPackage<{ writeParquet: ParquetWriter }>('@xetrack/engine-duckdb', what, ['writeParquet'])).writeParquet;
}

/** Imports `specifier` and checks that it has the functions core calls, so a stale version fails here, by name. */
async function loadPackage<T>(specifier: string, what: string, functions: readonly string[]): Promise<T> {
  const mod = await importOptional(specifier, what);
  const missing = functions.filter((name) => typeof mod[name] !== 'function');
  if (missing.length > 0) {
    throw new XetrackError('PACKAGE_NOT_FOUND', `The installed ${specifier} has no ${missing.join(', ')}: update it to the version of @xetrack/core.`);
  }
  return mod as T;
}

function isModuleNotFound(error: unknown, specifier: string): boolean {
  const code = (error as { code?: string } | null)?.code;
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && messageOf(error).includes(specifier);
}

function loadFailure(error: unknown, specifier: string, code: XetrackErrorCode): XetrackError {
  return new XetrackError(code, `${specifier} is installed but failed to load: ${messageOf(error)}. Reinstall it.`, { cause: error });
}
