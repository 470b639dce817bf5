import { hash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * Synchronous reads of cacache's on-disk format, for the cache-hit path: a hit reads one small
 * index file and one small content file, and two thread-pool round trips each (cacache's own
 * promise API) cost several times the read itself. Same format and checks as cacache 20's
 * `get.info` (`lib/entry-index.js` find) and `get.byDigest` (`lib/content/read.js`): lines whose
 * hash does not match are skipped, the newest line for the key wins, a null integrity is a
 * deletion; content must have the recorded size and sha512. Paths are built here (one-shot hashes,
 * no `path.join`, no ssri parse), as cacache builds them: a hit is mostly these small costs.
 */
const require = createRequire(import.meta.url);
const entryIndex = require('cacache/lib/entry-index.js') as { bucketDir(cache: string): string };
const contentPaths = require('cacache/lib/content/path.js') as { contentDir(cache: string): string };

/** A cache directory's index folder and sha512 content folder (named by cacache, with its format versions). */
export interface CacheLayout {
  indexDir: string;
  sha512Dir: string;
}

export function cacheLayout(cache: string): CacheLayout {
  return { indexDir: entryIndex.bucketDir(cache), sha512Dir: path.join(contentPaths.contentDir(cache), 'sha512') };
}

/** What a hit needs of a key's index line (cacache's CacheObject without the content path, built only when read). */
export interface IndexEntry {
  integrity: string;
  size: number | undefined;
  time: number;
  metadata: unknown;
}

/** Where cacache keeps a key's index lines: the key's sha256 (hex) split 2/2/rest under the index folder. */
export function bucketPath(layout: CacheLayout, key: string): string {
  return underSegments(layout.indexDir, hash('sha256', key, 'hex'));
}

/** Room for a digest's bytes while its hex is made (reused: one path is built at a time). */
const digestBytes = Buffer.alloc(64);

/** Where cacache keeps the content under a sha512 `integrity`: its hex digest split 2/2/rest under the sha512 folder. */
function sha512Path(layout: CacheLayout, integrity: string): string {
  const length = digestBytes.write(integrity.slice(7), 'base64');
  return underSegments(layout.sha512Dir, digestBytes.toString('hex', 0, length));
}

/** `path.join(dir, hex[0..2], hex[2..4], hex[4..])` for a joined `dir` (the hex segments need no normalizing). */
function underSegments(dir: string, hex: string): string {
  return `${dir}${path.sep}${hex.slice(0, 2)}${path.sep}${hex.slice(2, 4)}${path.sep}${hex.slice(4)}`;
}

/**
 * Reads a key's index file: its entry (null when none, or deleted) and the file's stat as read
 * (from the open file, so it describes the bytes read); undefined when there is no file. Throws when
 * the file can't be read.
 */
export function readIndexFile(bucket: string, key: string): { entry: IndexEntry | null; stat: Stats } | undefined {
  let fd: number;
  try {
    fd = openSync(bucket, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let stat: Stats;
  let data: Buffer;
  try {
    stat = fstatSync(fd);
    // only the bytes the stat counts: what another process appends after it is read by the next lookup
    data = readUpTo(fd, stat.size, stat.size);
  } finally {
    closeSync(fd);
  }
  return { entry: latestEntry(data, key), stat };
}

/**
 * The newest good line of `key` in an index file (searched from the end), as cacache's find. A line
 * is `<sha1 of the JSON>\t<JSON>`; the checksum is taken over the file's bytes, which are the UTF-8
 * of the text cacache hashed, so only the JSON of a good line is decoded.
 */
function latestEntry(data: Buffer, key: string): IndexEntry | null {
  for (let end = data.length; end > 0; ) {
    const newline = data.lastIndexOf(NEWLINE, end - 1);
    const start = newline + 1;
    const tab = data.indexOf(TAB, start);
    if (tab !== -1 && tab < end) {
      const json = data.subarray(tab + 1, end);
      // a damaged line fails its checksum: cacache skips it too
      if (hash('sha1', json, 'hex') === data.toString('latin1', start, tab)) {
        let entry: { key?: unknown; integrity?: string | null; size?: number; time: number; metadata?: unknown } | undefined;
        try {
          entry = JSON.parse(json.toString('utf8')) as typeof entry;
        } catch {
          entry = undefined;
        }
        if (entry && entry.key === key) return entry.integrity ? { integrity: entry.integrity, size: entry.size, time: entry.time, metadata: entry.metadata } : null;
      }
    }
    end = newline;
  }
  return null;
}

const NEWLINE = 0x0a;
const TAB = 0x09;

/** True when the sync reader can check `integrity` itself (cacache writes one sha512). */
export function isPlainSha512(integrity: string): boolean {
  return /^sha512-[A-Za-z0-9+/]+={0,2}$/.test(integrity);
}

/** The content under a sha512 `integrity` (see isPlainSha512), checked for size and digest; throws (EBADSIZE/EINTEGRITY) like cacache. */
export function readContent(layout: CacheLayout, integrity: string, size: number | undefined): Buffer {
  const fd = openSync(sha512Path(layout, integrity), 'r');
  let data: Buffer;
  try {
    // room for one byte more than recorded, so a longer file shows without a stat or a read at its end
    const expected = size ?? fstatSync(fd).size;
    data = readUpTo(fd, expected + 1, expected);
  } finally {
    closeSync(fd);
  }
  if (size !== undefined && data.length !== size) {
    throw Object.assign(new Error(`Bad data size: expected inserted data to be ${size} bytes, but got ${data.length === size + 1 ? 'more' : data.length} instead`), { code: 'EBADSIZE' });
  }
  if (`sha512-${hash('sha512', data, 'base64')}` !== integrity) {
    throw Object.assign(new Error(`Integrity verification failed for ${integrity}`), { code: 'EINTEGRITY' });
  }
  return data;
}

/** The start of an open file: read until `enough` bytes are in (at most `room`), or its end. */
function readUpTo(fd: number, room: number, enough: number): Buffer {
  const data = Buffer.allocUnsafe(room);
  let length = 0;
  while (length < enough) {
    const n = readSync(fd, data, length, room - length, length);
    if (n === 0) break;
    length += n;
  }
  return length === room ? data : data.subarray(0, length);
}
