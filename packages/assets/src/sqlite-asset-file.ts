import { fileKey, XetrackError, type Engine, type KeyValueTable } from '@xetrack/core/engine';

/**
 * The asset table of one SQLite file, always through better-sqlite3 (the SQLite engine): the
 * connection of the tracker the store is attached to when that tracker holds this file, otherwise
 * an engine the store opens itself on first use. One SQLite build per file per process: two builds
 * do not see each other's locks, and closing one drops the other's.
 */
export class SqliteAssetFile {
  readonly path: string;
  readonly #table: string;
  readonly #busyTimeoutMs: number;
  #borrowed: KeyValueTable | undefined;
  #own: Promise<{ engine: Engine; table: KeyValueTable }> | undefined;

  constructor(path: string, table: string, busyTimeoutMs: number) {
    this.path = path;
    this.#table = table;
    this.#busyTimeoutMs = busyTimeoutMs;
  }

  /** Uses `engine`'s connection from now on when it holds this file; true when it does. */
  borrow(engine: Engine): boolean {
    if (!engine.keyValueTable || !holdsFile(engine, this.path)) return false;
    this.#borrowed = engine.keyValueTable(this.#table);
    return true;
  }

  /** Stops using the borrowed connection (its engine is closing). */
  release(): void {
    this.#borrowed = undefined;
  }

  async table(): Promise<KeyValueTable> {
    if (this.#borrowed) return this.#borrowed;
    this.#own ??= this.#open().catch((error: unknown) => {
      this.#own = undefined; // the next call tries again (the file may be writable by then)
      throw error;
    });
    return (await this.#own).table;
  }

  /** Closes the engine this store opened, if any. */
  async close(): Promise<void> {
    const own = this.#own;
    this.#own = undefined;
    this.#borrowed = undefined;
    if (own) await (await own.catch(() => undefined))?.engine.close();
  }

  async #open(): Promise<{ engine: Engine; table: KeyValueTable }> {
    const { openEngine } = await import('@xetrack/core');
    const { engine } = await openEngine(this.path, 'sqlite', { options: { busyTimeoutMs: this.#busyTimeoutMs } });
    if (!engine.keyValueTable) {
      await engine.close();
      throw new XetrackError('ENGINE_API_MISMATCH', `The installed @xetrack/engine-sqlite has no keyValueTable(): update it to the version of @xetrack/assets.`);
    }
    return { engine, table: engine.keyValueTable(this.#table) };
  }
}

/** True when `engine` is a SQLite engine on the file `path`. */
export function holdsFile(engine: Engine, path: string): boolean {
  return engine.name === 'sqlite' && engine.location !== ':memory:' && fileKey(engine.location) === fileKey(path);
}
