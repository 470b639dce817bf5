import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

/**
 * `tempDir()` makes a fresh directory under the OS temp dir; every one made during a test is removed
 * after it. Call `useTempDirs()` once at the top of a test file.
 */
export function useTempDirs(): () => string {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'xt-sqlite-'));
    made.push(dir);
    return dir;
  };
}

/** A SQL identifier quoted independently of the engine's own code, for test-side statements. */
export function q(name: string): string {
  return `"${name.split('"').join('""')}"`;
}
