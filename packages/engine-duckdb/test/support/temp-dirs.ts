import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect } from 'vitest';
import { isXetrackError, type Engine, type Row, type XetrackErrorCode } from '@xetrack/core/engine';

/**
 * `tempDir()` makes a fresh directory under the OS temp dir and `track(engine)` registers an engine;
 * after each test every engine is closed and every directory removed. Call once per test file.
 */
export function useTempDirs(): { tempDir: () => string; track: <E extends Engine>(engine: E) => E } {
  const made: string[] = [];
  const engines: Engine[] = [];
  afterEach(async () => {
    for (const engine of engines.splice(0)) await engine.close().catch(() => undefined);
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return {
    tempDir: () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'xt-duckdb-'));
      made.push(dir);
      return dir;
    },
    track: (engine) => {
      engines.push(engine);
      return engine;
    },
  };
}

/** The rejection of `promise`, which must be a XetrackError with `code`. */
export async function rejectsWith(promise: Promise<unknown>, code: XetrackErrorCode): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  const got = isXetrackError(error) ? `${error.code}: ${error.message}` : String(error);
  expect(isXetrackError(error, code), `expected XetrackError ${code}, got ${got}`).toBe(true);
  return error as Error;
}

/** A (track_id, timestamp) row. */
export function keyRow(i: number, values: Row = {}, trackId = 'run'): Row {
  return { track_id: trackId, timestamp: `2024-01-01 00:00:00.${String(i).padStart(6, '0')}`, ...values };
}
