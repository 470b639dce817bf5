import { closeSync, fsyncSync, ftruncateSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { KEY_COLUMNS, type ColumnSpec, type Engine } from '../engine/contract.js';
import { messageOf, XetrackError } from '../errors.js';
import { encodeRow, fragmentName, SPOOL_VERSION, type SpoolLine } from './spool-lines.js';

export interface SpoolOptions {
  /** The spool directory (created when missing), e.g. on a filesystem every worker mounts. */
  dir: string;
  /** fsync after every write, so a resolved row survives the machine's crash too, not only the process's (slower). */
  fsync?: boolean;
  /** On `close()`, ingest the whole spool into the tracker's database (see `ingest()`). */
  ingestOnClose?: boolean;
}

/**
 * The engine of a spool-mode tracker: every insert appends one line to this process's own
 * fragment file in the spool directory, with a single `write` on a file opened O_APPEND, so a
 * batch is all there or absent and no lock is shared with any other process or host. The schema is
 * kept in memory (as the log-only engine does) and written as lines before the rows that need it.
 * Rows are read back only once ingested into a database: reads here return nothing.
 */
export function spoolEngine(options: SpoolOptions): Engine {
  try {
    mkdirSync(options.dir, { recursive: true });
  } catch (error) {
    throw new XetrackError('NOT_FOUND', `Cannot create the spool directory ${options.dir}: ${messageOf(error)}. Check the path and its permissions.`, { cause: error });
  }
  const file = path.join(options.dir, fragmentName());
  const fd = openSync(file, 'ax'); // O_APPEND | O_CREAT | O_EXCL: a fresh file of our own
  let size = 0;
  let closed = false;
  const tables = new Map<string, ColumnSpec[]>();

  /** Appends complete lines; a failed write is cut back, so the file never holds half a line. */
  const append = (lines: SpoolLine[]) => {
    if (closed) throw new XetrackError('CLOSED', `The spool fragment ${file} is closed: open a new tracker.`);
    const data = Buffer.from(lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
    let written = 0;
    try {
      while (written < data.length) written += writeSync(fd, data, written);
      if (options.fsync) fsyncSync(fd);
    } catch (error) {
      try {
        ftruncateSync(fd, size);
      } catch {
        // the original error says what happened
      }
      const code = (error as NodeJS.ErrnoException).code === 'ENOSPC' || (error as NodeJS.ErrnoException).code === 'EDQUOT' ? 'STORAGE_FULL' : 'ENGINE_FAILURE';
      throw new XetrackError(code, `Could not append to the spool fragment ${file}: ${messageOf(error)}. Nothing of this write was kept; free space (or fix the mount) and log again.`, {
        cause: error,
      });
    }
    size += data.length;
  };
  append([{ spool: SPOOL_VERSION, host: hostname(), pid: process.pid, created: new Date().toISOString() }]);

  const readOnlyFails = (what: string) => async (): Promise<number> => {
    throw new XetrackError('INVALID_ARGUMENT', `A spool only appends rows: ${what} after ingesting it, on the database (xt ingest, or ingest()).`);
  };
  return {
    name: 'spool',
    location: file,
    capabilities: { transactions: true, concurrentWriters: true },
    async tables() {
      return [...tables.keys()].sort();
    },
    async describe(table) {
      return [...(tables.get(table) ?? [])];
    },
    async ensureColumns(table, columns) {
      const known = tables.get(table);
      const specs = known ?? KEY_COLUMNS.map((name): ColumnSpec => ({ name, type: 'text' }));
      const added = columns.filter((c, i) => !specs.some((s) => s.name.toLowerCase() === c.name.toLowerCase()) && columns.findIndex((d) => d.name.toLowerCase() === c.name.toLowerCase()) === i);
      if (known && added.length === 0) return;
      append([{ table, columns: added }]);
      tables.set(table, [...specs, ...added]);
    },
    async insert(table, rows) {
      if (rows.length === 0) return 0;
      append([{ table, rows: rows.map(encodeRow) }]);
      return rows.length;
    },
    async select() {
      return [];
    },
    async count() {
      return 0;
    },
    update: readOnlyFails('change rows'),
    delete: readOnlyFails('delete rows'),
    async close() {
      if (closed) return;
      append([{ end: true }]);
      closed = true;
      closeSync(fd);
    },
  };
}
