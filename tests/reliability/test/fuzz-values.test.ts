/**
 * Bad input, fuzzed: values. Each value is stored by the rule of packages/core/README.md "What is
 * stored" and reads back as documented, or the row is rejected with INVALID_VALUE and nothing
 * changes; rows logged earlier stay as they were; no SQL runs but the library's own.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isXetrackError, type Tracker } from '@xetrack/core';
import { anyValue as anyValueAtAll, hasLoneSurrogate, wellFormedText } from '../src/arbitraries.js';
import { FuzzFile } from '../src/harness.js';
import { DECLARED, firstValue, jsonModel, Rejected, sameValue, show, type FirstValueOutcome } from '../src/model.js';
import { LONG, recordFigure, removeTempDirs, seedFor } from '../src/support.js';

/** Top-level strings with unpaired surrogates are left to the test below (stored with U+FFFD in place of the half character). */
const anyValue = anyValueAtAll.filter((v) => !(typeof v === 'string' && hasLoneSurrogate(v)));

const RUNS = LONG ? 30_000 : 3_000;
const MULTI_RUNS = LONG ? 10_000 : 1_000;

/** The file the properties write now; a new one every 20 tables keeps each schema small (SQLite re-reads it after every ADD COLUMN). */
let fuzz: FuzzFile;
const files: FuzzFile[] = [];
let tablesInFile = 0;
async function nextFile(): Promise<void> {
  fuzz = await FuzzFile.create(`values-${files.length}.db`);
  files.push(fuzz);
  tablesInFile = 0;
}
beforeAll(nextFile);
afterAll(async () => {
  for (const f of files) await f.close();
  removeTempDirs();
});
const statementsChecked = () => files.reduce((n, f) => n + f.statements, 0);
const statementShapes = () => new Set(files.flatMap((f) => [...f.shapes])).size;

/** Rows this file's properties expect, to check at the end that nothing logged earlier changed. */
const expectedRows: { file: FuzzFile; table: string; timestamp: string; values: Record<string, unknown> }[] = [];

/** A tracker that moves to a new table every 150 new columns (SQLite allows 2,000; wide rows are slow). */
class Rotating {
  private tracker: Tracker | undefined;
  private tableNo = 0;
  private keys = 0;
  table = '';
  constructor(private readonly prefix: string) {}
  async current(newKeys = 1): Promise<Tracker> {
    this.keys += newKeys;
    if (this.tracker === undefined || this.keys > 150) {
      await this.tracker?.close();
      if (tablesInFile++ >= 20) await nextFile();
      this.table = `${this.prefix}_${this.tableNo++}`;
      this.tracker = await fuzz.tracker(this.table);
      this.keys = newKeys;
    }
    return this.tracker;
  }
  async close(): Promise<void> {
    await this.tracker?.close();
  }
}

let keyNo = 0;
/** A fresh key, so the value under test is the first its column sees. */
const freshKey = () => `k${keyNo++}`;

/** Raw storage as SQLite holds it: (storage class, value), integers as bigints. */
function rawCell(table: string, timestamp: string, column: string): { cls: string; value: unknown } {
  const statement = fuzz.check.prepare(`SELECT typeof("${column}") AS cls, "${column}" AS value FROM "${table}" WHERE timestamp = ?`);
  return statement.safeIntegers(true).get(timestamp) as { cls: string; value: unknown };
}

/** The storage a stored first value must have in the file. */
function checkRaw(outcome: Extract<FirstValueOutcome, { kind: 'stored' }>, value: unknown, cell: { cls: string; value: unknown }): string | undefined {
  const { cls, value: raw } = cell;
  switch (outcome.column) {
    case 'integer': {
      const read = outcome.read;
      if (typeof read === 'number' && !Number.isSafeInteger(read)) return cls === 'real' && raw === read ? undefined : 'a whole number beyond 64 bits stays REAL';
      return cls === 'integer' && raw === BigInt(read as number | bigint) ? undefined : 'INTEGER storage of the value';
    }
    case 'float':
      if (Number.isNaN(value)) return cls === 'null' ? undefined : 'NaN is NULL';
      return cls === 'real' && raw === value ? undefined : 'REAL storage';
    case 'boolean':
      return cls === 'integer' && raw === (value ? 1n : 0n) ? undefined : 'booleans are 1/0';
    case 'text':
      return cls === 'text' && raw === outcome.read ? undefined : 'TEXT as given (Dates as ISO-8601)';
    case 'blob':
      return cls === 'blob' && sameValue(new Uint8Array(raw as Buffer), outcome.read) ? undefined : 'the bytes as a BLOB';
    case 'json': {
      // JSON text; SQLite's NUMERIC affinity of a JSON column keeps a JSON number as a number
      const text = cls === 'text' ? (raw as string) : String(raw);
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return `JSON text (got ${cls} ${show(raw)})`;
      }
      return sameValue(parsed, outcome.read) ? undefined : 'the JSON text of the documented conversion';
    }
  }
}

