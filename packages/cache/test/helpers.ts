import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

const dirs: string[] = [];

/** A fresh temporary directory, removed after the test. */
export function tempDir(prefix = 'xt-cache-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Every content file under a cacache directory (`content-v2/<algo>/xx/yy/rest`). */
export function contentFiles(cacheDir: string): string[] {
  return filesUnder(path.join(cacheDir, 'content-v2'));
}

/** Every index bucket file (`index-v5/xx/yy/rest`), one per key. */
export function indexFiles(cacheDir: string): string[] {
  return filesUnder(path.join(cacheDir, 'index-v5'));
}

/** Every index bucket file (`index-v5/xx/yy/rest`): one line per write of a key, until compacted. */
export function indexLines(cacheDir: string): string[] {
  return indexFiles(cacheDir).flatMap((f) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== ''),
  );
}

function filesUnder(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(full);
    }
  };
  try {
    walk(root);
  } catch {
    return [];
  }
  return out;
}

/** Runs `use` with stderr collected (where the tracker's warnings go); resolves what was written. */
export async function captureStderr(use: () => Promise<void>): Promise<string> {
  const chunks: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => chunks.push(String(chunk)) > 0) as typeof process.stderr.write;
  try {
    await use();
  } finally {
    process.stderr.write = write;
  }
  return chunks.join('');
}
