import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { sqliteEngine } from '@xetrack/engine-sqlite';
import { Reader, Tracker } from '../src/index.js';

/**
 * runs() leaves out the columns that are no run's param before its aggregate (judged on each run's
 * first and last values, for the columns that vary in most pilot runs). These runs are built so
 * that a wrong shortcut shows: columns that vary almost everywhere but are a param of one run, a
 * column whose first and last values agree while a middle one differs, NULL holes, one-row runs.
 */
const RUNS = 30;
const ROWS = 6;

function rowsOf(run: number): Record<string, unknown>[] {
  const single = run >= RUNS - 4; // the last four runs have one row each
  return Array.from({ length: single ? 1 : ROWS }, (_, k) => ({
    step: run * 100 + k, // varies in every run of several rows
    mostly: run === 7 ? 'fixed' : `v${k}`, // varies except in run 7
    sneaky: run === 5 && k === 2 ? 99 : run === 5 || run === 6 ? 1 : k, // run 5: first = last but not constant; run 6: constant
    holes: run === 9 || k % 2 === 0 ? 3.5 : null, // run 9 has no NULL
    cfg: `cfg-${run % 3}`, // a param of every run
    maybe_null: null as unknown, // never a value: no run's param
  }));
}

let dir: string;
let db: string;
beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'xt-run-params-'));
  db = path.join(dir, 'track.db');
  for (let run = 0; run < RUNS; run++) {
    const tracker = await Tracker.open(db, { engine: sqliteEngine, trackId: `run-${String(run).padStart(2, '0')}`, warnings: false });
    await tracker.logBatch(rowsOf(run));
    await tracker.close();
  }
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The definition, by brute force over every row: the columns with one non-null value on every row of the run. */
function expectedParams(rows: Record<string, unknown>[]): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const key of Object.keys(rows[0]!)) {
    if (key === 'track_id' || key === 'timestamp') continue;
    const first = rows[0]![key];
    if (first !== null && first !== undefined && rows.every((r) => r[key] === first)) params[key] = first;
  }
  return params;
}

it('runs() params match the definition on every run, whichever columns the shortcut leaves out', async () => {
  const reader = await Reader.open(db, { engine: sqliteEngine });
  try {
    const rows = (await reader.toRows()) as Record<string, unknown>[];
    const runs = await reader.runs();
    expect(runs).toHaveLength(RUNS);
    for (const run of runs) {
      const own = rows.filter((r) => r.track_id === run.track_id);
      expect(run.params, run.track_id).toEqual(expectedParams(own));
    }
    const byId = Object.fromEntries(runs.map((r) => [r.track_id, r.params]));
    expect(byId['run-07']).toMatchObject({ mostly: 'fixed', cfg: 'cfg-1' });
    expect(byId['run-05']).not.toHaveProperty('sneaky');
    expect(byId['run-06']).toMatchObject({ sneaky: 1 });
    expect(byId['run-09']).toMatchObject({ holes: 3.5 });
    expect(byId['run-08']).not.toHaveProperty('holes');
    expect(byId['run-29']).toMatchObject({ step: 2900, mostly: 'v0', sneaky: 0, holes: 3.5 });
    // without the one-row runs, `step` varies in every run and is left out of the aggregate
    const measured: string[][] = [];
    const engine = reader.engine as { aggregate: NonNullable<typeof reader.engine.aggregate> };
    const aggregate = engine.aggregate.bind(reader.engine);
    engine.aggregate = (table, options) => {
      measured.push(options.measures.filter((m) => m.fn === 'min').map((m) => m.column!));
      return aggregate(table, options);
    };
    const several = await reader.runs({ where: [{ column: 'step', op: '<', value: (RUNS - 4) * 100 }] });
    expect(several).toHaveLength(RUNS - 4);
    for (const run of several) {
      const own = rows.filter((r) => r.track_id === run.track_id);
      expect(run.params, `${run.track_id} (runs of several rows)`).toEqual(expectedParams(own));
    }
    expect(measured.at(-1)).not.toContain('step');
    expect(measured.at(-1)).toEqual(expect.arrayContaining(['mostly', 'sneaky', 'holes', 'cfg']));
  } finally {
    await reader.close();
  }
});