async function logOne(tracker: Tracker, data: Record<string, unknown>): Promise<{ timestamp: string } | { error: unknown }> {
  try {
    const row = await tracker.log(data);
    return { timestamp: row.timestamp };
  } catch (error) {
    return { error };
  }
}

describe('fuzz: values', () => {
  it(`one value per row, any value (${RUNS} cases): stored by the rule and read back as documented, or INVALID_VALUE and nothing changes`, async () => {
    const rotating = new Rotating('one');
    const seed = seedFor('fuzz values (one per row)');
    const outcomes: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(anyValue, async (value) => {
        const tracker = await rotating.current();
        const table = rotating.table;
        const key = freshKey();
        const outcome = firstValue(value);
        const before = { columns: fuzz.columns(table), count: fuzz.count(table) };
        const result = await logOne(tracker, { [key]: value });
        expect(fuzz.takeForeign(), 'foreign SQL').toEqual([]);
        const label = outcome.kind === 'stored' ? outcome.column : outcome.kind === 'rejected' ? `rejected: ${outcome.why}` : 'no column';
        outcomes[label] = (outcomes[label] ?? 0) + 1;
        if (outcome.kind === 'rejected') {
          expect('error' in result, `accepted a value the rules reject (${outcome.why}): ${show(value)}`).toBe(true);
          const error = (result as { error: unknown }).error;
          expect(isXetrackError(error, 'INVALID_VALUE'), `not INVALID_VALUE: ${String(error)}`).toBe(true);
          expect((error as Error).message).toContain(key);
          expect(fuzz.count(table)).toBe(before.count);
          expect(fuzz.columns(table)).toEqual(before.columns);
          return;
        }
        if ('error' in result) throw new Error(`rejected ${show(value)}: ${String(result.error)}`);
        expect(fuzz.count(table)).toBe(before.count + 1);
        const read = await tracker.rowAt(-1);
        expect(read?.timestamp).toBe(result.timestamp);
        if (outcome.kind === 'no-column') {
          expect(fuzz.columns(table)).toEqual(before.columns);
          expect(read !== undefined && Object.hasOwn(read, key)).toBe(false);
          return;
        }
        expect(fuzz.columns(table)).toEqual([...before.columns, { name: key, type: DECLARED[outcome.column], pk: 0 }]);
        const got = (read as Record<string, unknown>)[key];
        expect(sameValue(got, outcome.read), `${show(value)} read back as ${show(got)}, documented: ${show(outcome.read)}`).toBe(true);
        const rawProblem = checkRaw(outcome, value, rawCell(table, result.timestamp, key));
        expect(rawProblem, `${show(value)} stored as ${show(rawCell(table, result.timestamp, key))}`).toBeUndefined();
        expectedRows.push({ file: fuzz, table, timestamp: result.timestamp, values: { [key]: outcome.read } });
      }),
      { numRuns: RUNS, seed },
    );
    await rotating.close();
    recordFigure('fuzz-values-one', { cases: RUNS, outcomes, sqlStatementsChecked: statementsChecked(), seed });
  });

  it(`several values per row (${MULTI_RUNS} cases): every one stored and read back as documented`, async () => {
    const rotating = new Rotating('many');
    const seed = seedFor('fuzz values (several per row)');
    const accepted = anyValue.filter((v) => firstValue(v).kind !== 'rejected');
    await fc.assert(
      fc.asyncProperty(fc.array(accepted, { minLength: 2, maxLength: 6 }), async (values) => {
        const tracker = await rotating.current(values.length);
        const keys = values.map(freshKey);
        const data = Object.fromEntries(keys.map((k, i) => [k, values[i]]));
        const result = await logOne(tracker, data);
        expect(fuzz.takeForeign(), 'foreign SQL').toEqual([]);
        if ('error' in result) throw new Error(`rejected ${show(values)}: ${String(result.error)}`);
        const read = (await tracker.rowAt(-1)) as Record<string, unknown>;
        const expected: Record<string, unknown> = {};
        keys.forEach((key, i) => {
          const outcome = firstValue(values[i]);
          if (outcome.kind !== 'stored') {
            expect(Object.hasOwn(read, key)).toBe(false);
            return;
          }
          expected[key] = outcome.read;
          expect(sameValue(read[key], outcome.read), `${key}: ${show(values[i])} read back as ${show(read[key])}`).toBe(true);
        });
        expectedRows.push({ file: fuzz, table: rotating.table, timestamp: result.timestamp, values: expected });
      }),
      { numRuns: MULTI_RUNS, seed },
    );
    await rotating.close();
    recordFigure('fuzz-values-many', { cases: MULTI_RUNS, seed });
  });

  it(`a later value of another type (${MULTI_RUNS} cases): text, bytes and null are stored as given; a json column holds JSON`, async () => {
    const rotating = new Rotating('later');
    const seed = seedFor('fuzz values (later value, other type)');
    const first = anyValue.filter((v) => firstValue(v).kind === 'stored');
    // values SQLite's column affinity leaves alone: text that does not look like a number, bytes, null
    const later = fc.oneof(
      wellFormedText.map((t) => `v:${t}`),
      fc.uint8Array({ maxLength: 16 }),
      fc.constant(null),
    );
    await fc.assert(
      fc.asyncProperty(
        first,
        fc.oneof(
          later,
          anyValue.filter((v) => firstValue(v).kind === 'stored'),
        ),
        async (a, b) => {
          const tracker = await rotating.current();
          const key = freshKey();
          const column = (firstValue(a) as { column: keyof typeof DECLARED }).column;
          const r1 = await logOne(tracker, { [key]: a });
          if ('error' in r1) throw new Error(`rejected first value ${show(a)}: ${String(r1.error)}`);
          const r2 = await logOne(tracker, { [key]: b });
          expect(fuzz.takeForeign(), 'foreign SQL').toEqual([]);
          // A value a new column would take, an existing column of another type takes too: never a rejection.
          if ('error' in r2) throw new Error(`rejected later value ${show(b)} in a ${column} column (first ${show(a)}): ${String(r2.error)}`);
          const row = (await tracker.rowAt(-1)) as Record<string, unknown>;
          expect(row.timestamp, 'the later row is the last one').toBe(r2.timestamp);
          const read = row[key];
          const affinityFree = b === null || b instanceof Uint8Array || (typeof b === 'string' && b.startsWith('v:'));
          if (column !== 'json' && Number.isNaN(b)) {
            // NaN is stored as NULL in any column, first value or later (core's value rule)
            expect(read ?? null, `column ${column} (first ${show(a)}): later NaN read back as ${show(read)}`).toBeNull();
            return;
          }
          if (column !== 'json' && !affinityFree) {
            // SQLite's affinity may convert it (see the example test below), but never loses it.
            expect(read ?? null, `column ${column} (first ${show(a)}): later ${show(b)} read back as ${show(read)}`).not.toBeNull();
            return;
          }
          let expected: unknown;
          if (column === 'json') {
            const model = b instanceof Date ? b.toISOString() : jsonModel(b);
            expect(model).not.toBeInstanceOf(Rejected);
            expected = model === undefined ? null : model;
          } else expected = b instanceof Uint8Array ? new Uint8Array(b) : b;
          expect(sameValue(read, expected), `column ${column} (first ${show(a)}): later ${show(b)} read back as ${show(read)}`).toBe(true);
        },
      ),
      { numRuns: MULTI_RUNS, seed },
    );
    await rotating.close();
    recordFigure('fuzz-values-later', { cases: MULTI_RUNS, seed, sqlStatementsChecked: statementsChecked(), statementShapes: statementShapes() });
  });

  it('rows logged earlier are untouched by everything logged after them', async () => {
    const byTable = new Map<FuzzFile, Map<string, Map<string, Record<string, unknown>>>>();
    for (const row of expectedRows) {
      const tables = byTable.get(row.file) ?? new Map<string, Map<string, Record<string, unknown>>>();
      const rows = tables.get(row.table) ?? new Map<string, Record<string, unknown>>();
      rows.set(row.timestamp, row.values);
      tables.set(row.table, rows);
      byTable.set(row.file, tables);
    }
    expect(byTable.size).toBeGreaterThan(0);
    for (const [file, tables] of byTable)
      for (const [table, rows] of tables) {
        const tracker = await file.tracker(table);
        const all = await tracker.toRows();
        await tracker.close();
        const stored = new Map(all.map((r) => [r.timestamp as string, r as Record<string, unknown>]));
        for (const [timestamp, values] of rows) {
          const row = stored.get(timestamp);
          expect(row, `row ${timestamp} of ${table}`).toBeDefined();
          for (const [key, value] of Object.entries(row!)) {
            if (key === 'track_id' || key === 'timestamp') continue;
            const expected = Object.hasOwn(values, key) ? values[key] : null;
            expect(sameValue(value, expected), `${table} ${timestamp} ${key}: ${show(value)}, expected ${show(expected)}`).toBe(true);
          }
        }
      }
  });
});

