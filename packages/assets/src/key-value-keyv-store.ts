import { EventEmitter } from 'node:events';
import type { KeyValueTable } from '@xetrack/core/engine';
import type { KeyvStoreAdapter, StoredData } from 'keyv';

/**
 * A Keyv store adapter over an engine's key-value table (`Engine.keyValueTable`), so Keyv reads and
 * writes through the engine's own connection. `table` is asked on every call: the asset store
 * switches between its tracker's connection and its own.
 */
export class KeyValueKeyvStore extends EventEmitter implements KeyvStoreAdapter {
  /** `dialect` makes Keyv offer `iterator()` for this store (it lists the dialects that can iterate). */
  readonly opts: { dialect: string; table: string };
  namespace?: string | undefined;
  readonly #table: () => Promise<KeyValueTable>;

  constructor(table: () => Promise<KeyValueTable>, options: { dialect: string; table: string }) {
    super();
    this.#table = table;
    this.opts = options;
  }

  async get<Value>(key: string): Promise<StoredData<Value> | undefined> {
    return (await (await this.#table()).get(key)) as StoredData<Value> | undefined;
  }

  async set(key: string, value: unknown): Promise<void> {
    await (await this.#table()).set(key, typeof value === 'string' ? value : JSON.stringify(value));
  }

  async delete(key: string): Promise<boolean> {
    return (await this.#table()).delete(key);
  }

  async has(key: string): Promise<boolean> {
    return (await (await this.#table()).get(key)) !== undefined;
  }

  /** Deletes this namespace's keys (every key without a namespace). */
  async clear(): Promise<void> {
    await (await this.#table()).clear(this.namespace ? `${this.namespace}:` : '');
  }

  async *iterator<Value>(namespace?: string): AsyncGenerator<Array<string | Awaited<Value> | undefined>, void> {
    for await (const entry of (await this.#table()).entries(namespace ? `${namespace}:` : '')) yield entry as [string, Awaited<Value>];
  }

  /** The connection belongs to the engine: nothing to release here. */
  async disconnect(): Promise<void> {}
}
