import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Reader } from '@xetrack/core';
import { postgresEngine } from '../src/index.js';
import { runNode } from './support/child.js';
import { dropSchema, uniqueSchema, urlFor } from './support/server.js';

const WRITER = fileURLToPath(new URL('./fixtures/cache-writer.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));

describe('a function-result cache shared by two processes logging to PostgreSQL', () => {
  const schema = uniqueSchema('cache');
  const url = urlFor(schema);
  const cacheDir = mkdtempSync(path.join(tmpdir(), 'xt-pg-cache-'));
  afterAll(async () => {
    rmSync(cacheDir, { recursive: true, force: true });
    await dropSchema(schema);
  });

  it('the second process answers from the first one\'s results, and its rows name the run that computed them', async () => {
    expect(existsSync(DIST), `${DIST} is missing: build the package first (pnpm build)`).toBe(true);
    const first = await runNode<{ computed: string[] }>(WRITER, [url, cacheDir, 'machine-a', 'hello world:384', 'bye:8']);
    const second = await runNode<{ computed: string[] }>(WRITER, [url, cacheDir, 'machine-b', 'hello world:384', 'new text:16']);
    expect(first.computed).toEqual(['hello world', 'bye']);
    expect(second.computed).toEqual(['new text']); // 'hello world' was not run again

    const reader = await Reader.open(url, { engine: postgresEngine });
    const rows = await reader.toRows();
    await reader.close();
    expect(rows.map((r) => [r.track_id, r.args, r.cache, r.tokens, r.dims])).toEqual([
      ['machine-a', '["hello world",384]', '', 2, 384],
      ['machine-a', '["bye",8]', '', 1, 8],
      ['machine-b', '["hello world",384]', 'machine-a', 2, 384],
      ['machine-b', '["new text",16]', '', 2, 16],
    ]);
    expect(rows[2]!.function_time).toBe(0);
  });
});
