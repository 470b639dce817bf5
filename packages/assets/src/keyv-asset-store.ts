import { promisify } from 'node:util';
import { deflate, inflate } from 'node:zlib';
import Keyv, { type KeyvStoreAdapter } from 'keyv';
import type { AssetStore, CellValue, Engine } from '@xetrack/core';
import { isFileHeld, isXetrackError, XetrackError } from '@xetrack/core/engine';
import { KeyValueKeyvStore } from './key-value-keyv-store.js';
import { BUILT_IN_SERIALIZERS, rawSerializer, v8Serializer, type AssetSerializer } from './serializers.js';
import { holdsFile, SqliteAssetFile } from './sqlite-asset-file.js';
import { xxh64Hex } from './xxh64.js';

const deflateAsync = promisify(deflate);
const inflateAsync = promisify(inflate);

/** Keyv namespace of the asset records and the column index; blobs live in `xetrack-assets-blob`. */
export const ASSETS_NAMESPACE = 'xetrack-assets';
export const BLOBS_NAMESPACE = 'xetrack-assets-blob';
/** The table of the default store in the SQLite file (never Python xetrack's `assets`/`keys`/`counts`). */
export const DEFAULT_TABLE = 'xetrack_assets';

export interface AssetStoreOptions {
  /**
   * SQLite file of the default store (table `xetrack_assets`): usually the tracker's own database.
   * Read and written through the SQLite engine (better-sqlite3): the tracker's own connection while
   * the store is attached to a tracker on this file, else one the store opens.
   */
  path?: string;
  /**
   * Any Keyv store instead of the SQLite file: a factory (called once for the records and once for
   * the blobs, so listing never reads a blob), a store adapter, or a `Keyv`. Stores you pass are
   * not closed by `close()`. A store on a SQLite file (@keyv/sqlite) must be another file than the
   * ones this process holds through the SQLite engine: it brings a second SQLite build.
   */
  store?: (() => KeyvStoreAdapter | Keyv | Map<unknown, unknown>) | KeyvStoreAdapter | Keyv | Map<unknown, unknown>;
  /** Store blobs zlib-compressed (Python's `compress=True`). Each asset records whether it is, so reads never need this option. */
  compress?: boolean;
  /** Serializers for your types, tried in order before the built-in rules (`raw` for Uint8Array, `v8` for the rest). */
  serializers?: readonly AssetSerializer[];
  /** A plain Uint8Array/Buffer value: an asset stored raw (`'asset'`, default) or a BLOB cell of the row (`'cell'`). */
  bytes?: 'asset' | 'cell';
  /** Milliseconds the store's own SQLite connection (when not attached to a tracker) waits for another writer's lock (default 30000, as the SQLite engine). */
  busyTimeoutMs?: number;
  /** Print warnings to stderr (default true). */
  warnings?: boolean;
  /** Receives warnings instead of stderr. */
  onWarning?: (message: string) => void;
}

/** What the store keeps about one asset (the blob itself is stored apart). */
export interface AssetRecord {
  /** The serializer that wrote it (`raw`, `v8`, or a custom serializer's name). */
  serializer: string;
  compressed: boolean;
  /** Bytes of the serialized value (what the hash is computed over). */
  size: number;
  /** Bytes actually stored (after compression). */
  storedBytes: number;
  /** References counted by `put` (one per logged value, duplicates included), decremented by `remove`. */
  count: number;
  /** First stored and last put, in ms since the epoch. */
  created: number;
  touched: number;
}

/** One asset as `list()` returns it. */
export interface AssetInfo extends AssetRecord {
  hash: string;
  /** Columns whose last logged asset this is. */
  columns: string[];
}

export interface GcOptions {
  /** Keep unreferenced assets put less than this many milliseconds ago (default 60000), so a row another process is about to commit never loses its asset. 0 frees all. */
  graceMs?: number;
}

export interface GcResult {
  /** Assets deleted. */
  removed: number;
  /** Bytes they took in the store. */
  bytes: number;
  /** Unreferenced assets kept because they are younger than `graceMs`. */
  kept: number;
}

/** A hash: 16 lowercase hex characters (xxh64). */
export const HASH_PATTERN = /^[0-9a-f]{16}$/;

const DEFAULT_GRACE_MS = 60_000;
const SCAN_PAGE = 5_000;

