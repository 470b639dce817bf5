import { copyFileSync, chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { FIXTURE_DIR } from './paths.js';

/** A fresh temporary directory per test, removed after it. */
export function useTempDir(prefix = 'xt-test-'): () => string {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  return () => (dir ??= mkdtempSync(path.join(tmpdir(), prefix)));
}

/** A writable copy of the Python xetrack fixture database in `dir`. */
export function copyFixture(dir: string): string {
  const target = path.join(dir, 'python.db');
  copyFileSync(path.join(FIXTURE_DIR, 'xetrack_fixture.db'), target);
  chmodSync(target, 0o644);
  return target;
}
