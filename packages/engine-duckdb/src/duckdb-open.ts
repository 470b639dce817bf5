/**
 * Opening a database: the file checked before DuckDB sees it (DuckDB would open some non-database
 * files as an empty in-memory database and lose every row written), the instance shared per file
 * within the process, and the first connection.
 */
import { closeSync, mkdirSync, openSync, readSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { XetrackError } from '@xetrack/core/engine';
import { toXetrackError } from './duckdb-errors.js';
import { checkOptions, DEFAULT_STORAGE_VERSION, type DuckdbEngineOptions } from './duckdb-options.js';

const SQLITE_HEADER = 'SQLite format 3\0';

/** An open database and its first connection. */
export interface OpenedDatabase {
  /** The options as checked; `readonly` is forced on for an empty file opened by a reader. */
  options: Readonly<DuckdbEngineOptions>;
  /** The absolute file path, or `:memory:`. */
  location: string;
  instance: DuckDBInstance;
  connection: DuckDBConnection;
}

/** Opens (or, unless told not to, creates) the database and connects to it; XetrackError on failure. */
export async function openDatabase(options: DuckdbEngineOptions): Promise<OpenedDatabase> {
  const frozen = checkOptions(options);
  const memory = frozen.path === ':memory:';
  const location = memory ? ':memory:' : path.resolve(frozen.path);
  // an empty file read-only: a new database with nothing in it yet (what SQLite makes of it)
  const empty = !memory && prepareFile(location, frozen) === 'empty-read-only';
  const config: Record<string, string> = {
    // Known extensions would otherwise be fetched from the network on first use; fail fast instead.
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  };
  if (frozen.threads !== undefined) config.threads = String(frozen.threads);
  config.storage_compatibility_version = frozen.storageVersion ?? DEFAULT_STORAGE_VERSION;
  let instance: DuckDBInstance;
  try {
    instance = memory || empty ? await DuckDBInstance.create(':memory:', config) : await openShared(location, config, frozen.readonly === true);
  } catch (error) {
    throw toXetrackError(error, { location, action: 'open the database' });
  }
  let connection: DuckDBConnection;
  try {
    connection = await instance.connect();
  } catch (error) {
    instance.closeSync();
    throw toXetrackError(error, { location, action: 'connect' });
  }
  return { options: empty ? Object.freeze({ ...frozen, readonly: true }) : frozen, location, instance, connection };
}

/**
 * Readers never create a file; a writer creates the directory of a new one. A file must be a DuckDB
 * database ("DUCK" at byte 8): anything else (a Parquet, CSV or JSON file, a SQLite database) is
 * NOT_A_DATABASE and left untouched, where DuckDB itself would open some of them as an empty
 * in-memory database and lose every row written. An empty file is a new database, as for SQLite:
 * a writer replaces it with one; for a reader it is `'empty-read-only'`: an empty database, read-only.
 */
function prepareFile(location: string, options: Readonly<DuckdbEngineOptions>): 'ready' | 'empty-read-only' {
  const stat = statSync(location, { throwIfNoEntry: false });
  if (!stat) {
    if (options.readonly || options.fileMustExist) {
      throw new XetrackError('NOT_FOUND', `No DuckDB database at ${location}: check the path (a reader never creates a database).`);
    }
    try {
      mkdirSync(path.dirname(location), { recursive: true });
    } catch (error) {
      throw toXetrackError(error, { location, action: 'create the directory of the database' });
    }
    return 'ready';
  }
  if (stat.isDirectory()) {
    throw new XetrackError('NOT_A_DATABASE', `${location} is a directory, not a DuckDB database file: give the path of a file inside it.`);
  }
  if (stat.size === 0) {
    // a reader (readonly, fileMustExist) leaves it as it is: no table to read, nothing to write
    if (options.readonly || options.fileMustExist) return 'empty-read-only';
    try {
      unlinkSync(location); // DuckDB refuses an empty file; it creates the database in its place
    } catch (error) {
      throw toXetrackError(error, { location, action: 'replace the empty file with a new database' });
    }
    return 'ready';
  }
  const header = readHeader(location);
  if (header.subarray(8, 12).toString('latin1') === 'DUCK') return 'ready';
  throw notADatabase(location, header);
}

/** The first 16 bytes of a file (fewer when it is shorter). */
function readHeader(location: string): Buffer {
  const header = Buffer.alloc(16);
  let fd: number;
  try {
    fd = openSync(location, 'r');
  } catch (error) {
    throw toXetrackError(error, { location, action: 'open the database' });
  }
  try {
    return header.subarray(0, readSync(fd, header, 0, 16, 0));
  } finally {
    closeSync(fd);
  }
}

/** NOT_A_DATABASE for a file that is not a DuckDB database, saying what it looks like and what to do. */
function notADatabase(location: string, header: Buffer): XetrackError {
  if (header.toString('latin1') === SQLITE_HEADER) {
    return new XetrackError(
      'NOT_A_DATABASE',
      `${location} is a SQLite database, not a DuckDB one; it was left untouched. Open it with the sqlite engine (@xetrack/engine-sqlite), ` +
        'or from DuckDB with ATTACH ... (TYPE sqlite) where the sqlite extension can be installed.',
    );
  }
  const kind =
    header.subarray(0, 4).toString('latin1') === 'PAR1'
      ? 'a Parquet file'
      : `not a DuckDB database file (${DATA_FILE_KINDS[path.extname(location).toLowerCase()] ?? 'its first bytes are not a DuckDB header'})`;
  return new XetrackError(
    'NOT_A_DATABASE',
    `${location} is ${kind}; it was left untouched. A tracker or reader needs a DuckDB database (.duckdb): give another path. ` +
      'To write a table to a data file, export it (`xt export track.db runs.parquet`, `reader.exportTo()`); to read one, query it with read_parquet()/read_csv()/read_json() from a DuckDB database.',
  );
}

/** What a data file's extension says it is, for messages. */
const DATA_FILE_KINDS: Readonly<Record<string, string>> = {
  '.parquet': 'a Parquet file',
  '.csv': 'a CSV file',
  '.tsv': 'a TSV file',
  '.json': 'a JSON file',
  '.jsonl': 'a JSON lines file',
  '.ndjson': 'a JSON lines file',
};

/**
 * The instance for a file, shared with every other engine of this process that has it open: two
 * DuckDB instances on one file in one process do not see each other's writes and corrupt it, and
 * the file lock (per process) cannot stop them. A read-only engine on a file this process already
 * has open for writing shares that instance and enforces read-only itself.
 */
async function openShared(location: string, config: Record<string, string>, readonly: boolean): Promise<DuckDBInstance> {
  if (!readonly) return DuckDBInstance.fromCache(location, config);
  try {
    return await DuckDBInstance.fromCache(location, { ...config, access_mode: 'READ_ONLY' });
  } catch (error) {
    if (!/different configuration/i.test(error instanceof Error ? error.message : '')) throw error;
    return DuckDBInstance.fromCache(location, config);
  }
}
