import { existsSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The database files this process holds open through an engine, counted per file. Shared through
 * a global symbol, so every copy of core loaded in the process sees one list. A second database
 * library (another SQLite build, e.g. the `sqlite3` package under @keyv/sqlite) must not open these
 * files: SQLite's locks do not reach across two builds in one process, and closing one drops the
 * other's locks.
 */
const HELD = Symbol.for('xetrack.heldFiles');

function held(): Map<string, number> {
  const scope = globalThis as Record<symbol, Map<string, number> | undefined>;
  return (scope[HELD] ??= new Map());
}

/** One name per file: absolute, symbolic links resolved. */
export function fileKey(path: string): string {
  const absolute = resolve(path);
  return existsSync(absolute) ? realpathSync(absolute) : absolute;
}

/** Records that an engine holds `path`; the returned function releases it (once). */
export function holdFile(path: string): () => void {
  const key = fileKey(path);
  const files = held();
  files.set(key, (files.get(key) ?? 0) + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = (files.get(key) ?? 1) - 1;
    if (left > 0) files.set(key, left);
    else files.delete(key);
  };
}

/** True while an engine of this process holds `path` open. */
export function isFileHeld(path: string): boolean {
  return held().has(fileKey(path));
}
