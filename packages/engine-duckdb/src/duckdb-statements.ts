import type { DuckDBConnection, DuckDBPreparedStatement } from '@duckdb/node-api';

/**
 * Prepared statements by SQL text, least recently used destroyed first, so a long run with many
 * key sets or queries keeps a bounded number alive. Cleared whenever a schema changes: a statement
 * planned on the old columns would fail or read the wrong ones.
 */
export class StatementCache {
  readonly #entries = new Map<string, DuckDBPreparedStatement>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** The statement for `sql`, prepared on `connection` on a miss. */
  async get(connection: DuckDBConnection, sql: string): Promise<DuckDBPreparedStatement> {
    const entries = this.#entries;
    let statement = entries.get(sql);
    if (statement) {
      // Refresh its place in the LRU order.
      entries.delete(sql);
      entries.set(sql, statement);
      return statement;
    }
    statement = await connection.prepare(sql);
    entries.set(sql, statement);
    if (entries.size > this.#capacity) {
      const [oldestSql, oldest] = entries.entries().next().value as [string, DuckDBPreparedStatement];
      entries.delete(oldestSql);
      oldest.destroySync();
    }
    return statement;
  }

  /** Destroys every statement. */
  clear(): void {
    for (const statement of this.#entries.values()) statement.destroySync();
    this.#entries.clear();
  }
}
