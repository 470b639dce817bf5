import type { KeyValueTable } from '@xetrack/core/engine';
import type { SqliteStatement } from './sqlite-database.js';
import { quoteIdentifier } from './sqlite-sql.js';

/** What the table needs of its engine: statements on the live connection, and error wrapping. */
export interface KeyValueHost {
  /** A prepared statement on the open connection (throws CLOSED after close). */
  prepare(sql: string): SqliteStatement;
  /** Runs `sql` (DDL) on the open connection. */
  exec(sql: string): void;
  fail(error: unknown, action: string): Error;
}

/** Rows read per page by `entries`. */
const PAGE = 500;

/**
 * A key-value table on the engine's better-sqlite3 connection, in @keyv/sqlite's layout
 * (`key VARCHAR(255) PRIMARY KEY, value TEXT`), so a file written by either reads with the other.
 * A missing table reads as empty and is created by the first write, which also brings back a
 * table dropped by hand.
 */
export class SqliteKeyValueTable implements KeyValueTable {
  readonly #host: KeyValueHost;
  readonly #table: string;

  constructor(host: KeyValueHost, name: string) {
    this.#host = host;
    this.#table = quoteIdentifier(name);
  }

  async get(key: string): Promise<string | undefined> {
    return this.#read(
      `read ${key} from`,
      () => {
        const value = this.#host.prepare(`SELECT value FROM ${this.#table} WHERE key = ?`).raw(false).safeIntegers(false).pluck(true).get(key);
        return value === undefined || value === null ? undefined : text(value);
      },
      undefined,
    );
  }

  async set(key: string, value: string): Promise<void> {
    this.#write(`write ${key} to`, () => {
      this.#host.prepare(`INSERT INTO ${this.#table} (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`).run(key, value);
    });
  }

  async delete(key: string): Promise<boolean> {
    return this.#read(`delete ${key} from`, () => this.#host.prepare(`DELETE FROM ${this.#table} WHERE key = ?`).run(key).changes > 0, false);
  }

  async *entries(prefix: string): AsyncIterable<[string, string]> {
    // Keys in byte order put every key with the prefix in one run, which the primary key index finds.
    let after: string | undefined;
    for (;;) {
      const page = this.#read(
        `list`,
        () => {
          const sql = `SELECT key, value FROM ${this.#table} WHERE key ${after === undefined ? '>=' : '>'} ? ORDER BY key LIMIT ${PAGE}`;
          return this.#host
            .prepare(sql)
            .pluck(false)
            .safeIntegers(false)
            .raw(true)
            .all(after ?? prefix) as [unknown, unknown][];
        },
        [] as [unknown, unknown][],
      );
      for (const [key, value] of page) {
        const k = text(key);
        if (!k.startsWith(prefix)) return;
        yield [k, value === null ? '' : text(value)];
        after = k;
      }
      if (page.length < PAGE) return;
    }
  }

  async clear(prefix: string): Promise<void> {
    this.#read(`clear`, () => this.#host.prepare(`DELETE FROM ${this.#table} WHERE substr(key, 1, ?) = ?`).run(prefix.length, prefix), undefined);
  }

  /** Runs `read`; a missing table answers `absent`. */
  #read<T>(action: string, read: () => T, absent: T): T {
    try {
      return read();
    } catch (error) {
      if (isMissingTable(error)) return absent;
      throw this.#host.fail(error, `${action} key-value table ${this.#table}`);
    }
  }

  /** Runs `write`, creating the table first when it is missing. */
  #write(action: string, write: () => void): void {
    try {
      write();
    } catch (error) {
      if (!isMissingTable(error)) throw this.#host.fail(error, `${action} key-value table ${this.#table}`);
      try {
        this.#host.exec(`CREATE TABLE IF NOT EXISTS ${this.#table} (key VARCHAR(255) PRIMARY KEY, value TEXT)`);
        write();
      } catch (retry) {
        throw this.#host.fail(retry, `${action} key-value table ${this.#table}`);
      }
    }
  }
}

function isMissingTable(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'SQLITE_ERROR' && /^no such table/.test(String((error as Error).message));
}

/** A cell as text: a value written by hand may be a number or a BLOB. */
function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
  return String(value);
}