/**
 * A content-addressed, deduplicated object store on Keyv: values are serialized, hashed with xxh64
 * (16 hex characters) and stored once; the row holds the hash. Reference counts follow Python
 * xetrack (`remove`), and `gc()` deletes what no row of any tracking table references.
 *
 * Within one process every change is serialized, so counts are exact; several processes writing
 * one store can race on a count (Keyv has no atomic increment): `gc()` relies on the rows, not the
 * counts, and is always right.
 */
export class KeyvAssetStore implements AssetStore {
  private readonly records: Keyv;
  private readonly blobs: Keyv;
  /** Blob keys carry this prefix when records and blobs share one Keyv. */
  private readonly blobPrefix: string;
  /** The SQLite file of `path`; undefined for a store passed in. */
  private readonly file: SqliteAssetFile | undefined;
  /** The SQLite file a store passed in keeps its data in (@keyv/sqlite), to refuse one the engine holds. */
  private readonly foreignFile: string | undefined;
  private readonly serializers: readonly AssetSerializer[];
  private readonly compress: boolean;
  private readonly bytesAsAssets: boolean;
  private readonly warn: (message: string, once?: string) => void;
  private context: { engine: Engine; table: string } | undefined;
  /** The tail of this process's chain of changes: each change starts when the previous one ended. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(options: AssetStoreOptions = {}) {
    const custom = options.serializers ?? [];
    for (const s of custom) {
      if (BUILT_IN_SERIALIZERS.includes(s.name)) throw new XetrackError('INVALID_ARGUMENT', `Serializer name "${s.name}" is taken by a built-in serializer: choose another.`);
    }
    const names = custom.map((s) => s.name);
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice) throw new XetrackError('INVALID_ARGUMENT', `Two serializers are named "${twice}": names must be unique (they are stored with each asset).`);
    this.serializers = custom;
    this.compress = options.compress === true;
    this.bytesAsAssets = (options.bytes ?? 'asset') === 'asset';
    const seen = new Set<string>();
    const sink = options.onWarning ?? (options.warnings === false ? undefined : (m: string) => process.stderr.write(`xetrack warning: ${m}\n`));
    this.warn = (message, once = message) => {
      if (sink && !seen.has(once)) {
        seen.add(once);
        sink(message);
      }
    };

    const { store } = options;
    if (store === undefined) {
      if (!options.path) throw new XetrackError('INVALID_ARGUMENT', 'assetStore() needs a SQLite file (`path`) or a Keyv store (`store`).');
      const file = new SqliteAssetFile(options.path, DEFAULT_TABLE, options.busyTimeoutMs ?? 30_000);
      const adapter = () => new KeyValueKeyvStore(() => file.table(), { dialect: 'sqlite', table: DEFAULT_TABLE });
      this.file = file;
      this.records = this.keyv(adapter(), ASSETS_NAMESPACE);
      this.blobs = this.keyv(adapter(), BLOBS_NAMESPACE);
      this.blobPrefix = '';
    } else if (typeof store === 'function') {
      const factory = store as () => KeyvStoreAdapter | Keyv | Map<unknown, unknown>;
      this.records = this.keyv(factory(), ASSETS_NAMESPACE);
      this.blobs = this.keyv(factory(), BLOBS_NAMESPACE);
      this.blobPrefix = '';
    } else {
      this.records = this.keyv(store, ASSETS_NAMESPACE);
      this.blobs = this.records;
      this.blobPrefix = 'blob:';
    }
    this.foreignFile = sqliteFileOf(this.records);
    if (this.foreignFile !== undefined && isFileHeld(this.foreignFile)) {
      // adapters our factory call made are ours to close; the caller never sees them
      if (typeof store === 'function') for (const keyv of new Set([this.records, this.blobs])) keyv.disconnect().catch(() => undefined);
      throw secondSqliteBuild(this.foreignFile);
    }
  }

  /** A Keyv over `store` that throws store errors instead of swallowing them. */
  private keyv(store: KeyvStoreAdapter | Keyv | Map<unknown, unknown>, namespace: string): Keyv {
    if (store instanceof Keyv) {
      store.throwOnErrors = true;
      store.on('error', () => undefined); // errors are thrown to the caller; the event is not needed
      return store;
    }
    const keyv = new Keyv({ store: store as KeyvStoreAdapter, namespace, throwOnErrors: true });
    keyv.on('error', () => undefined);
    const parse = keyv.deserialize;
    // a stored text that does not parse is damage to report (naming the asset), not a SyntaxError
    if (parse)
      keyv.deserialize = ((text: string) =>
        Promise.resolve()
          .then(() => parse(text))
          .catch(() => ({ value: GARBLED }))) as typeof parse;
    return keyv;
  }

