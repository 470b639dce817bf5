import { statSync, type Stats } from 'node:fs';
import path from 'node:path';
import cacache from 'cacache';
import type { CachedResult } from '@xetrack/core';
import type { CacheEntry, EntryMetadata } from './cache-entry.js';
import { bucketPath, cacheLayout, isPlainSha512, readContent, readIndexFile, type CacheLayout, type IndexEntry } from './cacache-sync.js';
import { encodeResult, StoredResult } from './cached-value.js';
import { LineageCache } from './lineage-cache.js';
import type { WarningOptions } from './warnings.js';

export interface CacheStoreOptions extends WarningOptions {
  /**
   * Bytes of stored results kept in memory by content hash (default 16 MiB; 0 turns it off), so a
   * repeated hit in this process skips reading and verifying the content file. Entries are still
   * looked up on disk every time, so what another process deleted or overwrote is seen at once.
   */
  memoryBytes?: number;
}

/** Largest result kept in memory; larger ones are read from disk on every hit. */
const MAX_MEMO_ENTRY = 1 << 20;
/** Index entries remembered per store (the newest lookups). */
const MAX_MEMO_KEYS = 10_000;

/**
 * A function-result cache in a directory, on cacache: results are stored content-addressed
 * (identical results once), the index maps each call key to its result and the run that computed
 * it. Files are written atomically (temporary file, then rename), so several processes can share a
 * directory; a damaged entry is a miss with a warning, then recomputed and rewritten.
 */
export class CacheStore extends LineageCache {
  readonly id: string;
  /** The cache directory (absolute). */
  readonly directory: string;
  private readonly layout: CacheLayout;
  private readonly memo: ResultMemo;
  /** Index entries read before, with their bucket file's path and its identity then (inode, size, times). */
  private readonly lookups = new Map<string, KnownEntry>();

  constructor(directory: string, options: CacheStoreOptions = {}) {
    if (typeof directory !== 'string' || directory.length === 0) {
      throw new TypeError('cacheStore(directory): pass the path of a cache directory, e.g. cacheStore(".xetrack-cache").');
    }
    super(options);
    this.directory = path.resolve(directory);
    this.id = `cacache:${this.directory}`;
    this.layout = cacheLayout(this.directory);
    this.memo = new ResultMemo(options.memoryBytes ?? 16 * 1024 * 1024);
  }

  get location(): string {
    return this.directory;
  }

  async set(key: string, entry: CachedResult & { functionName: string }): Promise<void> {
    const data = encodeResult(entry.value);
    const metadata: EntryMetadata = { v: 1, trackId: entry.trackId, functionName: entry.functionName };
    const integrity = await cacache.put(this.directory, key, data, { metadata });
    this.memo.put(String(integrity), new StoredResult(data)); // cacache resolves an ssri Integrity object; the index holds its text
    // keep one index line per key: an overwrite (cacheForce, or two processes) leaves no history
    await cacache.index.compact(this.directory, key, (a, b) => a.key === b.key).catch(() => undefined);
  }

  /**
   * The entry under `key`, with its result unless `withResult` is false; undefined on a miss. A
   * damaged entry (content missing, truncated or altered, unreadable metadata or result) is warned
   * about once, removed, and reported as a miss.
   */
  async read(key: string, withResult = true): Promise<CacheEntry | undefined> {
    let info: IndexEntry | null;
    try {
      info = this.lookup(key);
    } catch (error) {
      return this.damaged(key, undefined, error);
    }
    if (!info) return undefined;
    const metadata = info.metadata as Partial<EntryMetadata> | undefined;
    if (typeof metadata?.trackId !== 'string' || typeof metadata.functionName !== 'string') {
      return this.damaged(key, info.integrity, new Error('its metadata has no track_id'));
    }
    const entry: CacheEntry = { key, trackId: metadata.trackId, functionName: metadata.functionName, createdAt: new Date(info.time), size: info.size ?? 0 };
    if (!withResult) return entry;
    try {
      let stored = this.memo.get(info.integrity);
      if (!stored) {
        const data = isPlainSha512(info.integrity)
          ? readContent(this.layout, info.integrity, info.size)
          : await cacache.get.byDigest(this.directory, info.integrity, info.size === undefined ? {} : { size: info.size });
        stored = new StoredResult(data);
        this.memo.put(info.integrity, stored);
      }
      entry.result = stored.value();
    } catch (error) {
      return this.damaged(key, info.integrity, error, metadata.functionName);
    }
    return entry;
  }

