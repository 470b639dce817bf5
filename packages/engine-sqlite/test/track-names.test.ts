import path from 'node:path';
import { Tracker } from '@xetrack/core';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { sqliteEngine } from '../src/index.js';
import { useTempDirs } from './support/temp-dirs.js';

const tempDir = useTempDirs();

/** The tracker's warnings go to stderr: captured here. */
const stderr = vi.spyOn(process.stderr, 'write');
beforeEach(() => void stderr.mockClear().mockImplementation(() => true));
afterAll(() => stderr.mockRestore());
const unnamedWarnings = () => stderr.mock.calls.map(([chunk]) => String(chunk)).filter((line) => line.includes('has no name'));
const open = () => Tracker.open(path.join(tempDir(), 'track.db'), { engine: sqliteEngine });

describe('function_name of tracked calls', () => {
  it('a bound function logs its target name, not "bound predict"', async () => {
    const tracker = await open();
    const model = {
      weight: 2,
      predict(this: { weight: number }, x: number) {
        return x * this.weight;
      },
    };
    expect(await tracker.track(model.predict.bind(model), { args: [3] })).toBe(6);
    const twice = model.predict.bind(model).bind(null);
    await tracker.track(twice, { args: [4] });
    expect(await tracker.values('function_name')).toEqual(['predict', 'predict']);
    expect(unnamedWarnings()).toEqual([]);
    await tracker.close();
  });

  it('the name option wins; an arrow assigned to a const is named by JavaScript itself', async () => {
    const tracker = await open();
    const score = (x: number) => x / 2;
    await tracker.track(score, { args: [1] });
    await tracker.track(score, { args: [1], name: 'half' });
    await tracker.wrap(async (split: string) => split.length, { name: 'evaluate' })('test');
    expect(await tracker.values('function_name')).toEqual(['score', 'half', 'evaluate']);
    expect(unnamedWarnings()).toEqual([]);
    await tracker.close();
  });

  it("an inline function logs 'anonymous' and warns once per function to pass name", async () => {
    const tracker = await open();
    const evaluate = tracker.wrap(async (split: string) => (split === 'test' ? 0.93 : 0.97));
    await evaluate('test');
    await evaluate('train');
    const inline = [() => 42]; // an array element: JavaScript gives it no name
    await tracker.track(inline[0]!);
    expect(await tracker.values('function_name')).toEqual(['anonymous', 'anonymous', 'anonymous']);
    const warnings = unnamedWarnings();
    expect(warnings).toHaveLength(2); // the wrapped function once, the other inline function once
    expect(warnings[0]).toContain('async (split) =>'); // its source, to find it
    expect(warnings[0]).toContain("Pass { name: '...' }");
    expect(warnings[1]).toContain('() => 42');
    // another tracker does not warn again about the same function
    const other = await open();
    await other.track(inline[0]!);
    expect(unnamedWarnings()).toHaveLength(2);
    await tracker.close();
    await other.close();
  });

  it('warnings: false silences the warning', async () => {
    const tracker = await Tracker.open(path.join(tempDir(), 'track.db'), { engine: sqliteEngine, warnings: false });
    await tracker.track(() => 1);
    expect(unnamedWarnings()).toEqual([]);
    expect(await tracker.values('function_name')).toEqual(['anonymous']);
    await tracker.close();
  });
});
