import path from 'node:path';
import { Tracker, type TrackerOptions } from '@xetrack/core';
import { sqliteEngine } from '@xetrack/engine-sqlite';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { cacheStore } from '../src/index.js';
import { tempDir } from './helpers.js';

/** The tracker's warnings go to stderr: captured here. */
const stderr = vi.spyOn(process.stderr, 'write');
beforeEach(() => void stderr.mockClear().mockImplementation(() => true));
afterAll(() => stderr.mockRestore());
const paramWarnings = () => stderr.mock.calls.map(([chunk]) => String(chunk)).filter((line) => line.includes('not part of its cache key'));

/** One sweep over two temperatures, each a tracker with the temperature as a param, on one cache. */
async function sweep(options: Pick<TrackerOptions, 'cacheKeyParams'>, perCall?: boolean) {
  const cache = cacheStore(tempDir());
  const db = path.join(tempDir('xt-db-'), 'track.db');
  let temperature = 0;
  let calls = 0;
  // reads the configuration from outer scope, as code under a tracker's params often does
  function generate(prompt: string) {
    calls += 1;
    return `${prompt} at ${temperature}`;
  }
  const answers: string[] = [];
  for (const t of [0, 0.7, 0.7]) {
    temperature = t;
    const tracker = await Tracker.open(db, { engine: sqliteEngine, cache, params: { temperature: t }, ...options });
    answers.push(await tracker.track(generate, { args: ['hi'], ...(perCall === undefined ? {} : { cacheKeyParams: perCall }) }));
    await tracker.close();
  }
  return { answers, calls };
}

describe('cached calls under tracker params', () => {
  it('by default (as in Python) the params are not in the key: the second configuration gets the first answer, with one warning', async () => {
    const { answers, calls } = await sweep({});
    expect(answers).toEqual(['hi at 0', 'hi at 0', 'hi at 0']);
    expect(calls).toBe(1);
    expect(paramWarnings()).toHaveLength(1);
    expect(paramWarnings()[0]).toMatch(/generate is cached while the tracker has params \(temperature\).*cacheKeyParams: true/);
  });

  it('cacheKeyParams: true on the tracker puts them in the key: one computation per configuration, no warning', async () => {
    const { answers, calls } = await sweep({ cacheKeyParams: true });
    expect(answers).toEqual(['hi at 0', 'hi at 0.7', 'hi at 0.7']);
    expect(calls).toBe(2);
    expect(paramWarnings()).toEqual([]);
  });

  it('the per-call option overrides the tracker', async () => {
    expect((await sweep({ cacheKeyParams: false }, true)).answers).toEqual(['hi at 0', 'hi at 0.7', 'hi at 0.7']);
    const off = await sweep({ cacheKeyParams: true }, false);
    expect(off.answers).toEqual(['hi at 0', 'hi at 0', 'hi at 0']);
    expect(paramWarnings()).toEqual([]); // false says the params do not matter: no warning
  });

  it('no warning without tracker params, nor for the git stamp alone', async () => {
    const cache = cacheStore(tempDir());
    const tracker = await Tracker.open(path.join(tempDir('xt-db-'), 'track.db'), { engine: sqliteEngine, cache, gitRoot: process.cwd() });
    expect(tracker.params.git_commit_hash).toMatch(/^[0-9a-f]{40}$/);
    await tracker.track((x: number) => x + 1, { args: [1], name: 'inc' });
    await tracker.close();
    expect(paramWarnings()).toEqual([]);
  });
});
