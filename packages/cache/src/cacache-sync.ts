import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type cacache from 'cacache';

/**
 * Synchronous reads of cacache's on-disk format, for the cache-hit path: a hit reads one small
 * index file and one small content file, and two thread-pool round trips each (cacache's own
 * promise API) cost several times the read itself. Same format and checks as cacache 20's
 * `get.info` (`lib/entry-index.js` find) and `get.byDigest` (`lib/content/read.js`): lines whose
 * hash does not match are skipped, the newest line for the key wins, a null integrity is a
 * deletion; content must have the recorded size and sha512.
 */
const require = createRequire(import.meta.url);
/** Where cacache keeps a key's index lines (one small file per key). */
export const { bucketPath } = require('cacache/lib/entry-index.js') as { bucketPath(cache: string, key: string): string };
const contentPath = require('cacache/lib/content/path.js') as (cache: string, integrity: string) => string;

/** The index entry of `key`, null when there is none (no file, or deleted). Throws when the file can't be read. */
export function readIndexEntry(cache: string, key: string): cacache.CacheObject | null {
  let data: string;
  try {
    data = readFileSync(bucketPath(cache, key), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  let latest: cacache.CacheObject | null = null;
  for (const line of data.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab === -1) continue;
    const json = line.slice(tab + 1);
    if (createHash('sha1').update(json).digest('hex') !== line.slice(0, tab)) continue; // damaged line: cacache skips it too
    let entry: { key?: unknown; integrity?: string | null; size?: number; time: number; metadata?: unknown } | undefined;
    try {
      entry = JSON.parse(json) as typeof entry;
    } catch {
      continue;
    }
    if (!entry || entry.key !== key) continue;
    latest = entry.integrity ? { key, integrity: entry.integrity, path: contentPath(cache, entry.integrity), size: entry.size as number, time: entry.time, metadata: entry.metadata } : null;
  }
  return latest;
}

/** True when the sync reader can check `integrity` itself (cacache writes one sha512). */
export function isPlainSha512(integrity: string): boolean {
  return /^sha512-[A-Za-z0-9+/]+={0,2}$/.test(integrity);
}

/** The content under a sha512 `integrity`, checked for size and digest; throws (EBADSIZE/EINTEGRITY) like cacache. */
export function readContent(cache: string, integrity: string, size: number | undefined): Buffer {
  const data = readFileSync(contentPath(cache, integrity));
  if (size !== undefined && data.length !== size) {
    throw Object.assign(new Error(`Bad data size: expected inserted data to be ${size} bytes, but got ${data.length} instead`), { code: 'EBADSIZE' });
  }
  if (`sha512-${createHash('sha512').update(data).digest('base64')}` !== integrity) {
    throw Object.assign(new Error(`Integrity verification failed for ${integrity}`), { code: 'EINTEGRITY' });
  }
  return data;
}
