import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isXetrackError, Tracker } from '@xetrack/core';
import { describe, expect, it } from 'vitest';
import { sqliteEngine } from '../src/index.js';
import { useTempDirs } from './support/temp-dirs.js';

const tempDir = useTempDirs();

/** What every "the addon cannot load" error must say: what happened and each way to build it. */
function expectBuildAdvice(error: unknown): void {
  expect(isXetrackError(error, 'ENGINE_NOT_FOUND'), String(error)).toBe(true);
  const message = (error as Error).message;
  expect(message).toContain("better-sqlite3's native addon is not built");
  expect(message).toContain(`Node ${process.version}`);
  expect(message).toContain('pnpm approve-builds better-sqlite3');
  expect(message).toContain('pnpm rebuild better-sqlite3');
  expect(message).toContain('--allow-build=better-sqlite3');
  expect(message).toContain('npm rebuild better-sqlite3');
  expect(message).toContain('npm_config_nodedir');
  expect((error as Error).cause).toBeInstanceOf(Error);
}

describe('a native addon that cannot be loaded', () => {
  it('an addon file that does not exist is one clear error saying how to build it, and nothing is created', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'track.db');
    const missing = path.join(dir, 'build', 'Release', 'better_sqlite3.node');
    const error = await sqliteEngine.create({ path: db, nativeBinding: missing }).catch((e: unknown) => e);
    expectBuildAdvice(error);
    expect(((error as Error).cause as { code?: string }).code).toBe('MODULE_NOT_FOUND');
    expect(existsSync(db)).toBe(false);
  });

  it('an addon that is not a loadable library (another platform, a broken build) gets the same error', async () => {
    const dir = tempDir();
    const broken = path.join(dir, 'better_sqlite3.node');
    writeFileSync(broken, 'not an ELF file');
    const error = await sqliteEngine.create({ path: path.join(dir, 'track.db'), nativeBinding: broken }).catch((e: unknown) => e);
    expectBuildAdvice(error);
    expect(((error as Error).cause as { code?: string }).code).toBe('ERR_DLOPEN_FAILED');
  });

  it('reaches the user of Tracker.open through engineOptions, as the one error', async () => {
    const dir = tempDir();
    const error = await Tracker.open(path.join(dir, 'track.db'), { engineOptions: { nativeBinding: path.join(dir, 'none.node') } }).catch((e: unknown) => e);
    expectBuildAdvice(error);
  });

  it('a bad nativeBinding option is INVALID_ARGUMENT; the real addon still opens afterwards', async () => {
    const dir = tempDir();
    await expect(sqliteEngine.create({ path: path.join(dir, 'a.db'), nativeBinding: '' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const engine = await sqliteEngine.create({ path: path.join(dir, 'a.db') });
    expect(await engine.tables()).toEqual([]);
    await engine.close();
  });
});
