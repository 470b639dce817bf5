import type { SqliteStatement } from './sqlite-database.js';

/**
 * Prepared statements by key, least recently used dropped first, so a long run with many different
 * key sets or queries keeps a bounded number of statements alive.
 */
export class StatementCache<T = SqliteStatement> {
  readonly #entries = new Map<string, T>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** The statement for `key`, prepared with `prepare` on a miss. */
  get(key: string, prepare: () => T): T {
    const entries = this.#entries;
    let statement = entries.get(key);
    if (statement !== undefined) {
      entries.delete(key);
    } else {
      statement = prepare();
      if (entries.size >= this.#capacity) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
    }
    entries.set(key, statement);
    return statement;
  }

  clear(): void {
    this.#entries.clear();
  }
}
