import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Tracker } from '@xetrack/core';
import { sqliteEngine } from '@xetrack/engine-sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectMcp, type McpSession } from './mcp-client.js';
import { APP_DIR, CLI, ROOT_DIR } from './support/paths.js';
import { runXt } from './support/run-xt.js';

/**
 * `xt mcp` as an agent meets it: a real MCP client spawning the built binary over stdio, on a
 * SQLite file, a DuckDB file and PostgreSQL holding the same rows.
 */

const RUNS = [
  { id: 'run-a', model: 'lr', lr: 0.1, base: 0.5 },
  { id: 'run-b', model: 'mlp', lr: 0.01, base: 0.6 },
  { id: 'run-c', model: 'mlp', lr: 0.001, base: 0.55 },
];
const EPOCHS = 8;
/** A value longer than any cell a result shows whole. */
const LONG_NOTE = 'x'.repeat(5000);
/** acc of a run at an epoch, rounded so runs b and c tie at 0.6, 0.61 and 0.62 (sorting must break ties). */
const acc = (base: number, epoch: number) => Math.round((base + epoch * 0.01) * 100) / 100;

/** Text that makes run-c's rows wide: about 1 KB each, so a 4 KB result holds fewer than 5 of them. */
const WIDE = { prompt: 'p'.repeat(400), output: 'o'.repeat(400) };

/** Every row of the default table in logging (timestamp) order. */
const ROWS = RUNS.flatMap((run) =>
  Array.from({ length: EPOCHS }, (_, epoch) => ({
    track_id: run.id,
    model: run.model,
    lr: run.lr,
    epoch,
    acc: acc(run.base, epoch),
    note: run.id === 'run-c' && epoch === 3 ? LONG_NOTE : `${run.id}/${epoch}`,
    ...(run.id === 'run-c' ? WIDE : {}),
  })),
);
const key = (row: { track_id: string; epoch: number }) => `${row.track_id}/${row.epoch}`;

const PG_DIR = path.join(ROOT_DIR, 'packages', 'engine-postgres');
const PG_BASE = process.env.XT_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PASSWORD = 'mcp-test-secret';
const dir = mkdtempSync(path.join(tmpdir(), 'xt-mcp-'));
const source = path.join(dir, 'track.db');
const schema = `xt_mcp_${process.pid}_${randomBytes(4).toString('hex')}`;
const pgUrl = (() => {
  const url = new URL(PG_BASE);
  url.searchParams.set('schema', schema);
  url.password = PASSWORD; // trust auth ignores it; the server must not show it to the model
  return url.toString();
})();

interface Store {
  name: string;
  db: string;
  /** Where xt runs: it finds engine packages from there. */
  cwd: string;
}

const STORES: Store[] = [
  { name: 'sqlite', db: source, cwd: APP_DIR },
  { name: 'duckdb', db: path.join(dir, 'track.duckdb'), cwd: APP_DIR },
  { name: 'postgres', db: pgUrl, cwd: PG_DIR },
];

beforeAll(async () => {
  for (const run of RUNS) {
    const tracker = await Tracker.open(source, { engine: sqliteEngine, trackId: run.id, params: { model: run.model, lr: run.lr }, warnings: false });
    for (const { track_id, model, lr, ...row } of ROWS.filter((r) => r.track_id === run.id)) await tracker.log(row);
    await tracker.close();
  }
  // a table only the write tests change
  for (const id of ['s1', 's2']) {
    const tracker = await Tracker.open(source, { engine: sqliteEngine, table: 'scratch', trackId: id, warnings: false });
    await tracker.logBatch([
      { step: 0, note: 'kept' },
      { step: 1, note: 'kept' },
    ]);
    await tracker.close();
  }
  for (const store of STORES.slice(1)) {
    const copied = runXt(['copy', source, store.db], { cwd: store.cwd });
    expect(copied.status, copied.stderr).toBe(0);
  }
});

afterAll(() => {
  runXt(['sql', pgUrl, `DROP SCHEMA IF EXISTS "${schema}" CASCADE`, '--write'], { cwd: PG_DIR });
  rmSync(dir, { recursive: true, force: true });
});

