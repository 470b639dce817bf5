import { existsSync } from 'node:fs';
import path from 'node:path';
import { Reader, type EnginePlugin } from '@xetrack/core';
import { describe, expect, it } from 'vitest';
import { columnOf, parseMarkdown } from './markdown-table.js';
import { flatRows, RUNS, writeDatabase } from './databases.js';
import { memoryXt } from './memory-context.js';
import { useTempDir } from './temp-dir.js';

export interface SuiteOptions {
  plugin: EnginePlugin<any>;
  /** File name of a database of this engine, e.g. `track.db`. */
  file: string;
}

/**
 * The commands run in-process against a context built on `plugin`: the same tests for every
 * engine (call it again with the DuckDB plugin once that engine is in).
 */
export function commandSuite(name: string, { plugin, file }: SuiteOptions): void {
  describe(`xt commands on the ${name} engine (in-process, injected context)`, () => {
    const tempDir = useTempDir(`xt-${name}-`);
    const xt = memoryXt(plugin);
    const database = () => writeDatabase(plugin, tempDir(), file);
    const all = flatRows();

    it('head and tail print the first and last rows, oldest first', async () => {
      const db = await database();
      const head = await xt(['head', db, '--n', '2']);
      expect(head.code).toBe(0);
      expect(head.stderr).toBe('');
      const table = parseMarkdown(head.stdout);
      expect(table.header).toEqual(['track_id', 'timestamp', 'model', 'epoch', 'acc', 'loss', 'name', 'ok']);
      expect(columnOf(table, 'acc')).toEqual(all.slice(0, 2).map((r) => String(r.acc)));
      const tail = parseMarkdown((await xt(['tail', db, '--n', '2'])).stdout);
      expect(columnOf(tail, 'name')).toEqual(['n2', 'n0|pipe']);
      expect(columnOf(tail, 'track_id')).toEqual(['run-b', 'run-b']);
    });

    it('--json prints every column of each row, in table order', async () => {
      const db = await database();
      const { code, stdout } = await xt(['head', db, '--n', '10', '--json']);
      expect(code).toBe(0);
      const rows = JSON.parse(stdout) as Record<string, unknown>[];
      expect(rows).toHaveLength(all.length);
      rows.forEach((row, i) => {
        const { timestamp, ...rest } = row;
        expect(typeof timestamp).toBe('string');
        expect(rest).toEqual({ track_id: all[i]!.track_id, model: all[i]!.model, epoch: all[i]!.epoch, acc: all[i]!.acc, loss: all[i]!.loss, name: all[i]!.name, ok: all[i]!.ok ?? null });
      });
      expect(Object.keys(rows[0]!)).toEqual(['track_id', 'timestamp', 'model', 'epoch', 'acc', 'loss', 'name', 'ok']);
    });

    it('columns lists names and types', async () => {
      const db = await database();
      const rows = JSON.parse((await xt(['columns', db, '--json'])).stdout) as { column: string; type: string }[];
      expect(rows).toEqual([
        { column: 'track_id', type: 'text' },
        { column: 'timestamp', type: 'text' },
        { column: 'model', type: 'text' },
        { column: 'epoch', type: 'integer' },
        { column: 'acc', type: 'float' },
        { column: 'loss', type: 'float' },
        { column: 'name', type: 'text' },
        { column: 'ok', type: 'boolean' },
      ]);
    });

    it('ls lists column names, a column, its unique values, one run', async () => {
      const db = await database();
      expect((await xt(['ls', db])).stdout).toBe('track_id\ntimestamp\nmodel\nepoch\nacc\nloss\nname\nok\n');
      expect(columnOf(parseMarkdown((await xt(['ls', db, 'name'])).stdout), 'name')).toEqual(all.map((r) => r.name));
      expect(columnOf(parseMarkdown((await xt(['ls', db, 'name', '--unique'])).stdout), 'name')).toEqual(['n0', 'n1', 'n2', 'n0|pipe']);
      expect(JSON.parse((await xt(['ls', db, 'epoch', '--track-id', 'run-b', '--json'])).stdout)).toEqual([{ epoch: 0 }, { epoch: 1 }]);
    });

    it('runs prints one line per run with its row count and timestamps', async () => {
      const db = await database();
      const runs = JSON.parse((await xt(['runs', db, '--json'])).stdout) as { track_id: string; rows: number; first: string; last: string }[];
      expect(runs.map((r) => [r.track_id, r.rows])).toEqual(RUNS.map((r) => [r.trackId, r.rows.length]));
      const reader = await Reader.open(db, { engine: plugin });
      for (const run of runs) {
        const stamps = (await reader.toRows({ trackId: run.track_id })).map((r) => r.timestamp);
        expect([run.first, run.last]).toEqual([stamps[0], stamps[stamps.length - 1]]);
      }
      await reader.close();
    });

    it('set changes every row, one run, or matching rows; VALUE is JSON when it parses', async () => {
      const db = await database();
      expect((await xt(['set', db, 'acc', '0.1'])).stderr).toBe(`Set acc on ${all.length} rows.\n`);
      expect(await xt(['set', db, 'note', 'hello world', '--track-id', 'run-b'])).toMatchObject({ code: 0, stderr: 'Set note on 2 rows.\n' });
      expect(await xt(['set', db, 'loss', 'null', '--where-key', 'name', '--where-value', 'n1'])).toMatchObject({ code: 0, stderr: 'Set loss on 2 rows.\n' });
      const reader = await Reader.open(db, { engine: plugin });
      const rows = await reader.toRows();
      expect(rows.map((r) => r.acc)).toEqual(all.map(() => 0.1));
      expect(rows.map((r) => r.note)).toEqual(all.map((r) => (r.track_id === 'run-b' ? 'hello world' : null)));
      expect(rows.map((r) => r.loss)).toEqual(all.map((r) => (r.name === 'n1' ? null : r.loss)));
      await reader.close();
    });

    it('delete removes one run and refuses a run that is not there', async () => {
      const db = await database();
      expect(await xt(['delete', db, 'run-a'])).toEqual({ code: 0, stdout: '', stderr: 'Deleted 3 rows of run run-a.\n' });
      const again = await xt(['delete', db, 'run-a']);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/^xt: No run "run-a" in table "default": nothing was deleted/);
      const reader = await Reader.open(db, { engine: plugin });
      expect((await reader.runs()).map((r) => r.track_id)).toEqual(['run-b']);
      await reader.close();
    });

    it('stats describe, top and bottom compute from the rows', async () => {
      const db = await database();
      const stats = JSON.parse((await xt(['stats', 'describe', db, '--columns', 'acc, name', '--json'])).stdout) as Record<string, unknown>[];
      const byStat = Object.fromEntries(stats.map((s) => [s.statistic, s]));
      const acc = all.map((r) => r.acc as number);
      const mean = acc.reduce((a, b) => a + b, 0) / acc.length;
      expect(byStat.count).toMatchObject({ acc: acc.length, name: all.length });
      expect(byStat.mean!.acc).toBeCloseTo(mean, 12);
      expect(byStat.std!.acc).toBeCloseTo(Math.sqrt(acc.reduce((s, v) => s + (v - mean) ** 2, 0) / (acc.length - 1)), 12);
      expect(byStat.max).toMatchObject({ acc: 0.8, name: null });
      expect(byStat.top).toMatchObject({ name: 'n1', acc: null });
      expect(byStat.freq).toMatchObject({ name: 2 });
      expect(byStat.unique).toMatchObject({ name: 4 });
      const top = JSON.parse((await xt(['stats', 'top', db, 'acc', '--json'])).stdout) as Record<string, unknown>[];
      expect(top.map((r) => r.name)).toEqual(['n2', 'n0|pipe']);
      const bottom = JSON.parse((await xt(['stats', 'bottom', db, 'loss', '--json'])).stdout) as Record<string, unknown>[];
      expect(bottom.map((r) => r.loss)).toEqual([0.5]);
    });

    it('sql runs a query as typed and hints at quoting a keyword table name', async () => {
      const db = await database();
      const ok = await xt(['sql', db, 'SELECT name, acc FROM "default" WHERE acc > 0.6 ORDER BY timestamp', '--json']);
      expect(JSON.parse(ok.stdout)).toEqual(all.filter((r) => (r.acc as number) > 0.6).map((r) => ({ name: r.name, acc: r.acc })));
      const bad = await xt(['sql', db, 'SELECT * FROM default']);
      expect(bad.code).toBe(1);
      expect(bad.stdout).toBe('');
      expect(bad.stderr).toContain('SELECT * FROM "default"');
      expect(bad.stderr.trimEnd().split('\n')).toHaveLength(1);
    });

    it('plot draws a histogram and a scatter plot', async () => {
      const db = await database();
      const hist = await xt(['plot', 'hist', db, 'acc', '--bins', '3', '--width', '30', '--height', '6']);
      expect(hist.code).toBe(0);
      expect(hist.stdout).toContain('acc histogram');
      expect(hist.stdout).toContain('█');
      const scatter = await xt(['plot', 'scatter', db, 'epoch', 'loss', '--width', '20', '--height', '5']);
      expect(scatter.stdout).toContain('epoch vs loss');
      expect(scatter.stdout.split('\n').filter((l) => l.includes('•')).length).toBeGreaterThan(0);
    });

    it('reports a missing table, column or file in one line with exit 1 and creates nothing', async () => {
      const db = await database();
      const table = await xt(['head', db, '--table', 'nope']);
      expect(table).toMatchObject({ code: 1, stdout: '' });
      expect(table.stderr).toMatch(/^xt: No table "nope" .*\n$/);
      const column = await xt(['ls', db, 'nope']);
      expect(column.code).toBe(1);
      expect(column.stderr).toMatch(/^xt: No column "nope" .*\n$/);
      const reader = await Reader.open(db, { engine: plugin });
      expect(await reader.tables()).toEqual(['default']);
      await reader.close();
      const missing = path.join(tempDir(), `missing-${file}`);
      expect((await xt(['head', missing])).code).toBe(1);
      expect(existsSync(missing)).toBe(false);
    });

    it('usage mistakes exit 2', async () => {
      const db = await database();
      expect((await xt(['head', db, '--n', 'x'])).code).toBe(2);
      expect((await xt(['set', db, 'a', '1', '--where-key', 'epoch'])).code).toBe(2);
      expect((await xt(['bogus'])).code).toBe(2);
    });
  });
}
