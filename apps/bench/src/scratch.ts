import { rmSync } from 'node:fs';
import { join } from 'node:path';

let counter = 0;

/** A fresh, unused database path in `dir` (every measurement writes its own file). */
export function scratchPath(dir: string, label: string, extension = 'db'): string {
  counter += 1;
  return join(dir, `${label}-${counter}.${extension}`);
}

/** Deletes a database file and its WAL/SHM companions, so a long run does not fill the disk. */
export function removeDatabase(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal', '.wal']) rmSync(path + suffix, { force: true });
}