describe.each(STORES)('xt mcp on $name (a real MCP client, the built binary)', (store) => {
  let mcp: McpSession;
  /** The same database served with --write. */
  let writer: McpSession;
  /** The same database with small bounds: 5 rows, 4096 bytes a result. */
  let bounded: McpSession;

  beforeAll(async () => {
    mcp = await connectMcp({ args: ['mcp', store.db], cwd: store.cwd });
    writer = await connectMcp({ args: ['mcp', store.db, '--write'], cwd: store.cwd });
    bounded = await connectMcp({ args: ['mcp', store.db, '--max-rows', '5', '--max-bytes', '4096'], cwd: store.cwd });
  });

  afterAll(async () => {
    await Promise.all([mcp, writer, bounded].filter(Boolean).map((s) => s.close()));
  });

  it('lists every tool with a description and an input schema that says what to pass', async () => {
    const { tools } = await mcp.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['tables', 'columns', 'runs', 'rows', 'sql', 'diff', 'check', 'set', 'delete']);
    for (const tool of tools) {
      expect(tool.description!.length, tool.name).toBeGreaterThan(40);
      expect(tool.inputSchema.type).toBe('object');
    }
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    expect(Object.keys(byName.rows!.inputSchema.properties!)).toEqual(['table', 'trackId', 'where', 'columns', 'orderBy', 'limit', 'offset']);
    expect((byName.rows!.inputSchema.properties!.where as { description: string }).description).toContain('"acc": {"gte": 0.9}');
    expect(byName.sql!.inputSchema.required).toEqual(['query']);
    expect(byName.diff!.inputSchema.required).toEqual(['runs']);
    expect(byName.check!.inputSchema.required).toEqual(['baseline', 'candidate', 'metrics']);
    expect(byName.delete!.inputSchema.required).toEqual(['trackId']);
    // read-only hints: the reading tools always, sql only on a read-only server
    expect(tools.filter((t) => t.annotations?.readOnlyHint).map((t) => t.name)).toEqual(['tables', 'columns', 'runs', 'rows', 'sql', 'diff', 'check']);
    expect((await writer.client.listTools()).tools.filter((t) => t.annotations?.readOnlyHint).map((t) => t.name)).toEqual(['tables', 'columns', 'runs', 'rows', 'diff', 'check']);
    expect(byName.delete!.annotations?.destructiveHint).toBe(true);

    const instructions = mcp.client.getInstructions()!;
    expect(instructions).toContain('Read-only: set, delete and statements that write are refused.');
    expect(instructions).toContain('at most 500 rows and 100000 bytes');
    expect(instructions).not.toContain(PASSWORD);
    expect(writer.client.getInstructions()).toContain('Started with --write');
  });

  it('tables and columns: the tables with their counts, the columns with their types', async () => {
    const tables = await mcp.call('tables');
    expect(tables.isError).toBe(false);
    expect(tables.json.engine).toBe(store.name);
    expect(tables.json.tables.map((t: { name: string }) => t.name)).toEqual(['default', 'scratch']);
    expect(tables.json.tables[0]).toEqual({ name: 'default', rows: ROWS.length, columns: 9 });
    expect(tables.json.truncated).toBe(false);

    const columns = await mcp.call('columns');
    expect(columns.json).toEqual({
      table: 'default',
      columns: [
        { name: 'track_id', type: 'text' },
        { name: 'timestamp', type: 'text' },
        { name: 'model', type: 'text' },
        { name: 'lr', type: 'float' },
        { name: 'epoch', type: 'integer' },
        { name: 'acc', type: 'float' },
        { name: 'note', type: 'text' },
        { name: 'prompt', type: 'text' },
        { name: 'output', type: 'text' },
      ],
      truncated: false,
    });
    expect((await mcp.call('columns', { table: 'scratch' })).json.columns.map((c: { name: string }) => c.name)).toEqual(['track_id', 'timestamp', 'step', 'note']);
  });

  it('runs: one summary per run with its params and the last and best of each metric', async () => {
    const { json, isError } = await mcp.call('runs', { metrics: { acc: 'max', epoch: 'min' } });
    expect(isError).toBe(false);
    expect(json.total).toBe(3);
    expect(json.next).toBeNull();
    expect(json.truncated).toBe(false);
    expect(json.runs.map((r: { track_id: string; rows: number; params: unknown; metrics: unknown }) => [r.track_id, r.rows, r.params, r.metrics])).toEqual(
      RUNS.map((run) => [
        run.id,
        EPOCHS,
        { model: run.model, lr: run.lr, ...(run.id === 'run-c' ? WIDE : {}) },
        { acc: { last: acc(run.base, EPOCHS - 1), best: acc(run.base, EPOCHS - 1) }, epoch: { last: EPOCHS - 1, best: 0 } },
      ]),
    );
    // paged like rows
    const first = await mcp.call('runs', { limit: 2 });
    expect(first.json.runs.map((r: { track_id: string }) => r.track_id)).toEqual(['run-a', 'run-b']);
    expect([first.json.next, first.json.truncated]).toEqual([2, true]);
    const second = await mcp.call('runs', { limit: 2, offset: first.json.next });
    expect(second.json.runs.map((r: { track_id: string }) => r.track_id)).toEqual(['run-c']);
    expect(second.json.next).toBeNull();
  });

  it('rows: pages in timestamp order continue each other, nothing repeated or skipped', async () => {
    const seen: string[] = [];
    const nexts: (number | null)[] = [];
    let offset: number | null = 0;
    while (offset !== null) {
      const { json, isError }: { json: any; isError: boolean } = await mcp.call('rows', { limit: 5, offset, columns: ['track_id', 'epoch', 'acc'] });
      expect(isError).toBe(false);
      expect(json.total).toBe(ROWS.length);
      expect(json.offset).toBe(offset);
      for (const row of json.rows) expect(Object.keys(row)).toEqual(['track_id', 'epoch', 'acc']);
      seen.push(...json.rows.map(key));
      expect(json.truncated).toBe(json.next !== null);
      nexts.push(json.next);
      offset = json.next;
    }
    expect(nexts).toEqual([5, 10, 15, 20, null]);
    expect(seen).toEqual(ROWS.map(key));
  });

  it('rows: where, orderBy (ties broken by timestamp) and one run, through the query API', async () => {
    const mlp = ROWS.map((row, index) => ({ ...row, index })).filter((r) => r.model === 'mlp' && r.acc >= 0.6);
    const expected = [...mlp].sort((a, b) => b.acc - a.acc || a.index - b.index).map(key);
    const seen: string[] = [];
    let offset: number | null = 0;
    while (offset !== null) {
      const { json }: { json: any } = await mcp.call('rows', { where: { model: 'mlp', acc: { gte: 0.6 } }, orderBy: [{ column: 'acc', desc: true }], limit: 3, offset });
      expect(json.total).toBe(expected.length);
      seen.push(...json.rows.map(key));
      offset = json.next;
    }
    expect(seen).toEqual(expected);

    const run = await mcp.call('rows', { trackId: 'run-b', where: { or: [{ epoch: 0 }, { epoch: { in: [6, 7] } }] } });
    expect(run.json.rows.map((r: { acc: number }) => r.acc)).toEqual([0.6, 0.66, 0.67]);
    expect(run.json.rows[0]).toEqual(expect.objectContaining({ track_id: 'run-b', model: 'mlp', lr: 0.01, epoch: 0, note: 'run-b/0' }));
    expect(run.json.next).toBeNull();
  });

  it('rows: a page over the byte cap ends early with truncated and a next that loses nothing; a long value is cut and said so', async () => {
    const seen: string[] = [];
    let offset: number | null = 0;
    let pages = 0;
    let longNote: string | undefined;
    const hints: string[] = [];
    const cutByBytes: number[] = [];
    while (offset !== null) {
      const { json }: { json: any } = await bounded.call('rows', { limit: 100, offset });
      expect(JSON.stringify(json).length).toBeLessThanOrEqual(4096);
      expect(json.rows.length).toBeLessThanOrEqual(5);
      expect(json.rows.length).toBeGreaterThan(0);
      seen.push(...json.rows.map(key));
      longNote ??= json.rows.find((r: { note: string }) => r.note.startsWith('xxx'))?.note;
      if (json.hint) hints.push(json.hint);
      if (json.next !== null && json.rows.length < 5) cutByBytes.push(json.rows.length);
      offset = json.next;
      pages++;
    }
    expect(seen).toEqual(ROWS.map(key));
    expect(pages).toBeGreaterThan(Math.ceil(ROWS.length / 5));
    expect(cutByBytes.length).toBeGreaterThan(0);
    expect(longNote).toBe(`${'x'.repeat(512)}…`);
    expect(hints.join(' ')).toMatch(/More rows follow: call rows again with offset \d+/);
    expect(hints.join(' ')).toContain('1 long values were cut (they end with …): read them whole with the sql tool.');

    // run-c's wide rows: fewer than the row limit fit, and next says where the page stopped
    const wide = await bounded.call('rows', { limit: 5, trackId: 'run-c', offset: 1 });
    expect(wide.json.rows.length).toBeGreaterThan(0);
    expect(wide.json.rows.length).toBeLessThan(5);
    expect(wide.json.truncated).toBe(true);
    expect(wide.json.next).toBe(1 + wide.json.rows.length);
    expect(wide.json.rows[0].prompt).toBe(WIDE.prompt);
  });

  it('sql: one statement read-only; its rows bounded with truncated and a hint', async () => {
    const counted = await mcp.call('sql', { query: 'SELECT model, count(*) AS n FROM "default" GROUP BY model ORDER BY model' });
    expect(counted.isError).toBe(false);
    expect(counted.json.columns).toEqual(['model', 'n']);
    expect(counted.json.rows).toEqual([
      { model: 'lr', n: 8 },
      { model: 'mlp', n: 16 },
    ]);
    expect(counted.json.truncated).toBe(false);

    const param = store.name === 'postgres' ? '$1' : '?';
    const all = await bounded.call('sql', { query: `SELECT track_id, epoch FROM "default" WHERE epoch >= ${param} ORDER BY timestamp`, params: [0] });
    expect(all.json.rowCount).toBe(ROWS.length);
    expect(all.json.rows.map(key)).toEqual(ROWS.slice(0, 5).map(key));
    expect(all.json.truncated).toBe(true);
    expect(all.json.hint).toContain(`The statement returned ${ROWS.length} rows; the first 5 are shown: add LIMIT and OFFSET`);
  });

  it('a statement that writes is refused without --write (nothing changes) and runs with it; two statements never run', async () => {
    const notes = async () => (await mcp.call('sql', { query: `SELECT note FROM "scratch" WHERE track_id = 's1' ORDER BY timestamp` })).json.rows;
    const before = await notes();
    const update = { query: `UPDATE "scratch" SET note = 'changed' WHERE track_id = 's1'` };
    const refused = await mcp.call('sql', update);
    expect(refused.isError).toBe(true);
    expect(refused.json.error.code).toBe('READ_ONLY');
    expect(refused.json.error.message).toBe('The statement changes the database (or would), and this server is read-only: nothing changed. To allow it, start the server with `xt mcp <db> --write`.');
    expect(await notes()).toEqual(before);

    const script = await writer.call('sql', { query: `UPDATE "scratch" SET note = 'script' WHERE track_id = 's1'; DELETE FROM "scratch"` });
    expect(script.isError).toBe(true);
    expect(await notes()).toEqual(before);

    const allowed = await writer.call('sql', update);
    expect(allowed.isError, allowed.text).toBe(false);
    expect(await notes()).toEqual([{ note: 'changed' }, { note: 'changed' }]);
  });

  it('set and delete are refused without --write, and work with it', async () => {
    const scratch = async () =>
      (await mcp.call('rows', { table: 'scratch', orderBy: [{ column: 'track_id' }] })).json.rows.map((r: Record<string, unknown>) => [r.track_id, r.step, r.reviewed ?? null]);
    const before = await scratch();
    for (const [tool, args] of [
      ['set', { table: 'scratch', key: 'reviewed', value: true, trackId: 's1' }],
      ['delete', { table: 'scratch', trackId: 's2' }],
    ] as const) {
      const refused = await mcp.call(tool, args);
      expect(refused.isError).toBe(true);
      expect(refused.json.error).toEqual({
        code: 'READ_ONLY',
        message: `The ${tool} tool changes the database, and this server is read-only: nothing changed. To allow it, start the server with \`xt mcp <db> --write\`.`,
      });
    }
    expect(await scratch()).toEqual(before);

    const set = await writer.call('set', { table: 'scratch', key: 'reviewed', value: true, where: { step: 1 } });
    expect(set.json).toEqual({ table: 'scratch', key: 'reviewed', changed: 2 });
    const deleted = await writer.call('delete', { table: 'scratch', trackId: 's2' });
    expect(deleted.json).toEqual({ table: 'scratch', trackId: 's2', deleted: 2 });
    expect(await scratch()).toEqual([
      ['s1', 0, null],
      ['s1', 1, true],
    ]);
    const again = await writer.call('delete', { table: 'scratch', trackId: 's2' });
    expect(again.isError).toBe(true);
    expect(again.json.error.code).toBe('NOT_FOUND');
    const key = await writer.call('set', { table: 'scratch', key: 'track_id', value: 'x' });
    expect(key.json.error).toEqual({ code: 'INVALID_ARGUMENT', message: 'track_id cannot be set: track_id and timestamp identify each row.' });
  });

  it('diff: runs side by side with deltas against the first', async () => {
    const { json, isError } = await mcp.call('diff', { runs: ['run-b', 'run-c'] });
    expect(isError).toBe(false);
    expect(json.runs).toEqual(['run-b', 'run-c']);
    expect(json.rows.map((r: { column: string }) => r.column)).toEqual(['lr', 'acc', 'note', 'prompt', 'output']);
    const accRow = json.rows.find((r: { column: string }) => r.column === 'acc');
    expect(accRow.values).toEqual([0.67, 0.62]);
    expect(accRow.deltas[1].absolute).toBeCloseTo(-0.05, 12);
    expect(accRow.constant).toBe(false);
    expect(json.rows.find((r: { column: string }) => r.column === 'lr')).toEqual(expect.objectContaining({ values: [0.01, 0.001], constant: true, differs: true }));
    const all = await mcp.call('diff', { runs: ['run-b', 'run-c'], all: true });
    expect(all.json.rows.filter((r: { differs: boolean }) => !r.differs).map((r: { column: string }) => r.column)).toEqual(['model', 'epoch']);

    const missing = await mcp.call('diff', { runs: ['run-b', 'nope'] });
    expect(missing.isError).toBe(true);
    expect(missing.json.error.code).toBe('EMPTY_SELECTION');
    expect(missing.json.error.message).toContain('No run "nope"');
  });

  it('check: the verdicts and whether anything regressed', async () => {
    const regressed = await mcp.call('check', { baseline: 'run:run-b', candidate: 'run:run-c', metrics: ['acc:higher:0.01'] });
    expect(regressed.isError).toBe(false);
    expect(regressed.json).toEqual(
      expect.objectContaining({ regressed: true, passed: false, verdict: 'regressed', counts: { regressed: 1, missing: 0, inconclusive: 0, improved: 0, unchanged: 0 }, truncated: false }),
    );
    expect(regressed.json.groups[0].metrics[0]).toEqual(
      expect.objectContaining({ metric: 'acc', verdict: 'regressed', baseline: expect.objectContaining({ value: 0.67 }), candidate: expect.objectContaining({ value: 0.62 }) }),
    );

    const grouped = await mcp.call('check', { baseline: 'model=lr', candidate: 'model=mlp', metrics: ['acc:higher:0.01:max', 'epoch:lower:0:min'], strict: true });
    expect(grouped.json.regressed).toBe(false);
    expect(grouped.json.groups[0].metrics.map((m: { metric: string; verdict: string }) => [m.metric, m.verdict])).toEqual([
      ['acc', 'improved'],
      ['epoch', 'unchanged'],
    ]);

    const bad = await mcp.call('check', { baseline: 'latest', candidate: 'previous', metrics: ['note:higher'] });
    expect(bad.isError).toBe(true);
    expect(bad.json.error).toEqual({ code: 'INVALID_ARGUMENT', message: 'Metric "note" holds text values, not numbers: compare a numeric column.' });
  });

  it('a bad table, an unknown column or bad arguments are tool errors, and the server answers the next call', async () => {
    const table = await mcp.call('rows', { table: 'nope' });
    expect(table.isError).toBe(true);
    expect(table.json.error.code).toBe('UNKNOWN_TABLE');
    expect(table.json.error.message).toContain('nope');

    const column = await mcp.call('rows', { where: { accuracy: { gte: 0.5 } } });
    expect(column.isError).toBe(true);
    expect(column.json.error.code).toBe('UNKNOWN_COLUMN');
    expect(column.json.error.message).toContain('acc');

    const sql = await mcp.call('sql', { query: 'SELECT nope FROM "default"' });
    expect(sql.isError).toBe(true);
    expect(sql.json.error.message).toContain('There is no column nope.');

    const invalid = await mcp.call('rows', { limit: 'ten' });
    expect(invalid.isError).toBe(true);
    expect(invalid.text).toContain('Invalid arguments for tool rows');

    const after = await mcp.call('rows', { limit: 1 });
    expect(after.isError).toBe(false);
    expect(after.json.rows.map(key)).toEqual([key(ROWS[0]!)]);
  });
});

