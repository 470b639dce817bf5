import { XetrackError } from '@xetrack/core/engine';

/** Options of the DuckDB engine. */
export interface DuckdbEngineOptions {
  /** A native DuckDB file (`.duckdb`), or `:memory:`. A new file's directory is created. */
  path: string;
  /** Open for reading only: every write rejects with READ_ONLY and the file is never created. */
  readonly?: boolean;
  /** Fail with NOT_FOUND instead of creating the file when it is missing. */
  fileMustExist?: boolean;
  /** DuckDB worker threads (default: one per core). Engines sharing a file in one process must agree. */
  threads?: number;
  /**
   * DuckDB's `storage_compatibility_version` for files this engine creates. Default `v1.5.0`, the
   * first with VARIANT columns, which let a column keep a later value of another type as given;
   * files then open in DuckDB 1.5 or later only. `v1.0.0` makes files older DuckDB versions open,
   * and such a value is rejected (INVALID_VALUE) instead. Existing files keep their version.
   */
  storageVersion?: string;
}

/** The storage version of new files: the first with VARIANT columns (see `storageVersion`). */
export const DEFAULT_STORAGE_VERSION = 'v1.5.0';

/** The options checked (INVALID_ARGUMENT otherwise) and copied into a frozen object, so later changes to the caller's object change nothing. */
export function checkOptions(options: DuckdbEngineOptions): Readonly<DuckdbEngineOptions> {
  if (typeof options !== 'object' || options === null || typeof options.path !== 'string' || options.path === '') {
    throw new XetrackError('INVALID_ARGUMENT', 'The DuckDB engine needs `path`: a .duckdb file or ":memory:", e.g. duckdbEngine.create({ path: "track.duckdb" }).');
  }
  if (options.threads !== undefined && !(Number.isInteger(options.threads) && options.threads >= 1)) {
    throw new XetrackError('INVALID_ARGUMENT', `\`threads\` must be a positive integer, got ${String(options.threads)}: omit it to use one thread per core.`);
  }
  if (options.path === ':memory:' && options.readonly) {
    throw new XetrackError('INVALID_ARGUMENT', 'An in-memory DuckDB database cannot be read-only (it starts empty): drop `readonly` or give a file path.');
  }
  if (options.storageVersion !== undefined && !(typeof options.storageVersion === 'string' && /^(v\d+\.\d+\.\d+|latest)$/.test(options.storageVersion))) {
    throw new XetrackError('INVALID_ARGUMENT', `\`storageVersion\` must look like "v1.5.0" (or be "latest"), got ${JSON.stringify(options.storageVersion)}.`);
  }
  const frozen: DuckdbEngineOptions = { path: options.path };
  if (options.storageVersion !== undefined) frozen.storageVersion = options.storageVersion;
  if (options.readonly !== undefined) frozen.readonly = options.readonly;
  if (options.fileMustExist !== undefined) frozen.fileMustExist = options.fileMustExist;
  if (options.threads !== undefined) frozen.threads = options.threads;
  return Object.freeze(frozen);
}