describe('values: cases the properties leave out', () => {
  it('hostile objects are rejected with INVALID_VALUE and nothing is written: throwing toJSON, throwing getter, nesting deeper than the stack', async () => {
    const tracker = await fuzz.tracker('hostile');
    await tracker.log({ before: 1 });
    const columns = await tracker.columns();
    let deep: unknown[] = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const hostile: Record<string, unknown> = {
      toJSON: {
        toJSON: () => {
          throw new Error('toJSON says no');
        },
      },
      getter: {
        get boom() {
          throw new Error('getter says no');
        },
      },
      deep,
      cycle: (() => {
        const a: Record<string, unknown> = {};
        a.a = [a];
        return a;
      })(),
      bigint: 2n ** 64n,
      date: new Date(Number.NaN),
      fn: () => 1,
      sym: Symbol('s'),
    };
    for (const [name, value] of Object.entries(hostile)) {
      const error = await tracker.log({ [name]: value }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isXetrackError(error, 'INVALID_VALUE'), `${name}: ${String(error)}`).toBe(true);
      expect((error as Error).message, name).toContain(`"${name}"`);
    }
    expect(await tracker.countRun()).toBe(1);
    expect(await tracker.columns()).toEqual(columns);
    await tracker.close();
    expect(fuzz.takeForeign()).toEqual([]);
  });

  it('a revoked Proxy is INVALID_VALUE naming the key (was a bug: a raw TypeError)', async () => {
    const tracker = await fuzz.tracker('proxy');
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const error = await tracker.log({ p: proxy }).then(
      () => undefined,
      (e: unknown) => e,
    );
    await tracker.close();
    expect(isXetrackError(error, 'INVALID_VALUE'), String(error)).toBe(true);
    expect((error as Error).message).toContain('"p"');
  });

  it('a string with an unpaired surrogate is stored as valid UTF-8, U+FFFD in place of the half character (was a bug: invalid UTF-8, which Python cannot read)', async () => {
    const tracker = await fuzz.tracker('surrogate');
    await tracker.log({ s: 'half an emoji: \uD83D' });
    await tracker.close();
    const hex = fuzz.check.prepare('SELECT hex(s) FROM surrogate').pluck().get() as string;
    // the bytes in the file must be UTF-8 (Python's sqlite3 raises "Could not decode to UTF-8" otherwise)
    expect(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(hex, 'hex'))).toBe('half an emoji: \uFFFD');
  });

  it('a rejected row adds none of the columns of its earlier keys (was a bug: added at the next write)', async () => {
    const tracker = await fuzz.tracker('leftover');
    await tracker.log({ a: 1 });
    await expect(tracker.log({ fresh_column: 1, bad: Symbol('x') })).rejects.toMatchObject({ code: 'INVALID_VALUE' });
    await tracker.log({ a: 2 });
    const columns = await tracker.columns();
    await tracker.close();
    expect(columns).toEqual(['track_id', 'timestamp', 'a']);
  });

  it('a later value of another type follows SQLite column affinity, as in Python xetrack', async () => {
    const tracker = await fuzz.tracker('affinity');
    const cases: [string, unknown, unknown, unknown][] = [
      // column, first value, later value, read back
      ['int_col', 1, '42', 42],
      ['int_col', 1, ' 7 ', 7], // SQLite ignores the spaces around a number
      ['int_col', 1, 0.5, 0.5],
      ['int_col', 1, 'abc', 'abc'],
      ['int_col', 1, true, 1],
      ['real_col', 0.5, 3, 3],
      ['real_col', 0.5, '0.8', 0.8],
      ['real_col', 0.5, 'abc', 'abc'],
      ['text_col', 'x', 5, '5'],
      ['text_col', 'x', 0.5, '0.5'],
      ['text_col', 'x', 2n ** 62n, '4611686018427387904'],
      ['bool_col', true, 1, true],
      ['bool_col', true, '0', false],
      ['bool_col', true, 7, 7],
      ['bool_col', true, 'yes', 'yes'],
    ];
    for (const [column, first, later, read] of cases) {
      await tracker.log({ [column]: first });
      await tracker.log({ [column]: later });
      const got = ((await tracker.rowAt(-1)) as Record<string, unknown>)[column];
      expect(got, `${column}: ${show(first)} then ${show(later)}`).toEqual(read);
    }
    await tracker.close();
  });

  it('a boolean in a TEXT column is stored as "1"/"0", as in Python xetrack (was a bug: "1.0"/"0.0")', async () => {
    const tracker = await fuzz.tracker('bool_text');
    await tracker.log({ t: 'x' });
    await tracker.log({ t: true });
    await tracker.log({ t: false });
    const values = await tracker.values('t');
    await tracker.close();
    expect(values).toEqual(['x', '1', '0']);
  });
});