describe('xt mcp as the README registers it', () => {
  it("the README's mcpServers snippet is examples/mcp-servers.json, and that command serves the database", async () => {
    const example = readFileSync(path.join(ROOT_DIR, 'examples', 'mcp-servers.json'), 'utf8');
    const readme = readFileSync(path.join(APP_DIR, 'README.md'), 'utf8');
    expect(readme).toContain(`## For coding agents: xt mcp`);
    expect(readme).toContain(`\`\`\`json\n${example}\`\`\``);
    const { command, args } = (JSON.parse(example) as { mcpServers: { xetrack: { command: string; args: string[] } } }).mcpServers.xetrack;
    expect(args.at(-1)).toBe('track.db');
    // from the repository root, where pnpm exec finds xt, as in a project that installed @xetrack/cli
    const served = await connectMcp({ command, args: [...args.slice(0, -1), source], cwd: ROOT_DIR });
    try {
      expect((await served.client.listTools()).tools).toHaveLength(9);
      const runs = await served.call('runs');
      expect(runs.json.runs.map((r: { track_id: string }) => r.track_id)).toEqual(['run-a', 'run-b', 'run-c']);
    } finally {
      await served.close();
    }
  });
});

describe('xt mcp startup', () => {
  it('the MCP SDK is bundled into one file that only the mcp command imports, so other commands never load it', () => {
    const dist = path.dirname(CLI);
    const files = readdirSync(dist).filter((f) => f.endsWith('.js'));
    const text = (f: string) => readFileSync(path.join(dist, f), 'utf8');
    const sdk = files.filter((f) => text(f).includes('var McpServer = class'));
    expect(sdk).toHaveLength(1);
    const importers = files.filter((f) => f !== sdk[0] && text(f).includes(sdk[0]!));
    expect(importers).toHaveLength(1);
    expect(importers[0]).toBe('command-mcp.js');
    expect(text(importers[0]!)).toContain(`import("./${sdk[0]}")`);
    expect(text('cli.js')).not.toContain('modelcontextprotocol');
  });

  it('a database that is not there fails xt mcp itself, before serving', () => {
    const missing = path.join(dir, 'missing.db');
    const result = runXt(['mcp', missing]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(missing);
    expect(result.stdout).toBe('');
  });
});