  /**
   * The index entry of `key`. A key's index is one small file that every write appends to or
   * replaces, so when its inode, size and times are those of the last lookup, the entry read then is
   * still the entry: one stat instead of reading and checking the file. Checked on every call, so a
   * write or delete by another process is seen at once.
   */
  private lookup(key: string): IndexEntry | null {
    const known = this.lookups.get(key);
    if (known) {
      // a synchronous stat: microseconds for a local file, where a thread-pool round trip costs tens
      let now: Stats | undefined;
      try {
        now = statSync(known.bucket, { throwIfNoEntry: false });
      } catch {
        now = undefined; // unreadable: the read below reports it
      }
      if (now !== undefined && sameFile(known, now)) return known.info;
      this.lookups.delete(key);
    }
    const bucket = known?.bucket ?? bucketPath(this.layout, key);
    // no file is a miss; a file that can't be read throws (a damaged entry)
    const read = readIndexFile(bucket, key);
    if (!read?.entry) return null;
    if (this.lookups.size >= MAX_MEMO_KEYS) this.lookups.delete(this.lookups.keys().next().value!);
    const { ino, size, mtimeMs, ctimeMs } = read.stat;
    this.lookups.set(key, { bucket, ino, size, mtimeMs, ctimeMs, info: read.entry });
    return read.entry;
  }

  /** Every entry (the latest per key), in no particular order; results are read unless `results` is false. */
  async *scan(options: { results?: boolean } = {}): AsyncGenerator<CacheEntry> {
    const index = await this.index();
    for (const key of Object.keys(index)) {
      const entry = await this.read(key, options.results ?? true);
      if (entry) yield entry;
    }
  }

  /** Deletes the entries computed by `trackId` (and their stored results when no other entry shares them); resolves the count. */
  async deleteByTrackId(trackId: string): Promise<number> {
    const index = await this.index();
    const doomed = Object.values(index).filter((e) => (e.metadata as Partial<EntryMetadata> | undefined)?.trackId === trackId);
    const kept = new Set(
      Object.values(index)
        .filter((e) => !doomed.includes(e))
        .map((e) => e.integrity),
    );
    for (const entry of doomed) {
      await removeEntry(this.directory, entry.key);
      if (!kept.has(entry.integrity)) {
        this.memo.delete(entry.integrity);
        await cacache.rm.content(this.directory, entry.integrity).catch(() => undefined);
      }
    }
    return doomed.length;
  }

  /** The index (latest entry per key); an absent directory is an empty cache. */
  private async index(): Promise<Record<string, cacache.CacheObject>> {
    try {
      return await cacache.ls(this.directory);
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return {};
      throw error;
    }
  }

  private async damaged(key: string, integrity: string | undefined, error: unknown, functionName?: string): Promise<undefined> {
    this.reportDamage(key, describeDamage(error), functionName);
    if (integrity) this.memo.delete(integrity);
    this.lookups.delete(key);
    await removeEntry(this.directory, key).catch(() => undefined);
    // a damaged content file would otherwise stay: cacache never overwrites content it believes it has
    if (integrity) await cacache.rm.content(this.directory, integrity).catch(() => undefined);
    return undefined;
  }
}

/** An index entry read before, and what its bucket file was when read. */
interface KnownEntry {
  bucket: string;
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  info: IndexEntry;
}

/** Whether a bucket file is still the one read: same inode, size and times (a rewrite, append or touch changes one). */
function sameFile(known: KnownEntry, now: Stats): boolean {
  return now.ino === known.ino && now.size === known.size && now.mtimeMs === known.mtimeMs && now.ctimeMs === known.ctimeMs;
}

/** Opens (creating on first write) the cache in `directory`: what `Tracker.open(path, { cache: directory })` uses. */
export function cacheStore(directory: string, options?: CacheStoreOptions): CacheStore {
  return new CacheStore(directory, options);
}

/**
 * Deletes a key's index bucket outright (`removeFully`; cacache's types lag behind the option), so a
 * deleted or damaged entry leaves no line behind.
 */
function removeEntry(directory: string, key: string): Promise<unknown> {
  const entry = cacache.rm.entry as unknown as (cache: string, key: string, options: { removeFully: boolean }) => Promise<unknown>;
  return entry(directory, key, { removeFully: true });
}

function describeDamage(error: unknown): string {
  const code = (error as { code?: string } | null)?.code;
  if (code === 'EINTEGRITY') return 'its content does not match its checksum';
  if (code === 'EBADSIZE') return 'its content has the wrong size';
  if (code === 'ENOENT') return 'its content file is missing';
  return (error as Error | null)?.message ?? String(error);
}

/** Stored results by content hash, least recently used dropped first, within a byte budget (of their stored bytes). */
class ResultMemo {
  private readonly entries = new Map<string, StoredResult>();
  private bytes = 0;

  constructor(private readonly budget: number) {}

  get(integrity: string): StoredResult | undefined {
    const result = this.entries.get(integrity);
    if (result) {
      this.entries.delete(integrity);
      this.entries.set(integrity, result);
    }
    return result;
  }

  put(integrity: string, result: StoredResult): void {
    const size = result.data.length;
    if (size > MAX_MEMO_ENTRY || size > this.budget) return;
    this.delete(integrity);
    this.entries.set(integrity, result);
    this.bytes += size;
    for (const [oldest, old] of this.entries) {
      if (this.bytes <= this.budget) break;
      this.entries.delete(oldest);
      this.bytes -= old.data.length;
    }
  }

  delete(integrity: string): void {
    const result = this.entries.get(integrity);
    if (result) {
      this.entries.delete(integrity);
      this.bytes -= result.data.length;
    }
  }
}
