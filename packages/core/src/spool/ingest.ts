import { existsSync } from 'node:fs';
import { open, readdir, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Engine, Row } from '../engine/contract.js';
import type { EngineChoice } from '../engine/load-engine.js';
import { openSide } from '../copy.js';
import { messageOf, XetrackError } from '../errors.js';
import { insertNewRows } from '../insert-new-rows.js';
import { checkTableName } from '../schema/identifiers.js';
import { readIngestState, writeIngestState, type FragmentState } from './ingest-state.js';
import { decodeRow, FRAGMENT_NAME, SPOOL_VERSION, type SpoolLine } from './spool-lines.js';

export interface IngestOptions {
  /** The target's engine (default: the one its location implies). */
  targetEngine?: EngineChoice;
  /** Rows checked and written per step (default 5,000). */
  batchSize?: number;
  /** Delete each fragment once its writer has closed it and all of it is in the target. */
  remove?: boolean;
  /** Called after each fragment. */
  onProgress?(progress: IngestProgress): void;
}

export interface IngestProgress {
  fragment: string;
  /** Fragments looked at so far, of `total`. */
  done: number;
  total: number;
  rows: number;
}

export interface IngestResult {
  /** Fragment files found in the spool. */
  fragments: number;
  /** Rows written into the target now. */
  rows: number;
  /** Rows read that the target already held (same track_id and timestamp), e.g. after an interrupted ingest. */
  skipped: number;
  /** Rows the target holds with other values: kept as they are (never expected from a spool). */
  conflicts: number;
  /** Fragments whose writer has closed them and that are now wholly in the target. */
  finished: number;
  /** Of those, fragments deleted (`remove`). */
  removed: number;
  /** Fragments ending in an incomplete line: a writer still writing it, or one killed while it did (never ingested). */
  incomplete: { fragment: string; bytes: number }[];
  /** Complete lines that are not spool lines (a damaged file): passed over and listed. */
  damaged: { fragment: string; offset: number; reason: string }[];
}

const CHUNK = 4 << 20;

/**
 * Loads the rows of every fragment in a spool directory into a database, exactly once: the offset
 * of each fragment's complete lines is kept in the target, and a row the target already holds
 * (same track_id and timestamp) is never written twice. Safe while workers still write (only
 * complete lines are read; a torn last line of a killed worker never is) and next to other ingests.
 */
export async function ingest(spool: string, target: string | Engine, options: IngestOptions = {}): Promise<IngestResult> {
  if (!existsSync(spool)) throw new XetrackError('NOT_FOUND', `No spool directory at ${spool}: check the path (workers create it on their first row).`);
  const names = (await readdir(spool)).filter((f) => FRAGMENT_NAME.test(f)).sort();
  const result: IngestResult = { fragments: names.length, rows: 0, skipped: 0, conflicts: 0, finished: 0, removed: 0, incomplete: [], damaged: [] };
  const to = await openSide(target, options.targetEngine, false);
  try {
    const state = await readIngestState(to.engine);
    for (const [index, name] of names.entries()) {
      const before = state?.get(name) ?? { bytes: 0, done: false };
      if (!before.done) await ingestFragment(path.join(spool, name), name, before, to.engine, result, options);
      else if (options.remove) await removeFragment(path.join(spool, name), result);
      options.onProgress?.({ fragment: name, done: index + 1, total: names.length, rows: result.rows });
    }
    return result;
  } finally {
    if (to.owned) await to.engine.close();
  }
}

async function ingestFragment(file: string, name: string, from: FragmentState, to: Engine, result: IngestResult, options: IngestOptions): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // removed by another ingest meanwhile
    throw error;
  }
  const batchSize = options.batchSize ?? 5_000;
  const pending = new Map<string, Row[]>();
  let offset = from.bytes;
  let ended = false;
  const flush = async () => {
    for (const [table, rows] of pending) {
      for (let i = 0; i < rows.length; i += batchSize) {
        const written = await insertNewRows(to, table, rows.slice(i, i + batchSize));
        result.rows += written.inserted;
        result.skipped += written.same + written.conflicts.length;
        result.conflicts += written.conflicts.length;
      }
    }
    pending.clear();
  };
  try {
    let carry = Buffer.alloc(0);
    let position = offset;
    for (;;) {
      const chunk = Buffer.alloc(CHUNK);
      const { bytesRead } = await handle.read(chunk, 0, CHUNK, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      const data = carry.length ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
      const last = data.lastIndexOf(10);
      if (last < 0) {
        carry = Buffer.from(data);
        continue;
      }
      let start = 0;
      while (start <= last) {
        const end = data.indexOf(10, start);
        const line = data.toString('utf8', start, end);
        const lineOffset = offset + start;
        start = end + 1;
        if (await applyLine(line, lineOffset, name, to, pending, result)) ended = true;
      }
      carry = Buffer.from(data.subarray(last + 1));
      // Every complete line so far is applied or queued: write the rows, then record the offset.
      await flush();
      offset += last + 1;
      await writeIngestState(to, name, { bytes: offset, done: false });
    }
    if (carry.length > 0) result.incomplete.push({ fragment: name, bytes: carry.length });
  } finally {
    await handle.close();
  }
  if (ended && result.incomplete.at(-1)?.fragment !== name) {
    await writeIngestState(to, name, { bytes: offset, done: true });
    result.finished++;
    if (options.remove) await removeFragment(file, result);
  }
}

/** Applies one complete line: columns to the target now, rows queued; true for the writer's closing line. */
async function applyLine(text: string, offset: number, fragment: string, to: Engine, pending: Map<string, Row[]>, result: IngestResult): Promise<boolean> {
  let line: SpoolLine;
  try {
    line = JSON.parse(text) as SpoolLine;
    if ('spool' in line && line.spool !== SPOOL_VERSION) throw new Error(`spool format version ${line.spool}; this @xetrack/core reads version ${SPOOL_VERSION}`);
    if ('columns' in line) {
      checkTableName(line.table);
      await to.ensureColumns(line.table, line.columns);
    } else if ('rows' in line) {
      checkTableName(line.table);
      const rows = pending.get(line.table) ?? [];
      for (const row of line.rows) rows.push(decodeRow(row));
      pending.set(line.table, rows);
    }
    return 'end' in line;
  } catch (error) {
    if (error instanceof XetrackError && error.code !== 'INVALID_IDENTIFIER') throw error; // the target failed: stop here
    result.damaged.push({ fragment, offset, reason: messageOf(error) });
    return false;
  }
}

async function removeFragment(file: string, result: IngestResult): Promise<void> {
  try {
    await unlink(file);
    result.removed++;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