  accepts(value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return false;
    for (const s of this.serializers) if (s.test(value)) return true;
    if (Array.isArray(value) || value instanceof Date || isPlainObject(value)) return false;
    if (value instanceof Uint8Array) return this.bytesAsAssets;
    return typeof (value as { then?: unknown }).then !== 'function';
  }

  /** Serializes `value`, stores it once (by its hash), counts a reference from `column`, and returns the hash. */
  async put(value: unknown, column: string): Promise<string> {
    this.check();
    const serializer = this.serializerFor(value);
    let data: Uint8Array;
    try {
      data = await serializer.serialize(value);
    } catch (error) {
      throw new XetrackError(
        'INVALID_VALUE',
        `Column "${column}": the value cannot be stored as an asset with the ${serializer.name} serializer (${(error as Error).message}). Register a serializer for its type.`,
        { cause: error },
      );
    }
    if (!(data instanceof Uint8Array)) throw new XetrackError('INVALID_VALUE', `Serializer "${serializer.name}" returned ${typeof data}, not a Uint8Array.`);
    const hash = xxh64Hex(data);
    // v8's output is ours; anything else may be the caller's memory, copied so a later change can't alter what is stored
    const stored = this.compress ? await deflateAsync(data) : serializer === v8Serializer ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data);
    return this.exclusive(async () => {
      const now = Date.now();
      const record = await this.readRecord(hash);
      if (record !== undefined && record !== GARBLED) {
        record.count += 1;
        record.touched = now;
        // a blob lost or garbled by hand (or by a crash between the two writes) is written again
        if (!(await this.blobIntact(hash, record))) {
          await this.blobs.set(this.blobKey(hash), stored);
          Object.assign(record, { compressed: this.compress, storedBytes: stored.byteLength });
        }
        await this.records.set(`meta:${hash}`, record);
      } else {
        // new, or its record garbled by hand: stored afresh (the old count is lost with the record)
        await this.blobs.set(this.blobKey(hash), stored);
        const fresh: AssetRecord = { serializer: serializer.name, compressed: this.compress, size: data.byteLength, storedBytes: stored.byteLength, count: 1, created: now, touched: now };
        await this.records.set(`meta:${hash}`, fresh);
      }
      await this.records.set(`column:${column}`, hash);
      return hash;
    });
  }

  /** The value under a hash, or the last value logged under a column name (Python's order: column first); undefined when absent. */
  async get(hashOrColumn: string): Promise<unknown> {
    this.check();
    const hash = (await this.columnHash(hashOrColumn)) ?? hashOrColumn;
    const bytes = await this.serialized(hash);
    if (!bytes) return undefined;
    const serializer = this.serializerNamed(bytes.record.serializer, hash);
    return serializer.deserialize(bytes.data);
  }

  /** The serialized bytes of an asset (decompressed: the hash's input) and its record; undefined when absent. */
  async serialized(hash: string): Promise<{ data: Uint8Array; record: AssetRecord } | undefined> {
    this.check();
    const record = await this.record(hash);
    if (!record) return undefined;
    const data = await this.blobData(hash, record);
    return data && { data, record };
  }

  /** Drops one reference from `column`'s last asset (the blob goes at zero) and forgets the column; false when the column has none. */
  async remove(column: string): Promise<boolean> {
    this.check();
    return this.exclusive(async () => {
      const hash = await this.columnHash(column);
      if (hash === undefined) return false;
      const record = await this.readRecord(hash);
      if (record !== undefined && record !== GARBLED && record.count > 1) {
        record.count -= 1;
        await this.records.set(`meta:${hash}`, record);
      } else {
        await this.deleteAsset(hash);
      }
      await this.records.delete(`column:${column}`);
      return true;
    });
  }

  /**
   * Deletes the asset `hash` (whatever its count) and every column entry pointing to it. With
   * `column`, also sets that column to NULL in the rows (of every tracking table) that held the
   * hash. False when there is no such asset.
   */
  async removeHash(hash: string, options: { column?: string } = {}): Promise<boolean> {
    this.check();
    const found = await this.exclusive(async () => {
      if ((await this.readRecord(hash)) === undefined) return false; // a damaged record can be deleted too
      await this.deleteAsset(hash);
      for (const [key, value] of await this.columnEntries()) if (value === hash) await this.records.delete(key);
      return true;
    });
    if (found && options.column !== undefined) await this.clearColumn(options.column, hash);
    return found;
  }

  /**
   * Deletes the assets that no row of any tracking table references (a cell holding the hash, in
   * any column), except those put less than `graceMs` ago; resolves what it freed.
   */
  async gc(options: GcOptions = {}): Promise<GcResult> {
    this.check();
    const engine = this.requireEngine('gc()');
    const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
    return this.exclusive(async () => {
      const candidates = new Map<string, AssetRecord>();
      for (const [hash, record] of await this.recordEntries()) candidates.set(hash, record);
      if (candidates.size === 0) return { removed: 0, bytes: 0, kept: 0 };
      await forEachReference(engine, candidates, (hash) => candidates.delete(hash));
      const now = Date.now();
      const result: GcResult = { removed: 0, bytes: 0, kept: 0 };
      const columns = await this.columnEntries();
      for (const [hash, record] of candidates) {
        if (now - record.touched < graceMs) {
          result.kept += 1;
          continue;
        }
        await this.deleteAsset(hash);
        for (const [key, value] of columns) if (value === hash) await this.records.delete(key);
        result.removed += 1;
        result.bytes += record.storedBytes;
      }
      return result;
    });
  }

  /** Every asset with its record and the columns whose last asset it is. */
  async list(): Promise<AssetInfo[]> {
    this.check();
    const byHash = new Map<string, string[]>();
    for (const [key, hash] of await this.columnEntries()) {
      const list = byHash.get(hash) ?? [];
      list.push(key.slice('column:'.length));
      byHash.set(hash, list);
    }
    return (await this.recordEntries()).map(([hash, record]) => ({ hash, ...record, columns: (byHash.get(hash) ?? []).sort() })).sort((a, b) => a.created - b.created || a.hash.localeCompare(b.hash));
  }

  /** Column name → hash of the last asset logged under it (Python's `keys` table). */
  async columns(): Promise<Record<string, string>> {
    this.check();
    return Object.fromEntries((await this.columnEntries()).map(([key, hash]) => [key.slice('column:'.length), hash]));
  }

  /**
   * Copies the assets of `source` this store lacks, as stored (same hash, serializer, compression
   * and reference count), and the column → hash entries; used by `xt copy`. Resolves how many assets
   * were copied. Copying twice copies nothing the second time.
   */
  async copyFrom(source: KeyvAssetStore): Promise<number> {
    this.check();
    source.check();
    return this.exclusive(async () => {
      let copied = 0;
      for (const [hash, record] of await source.recordEntries()) {
        if (await this.record(hash)) continue;
        const stored = await source.blobs.get<Buffer | Uint8Array>(source.blobKey(hash));
        if (!stored) continue; // a blob lost by hand: nothing to copy
        await this.blobs.set(this.blobKey(hash), stored);
        await this.records.set(`meta:${hash}`, record);
        copied++;
      }
      for (const [key, hash] of await source.columnEntries()) await this.records.set(key, hash);
      return copied;
    });
  }

  /**
   * Lets the store find the rows that reference assets (`gc`, `removeHash` with a column). A store
   * on the engine's own file uses the engine's connection from now on; a store passed in on that
   * file through another SQLite library is refused.
   */
  attach(context: { engine: Engine; table: string }): void {
    if (this.foreignFile !== undefined && holdsFile(context.engine, this.foreignFile)) throw secondSqliteBuild(this.foreignFile);
    this.context = context;
    this.file?.borrow(context.engine);
  }

  /** The tracker attached to is closing: stop using its engine (this store may be used on its own afterwards). */
  detach(): void {
    this.context = undefined;
    this.file?.release();
  }

  /** Closes the connection this store opened (not stores you passed in). Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.catch(() => undefined);
    await this.file?.close();
  }

  private check(): void {
    if (this.closed) throw new XetrackError('CLOSED', 'The asset store is closed: open a new one.');
  }

  private blobKey(hash: string): string {
    return this.blobPrefix + hash;
  }

  /** The record of `hash`, GARBLED when it no longer reads as one. */
  private async readRecord(hash: string): Promise<AssetRecord | typeof GARBLED | undefined> {
    const value = await this.records.get<unknown>(`meta:${hash}`);
    if (value === undefined) return undefined;
    return isAssetRecord(value) ? value : GARBLED;
  }

  /** The record of `hash`; a garbled one is a DAMAGED error naming the hash. */
  private async record(hash: string): Promise<AssetRecord | undefined> {
    const record = await this.readRecord(hash);
    if (record === GARBLED) throw damaged(hash, 'its record');
    return record;
  }

  /** The serialized bytes of an asset (decompressed), checked against its hash; undefined when the blob is missing. */
  private async blobData(hash: string, record: AssetRecord): Promise<Uint8Array | undefined> {
    const stored = await this.blobs.get<unknown>(this.blobKey(hash));
    if (stored === undefined || stored === null) return undefined;
    if (!(stored instanceof Uint8Array)) throw damaged(hash, 'its bytes');
    const data = record.compressed ? await inflateAsync(stored).catch(() => undefined) : stored;
    if (data === undefined) throw damaged(hash, 'its bytes (they do not decompress)');
    if (xxh64Hex(data) !== hash) throw damaged(hash, 'its bytes (they no longer hash to its name)');
    return data;
  }

  /** True when the blob of `hash` reads back whole. */
  private async blobIntact(hash: string, record: AssetRecord): Promise<boolean> {
    try {
      return (await this.blobData(hash, record)) !== undefined;
    } catch (error) {
      if (isXetrackError(error, 'DAMAGED')) return false;
      throw error;
    }
  }

  /** The hash of the last asset logged under `column`; a garbled entry is a DAMAGED error naming the column. */
  private async columnHash(column: string): Promise<string | undefined> {
    const hash = await this.records.get<unknown>(`column:${column}`);
    if (hash === undefined || (typeof hash === 'string' && HASH_PATTERN.test(hash))) return hash;
    throw new XetrackError('DAMAGED', `The asset store's entry for column ${JSON.stringify(column)} is damaged (changed outside xetrack). Log a value under "${column}" again to restore it.`);
  }

  private async deleteAsset(hash: string): Promise<void> {
    await this.blobs.delete(this.blobKey(hash));
    await this.records.delete(`meta:${hash}`);
  }

  private async entries(): Promise<[string, unknown][]> {
    if (!this.records.iterator) {
      throw new XetrackError('INVALID_ARGUMENT', 'This Keyv store cannot list its keys (no iterator): listing and gc() need a store that can, e.g. @keyv/sqlite, @keyv/redis or @keyv/postgres.');
    }
    const out: [string, unknown][] = [];
    for await (const [key, value] of this.records.iterator(undefined)) {
      const k = String(key);
      if (this.blobPrefix && k.startsWith(this.blobPrefix)) continue;
      out.push([k, value]);
    }
    return out;
  }

  /** Every record; a garbled one is a DAMAGED error naming its hash. */
  private async recordEntries(): Promise<[string, AssetRecord][]> {
    const out: [string, AssetRecord][] = [];
    for (const [key, value] of await this.entries()) {
      if (!key.startsWith('meta:')) continue;
      const hash = key.slice('meta:'.length);
      if (!isAssetRecord(value)) throw damaged(hash, 'its record');
      out.push([hash, value]);
    }
    return out;
  }

  /** Column entries (`column:NAME` → hash); garbled ones are skipped here (`get(column)` reports them). */
  private async columnEntries(): Promise<[string, string][]> {
    return (await this.entries()).filter((e): e is [string, string] => e[0].startsWith('column:') && typeof e[1] === 'string' && HASH_PATTERN.test(e[1]));
  }

  private serializerFor(value: unknown): AssetSerializer {
    for (const s of this.serializers) if (s.test(value)) return s;
    if (value instanceof Uint8Array) return rawSerializer;
    const proto = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
    const name = proto?.constructor?.name;
    if (name && isClassInstance(value)) {
      this.warn(
        `Instances of class ${name} are stored with node:v8 serialization and read back as plain objects: pass a serializer for ${name} (assetStore({ serializers })) to get ${name} back.`,
        `class:${name}`,
      );
    }
    return v8Serializer;
  }

  private serializerNamed(name: string, hash: string): AssetSerializer {
    if (name === rawSerializer.name) return rawSerializer;
    if (name === v8Serializer.name) return v8Serializer;
    const found = this.serializers.find((s) => s.name === name);
    if (!found) throw new XetrackError('INVALID_ARGUMENT', `Asset ${hash} was stored with the serializer "${name}": pass a serializer of that name to assetStore({ serializers }) to read it.`);
    return found;
  }

  private requireEngine(what: string): Engine {
    if (!this.context) {
      throw new XetrackError('INVALID_ARGUMENT', `${what} needs the database rows: open the store with a Tracker (assets option), or call attach({ engine, table }) first.`);
    }
    return this.context.engine;
  }

  private async clearColumn(column: string, hash: string): Promise<void> {
    const engine = this.requireEngine('removeHash(hash, { column })');
    for (const table of await engine.tables()) {
      const spec = (await engine.describe(table)).find((c) => c.name.toLowerCase() === column.toLowerCase());
      if (!spec) continue;
      await engine.update(table, { [spec.name]: null }, [{ column: spec.name, op: 'in', value: [hash, JSON.stringify(hash)] }]);
    }
  }

  /** Runs `change` after every change this store started before it. */
  private exclusive<T>(change: () => Promise<T>): Promise<T> {
    const run = this.queue.then(change, change);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** Calls `found(hash)` for every hash of `candidates` held by a text cell (or a JSON string cell) of any tracking table. */
async function forEachReference(engine: Engine, candidates: Map<string, unknown>, found: (hash: string) => void): Promise<void> {
  const check = (cell: CellValue) => {
    if (typeof cell !== 'string') return;
    if (cell.length === 16) {
      if (candidates.has(cell)) found(cell);
    } else if (cell.length === 18 && cell.charCodeAt(0) === 34 && candidates.has(cell.slice(1, 17))) {
      found(cell.slice(1, 17));
    }
  };
  for (const table of await engine.tables()) {
    const columns = (await engine.describe(table))
      .filter((c) => c.type === 'text' || c.type === 'json')
      .map((c) => c.name)
      .filter((c) => c !== 'track_id' && c !== 'timestamp');
    if (columns.length === 0) continue;
    if (engine.iterate) {
      for await (const row of engine.iterate(table, { columns })) {
        for (const c of columns) check(row[c] ?? null);
        if (candidates.size === 0) return;
      }
      continue;
    }
    for (let offset = 0; ; offset += SCAN_PAGE) {
      const rows = await engine.select(table, { columns, orderBy: [{ column: 'track_id' }, { column: 'timestamp' }], limit: SCAN_PAGE, offset });
      for (const row of rows) for (const c of columns) check(row[c] ?? null);
      if (rows.length < SCAN_PAGE || candidates.size === 0) break;
    }
  }
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** An instance of a user class (not a built-in that v8 serialization keeps). */
function isClassInstance(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  return !(value instanceof Map || value instanceof Set || value instanceof RegExp || value instanceof Error || value instanceof ArrayBuffer || ArrayBuffer.isView(value) || isPlainObject(value));
}

/** Stands where a stored text did not parse (garbled outside xetrack): reported as damage naming the asset. */
const GARBLED: unique symbol = Symbol('garbled');

function isAssetRecord(value: unknown): value is AssetRecord {
  const r = value as Partial<Record<keyof AssetRecord, unknown>> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.serializer === 'string' &&
    typeof r.compressed === 'boolean' &&
    [r.size, r.storedBytes, r.count, r.created, r.touched].every((n) => typeof n === 'number' && Number.isFinite(n))
  );
}

function damaged(hash: string, what: string): XetrackError {
  return new XetrackError(
    'DAMAGED',
    `Asset ${hash} is damaged: ${what} no longer read back as written (changed outside xetrack). Log the value again to restore it, or delete the asset (removeHash, or xt assets delete DB ${hash}).`,
  );
}

/** The SQLite file a Keyv store keeps its data in (@keyv/sqlite's `opts.db`), if it is one. */
function sqliteFileOf(keyv: Keyv): string | undefined {
  const opts = (keyv.store as { opts?: { dialect?: unknown; db?: unknown } } | undefined)?.opts;
  if (opts?.dialect !== 'sqlite' || typeof opts.db !== 'string') return undefined;
  return opts.db === ':memory:' || opts.db === '' ? undefined : opts.db;
}

function secondSqliteBuild(file: string): XetrackError {
  return new XetrackError(
    'INVALID_ARGUMENT',
    `${file} is open in this process through the SQLite engine (better-sqlite3), and this Keyv store would open it through another SQLite library: ` +
      "two SQLite builds in one process do not see each other's locks and can damage the file. Use assetStore({ path }) for the tracker's own file, or give the Keyv store another file.",
  );
}

/** An asset store on Keyv: `assetStore({ path })` for the SQLite file (what `Tracker.open(path, { assets: true })` uses), or `{ store }` for any Keyv store. */
export function assetStore(options: AssetStoreOptions): KeyvAssetStore {
  return new KeyvAssetStore(options);
}
