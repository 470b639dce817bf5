import { isXetrackError, Tracker } from '@xetrack/core';
import { SqliteEngine, sqliteEngine } from '@xetrack/engine-sqlite';
import { describe, expect, it } from 'vitest';
import type { KeyvAssetStore } from '../src/index.js';
import { tempDb } from './helpers.js';

/** A tracker with assets in a fresh file and the hash of one logged value. */
async function logged() {
  const db = tempDb();
  const tracker = await Tracker.open(db, { engine: sqliteEngine, assets: true, warnings: false });
  const hash = String((await tracker.log({ model: new Float32Array([1, 2, 3]) })).model);
  return { db, tracker, hash, assets: tracker.assets as KeyvAssetStore };
}

/** Runs SQL on `db` through a connection of its own, as a user with a database tool would. */
async function byHand(db: string, sql: string, params: string[] = []): Promise<void> {
  const engine = new SqliteEngine({ path: db });
  await engine.sql(sql, params);
  await engine.close();
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

/** A DAMAGED XetrackError that names the hash and says what to do. */
function expectDamaged(error: Error, hash: string): void {
  expect(isXetrackError(error, 'DAMAGED'), `${error.name}: ${error.message}`).toBe(true);
  expect(error.message).toContain(hash);
  expect(error.message).toMatch(/log the value again/i);
}

describe('asset store damage: clear errors, and logging the value again restores it', () => {
  it('the asset table dropped: a miss (no raw SQLite error); the next log creates it again and restores the value', async () => {
    const { db, tracker, hash, assets } = await logged();
    await byHand(db, 'DROP TABLE xetrack_assets');
    expect(await assets.get(hash)).toBeUndefined();
    expect(await assets.list()).toEqual([]);
    expect((await tracker.log({ model: new Float32Array([1, 2, 3]) })).model).toBe(hash);
    expect(await assets.get(hash)).toEqual(new Float32Array([1, 2, 3]));
    expect(await assets.list()).toMatchObject([{ hash, count: 1, columns: ['model'] }]);
    await tracker.close();
  });

  for (const [name, garbage] of [
    ['not JSON', '{garbled'],
    ['JSON that is no blob', '{"value":"hello","expires":null}'],
  ] as const) {
    it(`a blob garbled (${name}): get() is a DAMAGED error naming the hash; logging the value again restores it`, async () => {
      const { db, tracker, hash, assets } = await logged();
      await byHand(db, 'UPDATE xetrack_assets SET value = ? WHERE key = ?', [garbage, `xetrack-assets-blob:${hash}`]);
      expectDamaged(await failure(assets.get(hash)), hash);
      expectDamaged(await failure(assets.serialized(hash)), hash);
      expect((await tracker.log({ model: new Float32Array([1, 2, 3]) })).model).toBe(hash);
      expect(await assets.get(hash)).toEqual(new Float32Array([1, 2, 3]));
      await tracker.close();
    });
  }

  for (const [name, garbage] of [
    ['not JSON', 'garbage'],
    ['a record with wrong fields', '{"value":{"serializer":"v8","created":"yesterday"},"expires":null}'],
  ] as const) {
    it(`a record garbled (${name}): get() and list() are DAMAGED errors naming the hash; logging the value again restores it`, async () => {
      const { db, tracker, hash, assets } = await logged();
      await byHand(db, 'UPDATE xetrack_assets SET value = ? WHERE key = ?', [garbage, `xetrack-assets:meta:${hash}`]);
      expectDamaged(await failure(assets.get(hash)), hash);
      expectDamaged(await failure(assets.list()), hash);
      expectDamaged(await failure(assets.gc({ graceMs: 0 })), hash);
      expect((await tracker.log({ model: new Float32Array([1, 2, 3]) })).model).toBe(hash);
      expect(await assets.get(hash)).toEqual(new Float32Array([1, 2, 3]));
      expect(await assets.list()).toMatchObject([{ hash, count: 1, serializer: 'v8' }]);
      await tracker.close();
    });
  }

  it('a damaged asset can be deleted (removeHash), and the store goes on', async () => {
    const { db, tracker, hash, assets } = await logged();
    await byHand(db, 'UPDATE xetrack_assets SET value = ? WHERE key = ?', ['garbage', `xetrack-assets:meta:${hash}`]);
    expect(await assets.removeHash(hash)).toBe(true);
    expect(await assets.list()).toEqual([]);
    expect(await assets.get(hash)).toBeUndefined();
    await tracker.close();
  });

  it('a column entry garbled: get(column) is a DAMAGED error naming the column', async () => {
    const { db, tracker, assets } = await logged();
    await byHand(db, 'UPDATE xetrack_assets SET value = ? WHERE key = ?', ['{oops', 'xetrack-assets:column:model']);
    const error = await failure(assets.get('model'));
    expect(isXetrackError(error, 'DAMAGED'), error.message).toBe(true);
    expect(error.message).toContain('"model"');
    expect((await tracker.log({ model: new Float32Array([7]) })).model).toMatch(/^[0-9a-f]{16}$/);
    expect(await assets.get('model')).toEqual(new Float32Array([7]));
    await tracker.close();
  });

  it('a tracking table named xetrack_assets (the asset table) is refused before anything is written', async () => {
    const db = tempDb();
    for (const table of ['xetrack_assets', 'XETRACK_ASSETS']) {
      const error = await failure(Tracker.open(db, { engine: sqliteEngine, table, warnings: false }));
      expect(isXetrackError(error, 'INVALID_IDENTIFIER'), error.message).toBe(true);
      expect(error.message).toContain('xetrack_assets');
    }
  });
});
