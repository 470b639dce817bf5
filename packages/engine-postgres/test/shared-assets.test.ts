import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import KeyvPostgres from '@keyv/postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { assetStore } from '@xetrack/assets';
import { Reader } from '@xetrack/core';
import { postgresEngine } from '../src/index.js';
import { runNode } from './support/child.js';
import { admin, BASE_URL, dropSchema, uniqueSchema, urlFor } from './support/server.js';

const WRITER = fileURLToPath(new URL('./fixtures/assets-writer.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));

interface WriterReport {
  trackId: string;
  hashes: Record<string, string>;
  back: Record<string, number[]>;
}

describe('assets shared through @keyv/postgres by two processes', () => {
  const schema = uniqueSchema('assets');
  const url = urlFor(schema);
  afterAll(() => dropSchema(schema));

  it("the second process finds the first one's asset by its hash: stored once, read back by both", async () => {
    expect(existsSync(DIST), `${DIST} is missing: build the package first (pnpm build)`).toBe(true);
    const first = await runNode<WriterReport>(WRITER, [url, BASE_URL, schema, 'machine-a', '1,2,3', '4,5']);
    const second = await runNode<WriterReport>(WRITER, [url, BASE_URL, schema, 'machine-b', '1,2,3', '7']);

    // Same content, same hash, whoever logged it.
    expect(second.hashes['1,2,3']).toBe(first.hashes['1,2,3']);
    expect(new Set([first.hashes['1,2,3'], first.hashes['4,5'], second.hashes['7']]).size).toBe(3);
    expect(second.back).toEqual({ '1,2,3': [1, 2, 3], '7': [7] });
    expect(first.back).toEqual({ '1,2,3': [1, 2, 3], '4,5': [4, 5] });

    // One blob per distinct value in the shared store.
    const blobs = await admin<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".xt_assets WHERE key LIKE 'xetrack-assets-blob:%'`);
    expect(blobs[0]?.n).toBe(3);

    // Each row names its own run; the shared asset is counted once per process that logged it.
    const reader = await Reader.open(url, { engine: postgresEngine });
    const rows = await reader.toRows();
    expect(rows.map((r) => [r.track_id, r.label, r.weights])).toEqual([
      ['machine-a', '1,2,3', first.hashes['1,2,3']],
      ['machine-a', '4,5', first.hashes['4,5']],
      ['machine-b', '1,2,3', first.hashes['1,2,3']],
      ['machine-b', '7', second.hashes['7']],
    ]);
    expect(await reader.tables()).toEqual(['default']); // the Keyv table is not a tracking table
    await reader.close();

    const stores: KeyvPostgres[] = [];
    const assets = assetStore({
      store: () => {
        const store = new KeyvPostgres({ uri: BASE_URL, schema, table: 'xt_assets' });
        stores.push(store);
        return store;
      },
      warnings: false,
    });
    try {
      const listed = await assets.list();
      expect(listed.find((a) => a.hash === first.hashes['1,2,3'])).toMatchObject({ count: 2 });
      // `columns`: the column whose last logged asset this is (machine-b logged '7' last).
      expect(listed.find((a) => a.hash === second.hashes['7'])).toMatchObject({ count: 1, columns: ['weights'] });
      expect(Array.from((await assets.get(second.hashes['7']!)) as Float32Array)).toEqual([7]);
    } finally {
      await assets.close();
      await stores[0]?.disconnect(); // one pool per process, shared by both stores
    }
  });
});
