import type { Engine } from '../engine/contract.js';

/**
 * What `Tracker` needs from an asset store (`@xetrack/assets` implements it on keyv): values that
 * are not plain data (models, tensors, class instances) are stored once, content-addressed, and the
 * row holds their hash.
 */
export interface AssetStore {
  /** True for the values stored as assets instead of as cells. */
  accepts(value: unknown): boolean;
  /** Stores `value` (once per content), counts a reference from `column`, and returns its hash. */
  put(value: unknown, column: string): Promise<string>;
  /** The value under a hash, or the last value logged under a column name; undefined when absent. */
  get(hashOrColumn: string): Promise<unknown>;
  /** Drops one reference from `column`'s last asset; the blob goes when no reference is left. */
  remove(column: string): Promise<boolean>;
  /** Deletes the asset `hash`; with `column`, sets that column to NULL in rows that held the hash. */
  removeHash(hash: string, options?: { column?: string }): Promise<boolean>;
  /** Deletes assets no row references; resolves what it freed. */
  gc(): Promise<{ removed: number; bytes: number }>;
  /** Called when a tracker opens with this store, so it can find the rows that reference assets. */
  attach?(context: { engine: Engine; table: string }): void | Promise<void>;
  /** Called when that tracker closes: the store stops using its engine (it may outlive the tracker). */
  detach?(): void;
  close?(): Promise<void>;
}
