import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  aggregateRows,
  isXetrackError,
  type AggregateOptions,
  type Measure,
  type CellValue,
  type ColumnSpec,
  type ColumnType,
  type Engine,
  type EngineCapabilities,
  type Filter,
  type Row,
  type Where,
  type XetrackErrorCode,
} from '@xetrack/core/engine';

/** What `EngineFactory.create()` returns: a fresh engine on a fresh, empty store. */
export interface EngineHarness {
  /** The engine under test; the suite closes it after the test. */
  engine: Engine;
  /**
   * Opens a second connection to the same store (for the concurrent-schema and concurrent-writer
   * tests). Omit it for stores that cannot be shared (e.g. in-memory); those tests are skipped.
   */
  openAnother?(): Promise<Engine>;
  /** Removes what `create()` made (temp directories, schemas); runs after every engine is closed. */
  cleanup?(): Promise<void>;
}

/** How the suite gets engines: one fresh store per test. */
export interface EngineFactory {
  /** A new engine on a new, empty store. Called once per test (and once to read the capabilities). */
  create(): Promise<EngineHarness>;
  /** The positional parameter marker of the engine's SQL for `sql()` tests: `?` (default) or e.g. `$1`. */
  sqlPlaceholder?(index: number): string;
}

const KEYS = ['track_id', 'timestamp'];

/** A microsecond timestamp that sorts like `i`. */
function ts(i: number): string {
  return `2024-01-01 00:00:00.${String(i).padStart(6, '0')}`;
}

function keyRow(i: number, values: Record<string, CellValue> = {}, trackId = 'run'): Row {
  return { track_id: trackId, timestamp: ts(i), ...values };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection, but the call resolved');
    },
    (error: unknown) => error,
  );
}

async function expectCode(promise: Promise<unknown>, code: XetrackErrorCode): Promise<void> {
  const error = await rejection(promise);
  const got = isXetrackError(error) ? `XetrackError ${error.code}: ${error.message}` : String(error);
  expect(isXetrackError(error, code), `expected a XetrackError with code ${code}, got ${got}`).toBe(true);
}

/** Row keys in a stable order for comparing result sets whose order is not specified. */
function byKey(a: Row, b: Row): number {
  const ka = `${String(a.track_id)}\u0000${String(a.timestamp)}`;
  const kb = `${String(b.track_id)}\u0000${String(b.timestamp)}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function bytesEqual(actual: CellValue | undefined, expected: Uint8Array): boolean {
  if (!(actual instanceof Uint8Array)) return false;
  return Buffer.compare(Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength), Buffer.from(expected)) === 0;
}

function names(columns: ColumnSpec[]): string[] {
  return columns.map((c) => c.name);
}

/** The suite's name for a group that needs a capability, saying why it is skipped when it is. */
function group(title: string, enabled: boolean, reason: string): string {
  return enabled ? title : `${title} (skipped: ${reason})`;
}

const HEAVY = { timeout: 120_000 };

/**
 * Names that break naive SQL building: quotes, comment and statement separators, spaces, keywords,
 * unicode, JS object keys with special meaning, and the 64-character maximum. Distinct even when
 * ASCII letters are folded (databases match identifiers case-insensitively).
 */
export const HOSTILE_NAMES: readonly string[] = Object.freeze([
  '"',
  'a"b',
  '""',
  "'",
  "it's",
  '"; DROP TABLE sentinel; --',
  "'); DROP TABLE sentinel; --",
  'with space',
  '  padded  ',
  'semi;colon',
  'default',
  'order',
  'select',
  'table',
  'group',
  'null',
  'values',
  '[bracket]',
  '`backtick`',
  'back\\slash',
  'dot.name',
  '?',
  '$1',
  ':name',
  '@p',
  '-- comment',
  '/* c */',
  '%_',
  'new\nline',
  'élan',
  '日本語の列',
  'emoji 😀👩‍👩‍👧',
  '__proto__',
  'constructor',
  'x'.repeat(64),
  'é'.repeat(64),
]);

/**
 * The engine-contract conformance suite. Call it at the top level of a vitest test file:
 * `engineConformance('my-engine', { create: async () => ({ engine: await myEngine.create(...) }) })`.
 * Every test gets a fresh engine from `factory.create()` and closes it; optional features run
 * when the engine declares them and are skipped, with the reason in the test name, when not.
 */
export function engineConformance(name: string, factory: EngineFactory): void {
  describe(`engine conformance: ${name}`, async () => {
    // Capabilities decide which groups run, so read them from one engine at collection time.
    const probe = await factory.create();
    const caps: EngineCapabilities = { ...probe.engine.capabilities };
    const canOpenAnother = typeof probe.openAnother === 'function';
    await probe.engine.close();
    await probe.cleanup?.();
    const placeholder = factory.sqlPlaceholder ?? (() => '?');

    let harness: EngineHarness;
    let engine: Engine;
    const others: Engine[] = [];

    beforeEach(async () => {
      harness = await factory.create();
      engine = harness.engine;
    });
    afterEach(async () => {
      for (const other of others.splice(0)) await other.close().catch(() => undefined);
      await engine.close().catch(() => undefined);
      await harness.cleanup?.();
    });

    /** A second connection to the test's store, closed after the test. */
    const another = async (): Promise<Engine> => {
      const other = await (harness.openAnother as () => Promise<Engine>)();
      others.push(other);
      return other;
    };

    /** A table with the given columns and rows. */
    const table = async (t: string, columns: ColumnSpec[], rows: Row[] = []): Promise<void> => {
      await engine.ensureColumns(t, columns);
      if (rows.length > 0) expect(await engine.insert(t, rows)).toBe(rows.length);
    };

    describe('the engine object', () => {
      it('has a name, a location and capability flags', () => {
        expect(typeof engine.name).toBe('string');
        expect(engine.name.length).toBeGreaterThan(0);
        expect(typeof engine.location).toBe('string');
        expect(typeof engine.capabilities).toBe('object');
        for (const flag of ['transactions', 'rawSql', 'concurrentWriters', 'streaming'] as const) {
          expect(['boolean', 'undefined']).toContain(typeof engine.capabilities[flag]);
        }
      });

      it.skipIf(!caps.streaming)(group('has iterate(), as it declares streaming', caps.streaming === true, 'engine declares no streaming'), () => {
        expect(typeof engine.iterate).toBe('function');
      });

      it.skipIf(!caps.rawSql)(group('has sql(), as it declares rawSql', caps.rawSql === true, 'engine declares no rawSql'), () => {
        expect(typeof engine.sql).toBe('function');
      });
    });

    describe('close', () => {
      it('can be called twice', async () => {
        await table('t', [{ name: 'v', type: 'integer' }], [keyRow(1, { v: 1 })]);
        await engine.close();
        await expect(engine.close()).resolves.toBeUndefined();
      });

      it('makes every other method reject with CLOSED', async () => {
        await table('t', [{ name: 'v', type: 'integer' }], [keyRow(1, { v: 1 })]);
        await engine.close();
        await expectCode(engine.tables(), 'CLOSED');
        await expectCode(engine.describe('t'), 'CLOSED');
        await expectCode(engine.ensureColumns('t', [{ name: 'w', type: 'text' }]), 'CLOSED');
        await expectCode(engine.insert('t', [keyRow(2, { v: 2 })]), 'CLOSED');
        await expectCode(engine.select('t'), 'CLOSED');
        await expectCode(engine.count('t'), 'CLOSED');
        await expectCode(engine.update('t', { v: 3 }, []), 'CLOSED');
        await expectCode(engine.delete('t', []), 'CLOSED');
        const { iterate } = engine;
        if (iterate) await expectCode((async () => iterate.call(engine, 't')[Symbol.asyncIterator]().next())(), 'CLOSED');
        if (engine.sql) await expectCode(engine.sql('SELECT 1'), 'CLOSED');
      });

      it.skipIf(!canOpenAnother)(
        group('keeps what was committed, for the next connection', canOpenAnother, 'the factory has no openAnother'),
        async () => {
          await table('t', [{ name: 'v', type: 'integer' }], [keyRow(1, { v: 1 }), keyRow(2, { v: 2 })]);
          await engine.close();
          const next = await another();
          expect(await next.select('t', { orderBy: [{ column: 'timestamp' }] })).toEqual([
            keyRow(1, { v: 1 }),
            keyRow(2, { v: 2 }),
          ]);
        },
      );
    });

    describe('tables and describe', () => {
      it('a new store has no tables', async () => {
        expect(await engine.tables()).toEqual([]);
      });

      it('describe of a missing table is []', async () => {
        expect(await engine.describe('missing')).toEqual([]);
      });

      it('tables() lists every tracking table, sorted', async () => {
        for (const t of ['zeta', 'alpha', 'Beta', 'default', 'm_1']) await engine.ensureColumns(t, []);
        expect(await engine.tables()).toEqual(['zeta', 'alpha', 'Beta', 'default', 'm_1'].sort());
      });
    });

    describe('ensureColumns', () => {
      it('creates the table with track_id and timestamp first, then the columns in order', async () => {
        await engine.ensureColumns('t', [
          { name: 'b', type: 'float' },
          { name: 'a', type: 'integer' },
        ]);
        expect(await engine.describe('t')).toEqual([
          { name: 'track_id', type: 'text' },
          { name: 'timestamp', type: 'text' },
          { name: 'b', type: 'float' },
          { name: 'a', type: 'integer' },
        ]);
        expect(await engine.tables()).toEqual(['t']);
      });

      it('with [] creates a table of only the key columns', async () => {
        await engine.ensureColumns('t', []);
        expect(names(await engine.describe('t'))).toEqual(KEYS);
        expect(await engine.select('t')).toEqual([]);
        expect(await engine.count('t')).toBe(0);
      });

      it('stores every column type so that describe reads it back', async () => {
        const types: ColumnType[] = ['integer', 'float', 'text', 'boolean', 'blob', 'json'];
        await engine.ensureColumns(
          't',
          types.map((type) => ({ name: `c_${type}`, type })),
        );
        expect((await engine.describe('t')).slice(2)).toEqual(types.map((type) => ({ name: `c_${type}`, type })));
      });

      it('is idempotent', async () => {
        const columns: ColumnSpec[] = [
          { name: 'a', type: 'integer' },
          { name: 'b', type: 'text' },
        ];
        await engine.ensureColumns('t', columns);
        const before = await engine.describe('t');
        await engine.ensureColumns('t', columns);
        await engine.ensureColumns('t', [columns[1] as ColumnSpec]);
        await engine.ensureColumns('t', []);
        expect(await engine.describe('t')).toEqual(before);
      });

      it('matches existing columns case-insensitively', async () => {
        await engine.ensureColumns('t', [{ name: 'Acc', type: 'float' }]);
        await engine.ensureColumns('t', [
          { name: 'acc', type: 'float' },
          { name: 'ACC', type: 'integer' },
          { name: 'TRACK_ID', type: 'text' },
          { name: 'TimeStamp', type: 'text' },
        ]);
        expect(await engine.describe('t')).toEqual([
          { name: 'track_id', type: 'text' },
          { name: 'timestamp', type: 'text' },
          { name: 'Acc', type: 'float' },
        ]);
      });

      it('adds only the missing columns, after the existing ones', async () => {
        await table('t', [{ name: 'a', type: 'integer' }], [keyRow(1, { a: 1 })]);
        await engine.ensureColumns('t', [
          { name: 'b', type: 'text' },
          { name: 'a', type: 'integer' },
          { name: 'c', type: 'boolean' },
        ]);
        expect(names(await engine.describe('t'))).toEqual([...KEYS, 'a', 'b', 'c']);
        expect(await engine.select('t')).toEqual([keyRow(1, { a: 1, b: null, c: null })]);
      });

      it('leaves other tables alone', async () => {
        await table('one', [{ name: 'a', type: 'integer' }], [keyRow(1, { a: 1 })]);
        await engine.ensureColumns('two', [{ name: 'b', type: 'text' }]);
        expect(names(await engine.describe('one'))).toEqual([...KEYS, 'a']);
        expect(await engine.select('one')).toEqual([keyRow(1, { a: 1 })]);
      });

      const shared = group('from two connections', canOpenAnother, 'the factory has no openAnother');
      describe.skipIf(!canOpenAnother)(shared, () => {
        it('adding overlapping columns at the same time succeeds on both, each column once', HEAVY, async () => {
          const other = await another();
          await engine.ensureColumns('t', []);
          for (let round = 0; round < 20; round++) {
            await Promise.all([
              engine.ensureColumns('t', [
                { name: `shared_${round}`, type: 'integer' },
                { name: `mine_${round}`, type: 'text' },
              ]),
              other.ensureColumns('t', [
                { name: `theirs_${round}`, type: 'float' },
                { name: `SHARED_${round}`, type: 'integer' },
              ]),
            ]);
          }
          const mine = names(await engine.describe('t'));
          const theirs = names(await other.describe('t'));
          expect(theirs).toEqual(mine);
          expect(new Set(mine.map((n) => n.toLowerCase())).size).toBe(mine.length);
          expect(mine).toHaveLength(2 + 20 * 3);
        });

        it('creating the same table at the same time succeeds on both', async () => {
          const other = await another();
          await Promise.all([
            engine.ensureColumns('fresh', [{ name: 'a', type: 'integer' }]),
            other.ensureColumns('fresh', [{ name: 'b', type: 'integer' }]),
          ]);
          expect(names(await engine.describe('fresh')).sort()).toEqual([...KEYS, 'a', 'b'].sort());
        });

        it('a column another connection added is seen by describe, insert, select and ensureColumns', async () => {
          const other = await another();
          await table('t', [{ name: 'a', type: 'integer' }], [keyRow(1, { a: 1 })]);
          await engine.select('t');
          await other.ensureColumns('t', [{ name: 'late', type: 'text' }]);
          expect(names(await engine.describe('t'))).toEqual([...KEYS, 'a', 'late']);
          await engine.ensureColumns('t', [{ name: 'late', type: 'text' }]);
          expect(await engine.insert('t', [keyRow(2, { a: 2, late: 'x' })])).toBe(1);
          expect(await engine.select('t', { where: [{ column: 'late', op: '=', value: 'x' }] })).toEqual([
            keyRow(2, { a: 2, late: 'x' }),
          ]);
          expect(names(await engine.describe('t'))).toEqual([...KEYS, 'a', 'late']);
        });
      });
    });

    describe('insert', () => {
      const columns: ColumnSpec[] = [
        { name: 'a', type: 'integer' },
        { name: 'b', type: 'text' },
      ];

      it('[] resolves 0, also for a missing table, and creates nothing', async () => {
        await table('t', columns);
        expect(await engine.insert('t', [])).toBe(0);
        expect(await engine.insert('missing', [])).toBe(0);
        expect(await engine.tables()).toEqual(['t']);
        expect(await engine.count('t')).toBe(0);
      });

      it('resolves the number of rows and stores them', async () => {
        await table('t', columns);
        expect(await engine.insert('t', [keyRow(1, { a: 1, b: 'x' }), keyRow(2, { a: 2, b: 'y' })])).toBe(2);
        expect(await engine.insert('t', [keyRow(3, { a: 3, b: 'z' })])).toBe(1);
        expect(await engine.select('t', { orderBy: [{ column: 'timestamp' }] })).toEqual([
          keyRow(1, { a: 1, b: 'x' }),
          keyRow(2, { a: 2, b: 'y' }),
          keyRow(3, { a: 3, b: 'z' }),
        ]);
      });

      it('stores a missing key as NULL', async () => {
        await table('t', columns, [keyRow(1, { a: 1 })]);
        expect(await engine.select('t')).toEqual([keyRow(1, { a: 1, b: null })]);
      });

      it('accepts rows with different key sets in one call', async () => {
        await table('t', [...columns, { name: 'c', type: 'float' }]);
        const rows = [
          keyRow(1, { a: 1 }),
          keyRow(2, { b: 'two', c: 2.5 }),
          keyRow(3, { c: 3.5, a: 3 }),
          keyRow(4),
          keyRow(5, { a: 5, b: 'five', c: 5.5 }),
        ];
        expect(await engine.insert('t', rows)).toBe(5);
        expect(await engine.select('t', { orderBy: [{ column: 'timestamp' }] })).toEqual([
          keyRow(1, { a: 1, b: null, c: null }),
          keyRow(2, { a: null, b: 'two', c: 2.5 }),
          keyRow(3, { a: 3, b: null, c: 3.5 }),
          keyRow(4, { a: null, b: null, c: null }),
          keyRow(5, { a: 5, b: 'five', c: 5.5 }),
        ]);
      });

      it('stores many rows in one call', HEAVY, async () => {
        await table('t', columns);
        const rows = Array.from({ length: 10_000 }, (_, i) => keyRow(i, { a: i, b: `row ${i}` }));
        expect(await engine.insert('t', rows)).toBe(10_000);
        expect(await engine.count('t')).toBe(10_000);
        expect(await engine.select('t', { where: [{ column: 'a', op: '=', value: 9_999 }] })).toEqual([rows[9_999]]);
      });

      it('rejects an existing (track_id, timestamp) with DUPLICATE_KEY and keeps the old row', async () => {
        await table('t', columns, [keyRow(1, { a: 1, b: 'old' })]);
        await expectCode(engine.insert('t', [keyRow(1, { a: 2, b: 'new' })]), 'DUPLICATE_KEY');
        expect(await engine.select('t')).toEqual([keyRow(1, { a: 1, b: 'old' })]);
      });

      it('rejects a (track_id, timestamp) repeated within one call with DUPLICATE_KEY', async () => {
        await table('t', columns);
        await expectCode(engine.insert('t', [keyRow(1, { a: 1 }), keyRow(1, { a: 2 })]), 'DUPLICATE_KEY');
      });

      it('accepts the same timestamp under another track_id, and the same track_id at another timestamp', async () => {
        await table('t', columns, [keyRow(1, { a: 1 }, 'x')]);
        expect(await engine.insert('t', [keyRow(1, { a: 2 }, 'y'), keyRow(2, { a: 3 }, 'x')])).toBe(2);
        expect(await engine.count('t')).toBe(3);
      });
    });

    describe(group('atomic insert (transactions)', caps.transactions === true, 'engine declares no transactions'), () => {
      it.skipIf(!caps.transactions)('keeps nothing of a call rejected for a duplicate key in the call', async () => {
        await table('t', [{ name: 'a', type: 'integer' }], [keyRow(0, { a: 0 })]);
        const rows = Array.from({ length: 1000 }, (_, i) => keyRow(i + 1, { a: i + 1 }));
        rows.push(keyRow(500, { a: -1 }));
        await expectCode(engine.insert('t', rows), 'DUPLICATE_KEY');
        expect(await engine.select('t')).toEqual([keyRow(0, { a: 0 })]);
      });

      it.skipIf(!caps.transactions)('keeps nothing of a call whose last row collides with a stored row', async () => {
        await table('t', [{ name: 'a', type: 'integer' }], [keyRow(0, { a: 0 })]);
        const rows = [keyRow(1, { a: 1 }), keyRow(2, { a: 2 }), keyRow(0, { a: 99 })];
        await expectCode(engine.insert('t', rows), 'DUPLICATE_KEY');
        expect(await engine.select('t')).toEqual([keyRow(0, { a: 0 })]);
        expect(await engine.insert('t', rows.slice(0, 2))).toBe(2);
        expect(await engine.count('t')).toBe(3);
      });
    });

    describe('values round trip', () => {
      /** Writes each value in its own row of a `type` column and reads them back in order. */
      const roundTrip = async (type: ColumnType, values: CellValue[]): Promise<CellValue[]> => {
        await table('t', [{ name: 'v', type }], values.map((v, i) => keyRow(i, { v })));
        const rows = await engine.select('t', { orderBy: [{ column: 'timestamp' }] });
        expect(rows).toHaveLength(values.length);
        return rows.map((r) => r.v as CellValue);
      };

      it('integer: numbers within +-(2^53-1) as numbers', async () => {
        const values = [0, 1, -1, 42, 2 ** 31, -(2 ** 31) - 1, 2 ** 40 + 3, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
        expect(await roundTrip('integer', values)).toEqual(values);
      });

      it('integer: 64-bit values beyond 2^53 as exact bigints (2^63-1 and -2^63 included)', async () => {
        const values = [2n ** 53n, 2n ** 53n + 1n, -(2n ** 53n) - 1n, 2n ** 62n + 12345n, 2n ** 63n - 1n, -(2n ** 63n)];
        const back = await roundTrip('integer', values);
        expect(back).toEqual(values);
        for (const v of back) expect(typeof v).toBe('bigint');
      });

      it('integer: a bigint within the safe range reads back as a number', async () => {
        expect(await roundTrip('integer', [42n, -7n, 0n])).toEqual([42, -7, 0]);
      });

      it('float: fractions, extremes and infinities exactly', async () => {
        const values = [0.5, -2.25, Math.PI, 0.1 + 0.2, 1e-300, -1e-300, 5e-324, 1.7976931348623157e308, 1e21, Infinity, -Infinity];
        expect(await roundTrip('float', values)).toEqual(values);
      });

      it('float: -0 reads back as zero (its sign may be lost) and NaN as NULL', async () => {
        const [negativeZero, nan] = await roundTrip('float', [-0, Number.NaN]);
        expect(negativeZero === 0).toBe(true);
        expect(nan).toBeNull();
      });

      it('text: empty, quotes, control characters, unicode and emoji, long strings', async () => {
        const values = [
          '',
          'plain',
          `quote " and ' and \`; DROP TABLE t; --`,
          'line\nbreak\ttab\r\n',
          'é è ç ß ø',
          '中文 日本語 한국어',
          'עברית العربية',
          '😀👩‍👩‍👧🏳️‍🌈 e\u0301',
          '\u2028\u2029\uFEFF',
          'NULL',
          '1',
          '0.5',
          'x'.repeat(100_000),
          '🙂'.repeat(10_000),
        ];
        expect(await roundTrip('text', values)).toEqual(values);
      });

      it('boolean: true and false as booleans', async () => {
        expect(await roundTrip('boolean', [true, false, true])).toEqual([true, false, true]);
      });

      it('blob: empty, every byte value, a large blob, from Uint8Array and Buffer', async () => {
        const every = Uint8Array.from({ length: 256 }, (_, i) => i);
        const large = Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 7919) % 251);
        const offset = new Uint8Array([9, 9, 1, 2, 3, 9]).subarray(2, 5);
        const values = [new Uint8Array(0), every, large, Buffer.from('bytes'), offset];
        const back = await roundTrip('blob', values);
        back.forEach((v, i) => expect(bytesEqual(v, values[i] as Uint8Array), `blob ${i}`).toBe(true));
      });

      it('json: documents as their text', async () => {
        const values = [
          '{"a":1,"b":[true,null,"x"],"c":{"d":-1.5}}',
          '[]',
          '{}',
          '"a string"',
          '{"emoji":"😀","quote":"\\"","nested":[[[]]]}',
          'null',
          'true',
          '42',
        ];
        expect(await roundTrip('json', values)).toEqual(values);
      });

      it('NULL in a column of every type', async () => {
        const types: ColumnType[] = ['integer', 'float', 'text', 'boolean', 'blob', 'json'];
        const row = keyRow(1, Object.fromEntries(types.map((t) => [t, null])));
        await table('t', types.map((type) => ({ name: type, type })), [row]);
        expect(await engine.select('t')).toEqual([row]);
      });

      it('values written by update read back the same way', async () => {
        await table('t', [
          { name: 'i', type: 'integer' },
          { name: 'b', type: 'boolean' },
          { name: 'x', type: 'blob' },
        ], [keyRow(1)]);
        expect(await engine.update('t', { i: 2n ** 63n - 1n, b: false, x: new Uint8Array([0, 255]) }, [])).toBe(1);
        const [row] = await engine.select('t');
        expect(row?.i).toBe(2n ** 63n - 1n);
        expect(row?.b).toBe(false);
        expect(bytesEqual(row?.x, new Uint8Array([0, 255]))).toBe(true);
      });
    });

    describe('hostile identifiers', () => {
      const sentinel = async (): Promise<void> => {
        await table('sentinel', [{ name: 'v', type: 'integer' }], [keyRow(1, { v: 1 })]);
      };
      const sentinelIntact = async (): Promise<void> => {
        expect(await engine.select('sentinel')).toEqual([keyRow(1, { v: 1 })]);
      };

      it('work as table names, and nothing else is created or dropped', HEAVY, async () => {
        await sentinel();
        for (const [index, t] of HOSTILE_NAMES.entries()) {
          const i = index + 1;
          await engine.ensureColumns(t, [{ name: 'v', type: 'integer' }]);
          expect(names(await engine.describe(t)), t).toEqual([...KEYS, 'v']);
          expect(await engine.insert(t, [keyRow(1, { v: i }), keyRow(2, { v: -i })]), t).toBe(2);
          expect(await engine.count(t, [{ column: 'v', op: '=', value: i }]), t).toBe(1);
          expect(await engine.update(t, { v: 100 }, [{ column: 'v', op: '=', value: -i }]), t).toBe(1);
          expect(await engine.select(t, { orderBy: [{ column: 'timestamp' }] }), t).toEqual([
            keyRow(1, { v: i }),
            keyRow(2, { v: 100 }),
          ]);
          if (engine.iterate) {
            const seen: Row[] = [];
            for await (const row of engine.iterate(t)) seen.push(row);
            expect(seen.sort(byKey), t).toEqual([keyRow(1, { v: i }), keyRow(2, { v: 100 })]);
          }
          expect(await engine.delete(t, [{ column: 'v', op: '=', value: 100 }]), t).toBe(1);
          expect(await engine.count(t), t).toBe(1);
        }
        expect(await engine.tables()).toEqual(['sentinel', ...HOSTILE_NAMES].sort());
        await sentinelIntact();
      });

      it('work as column names in every method, and nothing else is created or dropped', HEAVY, async () => {
        await sentinel();
        const columns = HOSTILE_NAMES.map((n): ColumnSpec => ({ name: n, type: 'text' }));
        await engine.ensureColumns('hostile', columns);
        expect(names(await engine.describe('hostile'))).toEqual([...KEYS, ...HOSTILE_NAMES]);
        await engine.ensureColumns('hostile', columns);
        expect(names(await engine.describe('hostile'))).toEqual([...KEYS, ...HOSTILE_NAMES]);

        // Object.fromEntries makes `__proto__` an own key, as a parsed or computed key would be.
        const rowOf = (i: number): Row =>
          Object.fromEntries([...Object.entries(keyRow(i)), ...HOSTILE_NAMES.map((n, j) => [n, `${i}:${j}:${n}`])]);
        const rows = [rowOf(1), rowOf(2), rowOf(3)];
        expect(await engine.insert('hostile', rows)).toBe(3);

        const all = await engine.select('hostile', { orderBy: [{ column: 'timestamp' }] });
        expect(all.map((r) => Object.keys(r))).toEqual(rows.map(() => [...KEYS, ...HOSTILE_NAMES]));
        for (const [i, row] of all.entries()) {
          for (const n of HOSTILE_NAMES) {
            expect(Object.getOwnPropertyDescriptor(row, n)?.value, n).toBe(`${i + 1}:${HOSTILE_NAMES.indexOf(n)}:${n}`);
          }
        }
        for (const [j, n] of HOSTILE_NAMES.entries()) {
          const value = `2:${j}:${n}`;
          const picked = await engine.select('hostile', {
            where: [{ column: n, op: '=', value }],
            columns: [n, 'timestamp'],
            orderBy: [{ column: n, desc: true }],
          });
          expect(picked.map((r) => Object.entries(r)), n).toEqual([[[n, value], ['timestamp', ts(2)]]]);
          expect(await engine.count('hostile', [{ column: n, op: 'in', value: [value, 'none'] }]), n).toBe(1);
        }
        const last = HOSTILE_NAMES[HOSTILE_NAMES.length - 1] as string;
        for (const n of HOSTILE_NAMES) {
          expect(await engine.update('hostile', Object.fromEntries([[n, 'changed']]), [{ column: last, op: '=', value: `3:${HOSTILE_NAMES.length - 1}:${last}` }]), n).toBe(1);
        }
        const [changed] = await engine.select('hostile', { where: [{ column: 'timestamp', op: '=', value: ts(3) }] });
        for (const n of HOSTILE_NAMES) expect(Object.getOwnPropertyDescriptor(changed, n)?.value, n).toBe('changed');
        expect(await engine.delete('hostile', [{ column: HOSTILE_NAMES[0] as string, op: 'is not null' }, { column: 'timestamp', op: '<', value: ts(3) }])).toBe(2);
        expect(await engine.count('hostile')).toBe(1);
        expect(await engine.tables()).toEqual(['hostile', 'sentinel']);
        await sentinelIntact();
      });
    });

    describe('select, count and filters', () => {
      // n: 0..9 and one NULL row; x: n/2 except NULL at n=3; s: cycles a/b/c; b: n even.
      const fixture = async (): Promise<Row[]> => {
        const rows: Row[] = Array.from({ length: 10 }, (_, n) =>
          keyRow(n, { n, x: n === 3 ? null : n / 2, s: 'abc'[n % 3] as string, b: n % 2 === 0 }),
        );
        rows.push(keyRow(10, { n: null, x: null, s: null, b: null }));
        await table(
          'm',
          [
            { name: 'n', type: 'integer' },
            { name: 'x', type: 'float' },
            { name: 's', type: 'text' },
            { name: 'b', type: 'boolean' },
          ],
          rows,
        );
        return rows;
      };
      const ns = async (where: Where[]): Promise<(CellValue | undefined)[]> =>
        (await engine.select('m', { where, orderBy: [{ column: 'timestamp' }] })).map((r) => r.n);

      it('without options returns every row with every column in table order', async () => {
        const rows = await fixture();
        const all = await engine.select('m');
        expect([...all].sort(byKey)).toEqual(rows);
        for (const row of all) expect(Object.keys(row)).toEqual([...KEYS, 'n', 'x', 's', 'b']);
      });

      it('= != < <= > >= compare values', async () => {
        await fixture();
        expect(await ns([{ column: 'n', op: '=', value: 4 }])).toEqual([4]);
        expect(await ns([{ column: 'n', op: '!=', value: 4 }])).toEqual([0, 1, 2, 3, 5, 6, 7, 8, 9]);
        expect(await ns([{ column: 'n', op: '<', value: 3 }])).toEqual([0, 1, 2]);
        expect(await ns([{ column: 'n', op: '<=', value: 3 }])).toEqual([0, 1, 2, 3]);
        expect(await ns([{ column: 'n', op: '>', value: 7 }])).toEqual([8, 9]);
        expect(await ns([{ column: 'n', op: '>=', value: 7 }])).toEqual([7, 8, 9]);
        expect(await ns([{ column: 'x', op: '>', value: 3.5 }])).toEqual([8, 9]);
        expect(await ns([{ column: 's', op: '=', value: 'b' }])).toEqual([1, 4, 7]);
        expect(await ns([{ column: 's', op: '>=', value: 'b' }])).toEqual([1, 2, 4, 5, 7, 8]);
      });

      it('comparisons follow SQL: NULL matches none of them', async () => {
        await fixture();
        expect(await ns([{ column: 'x', op: '!=', value: 0 }])).toEqual([1, 2, 4, 5, 6, 7, 8, 9]);
        expect(await ns([{ column: 'x', op: '<', value: 100 }])).toHaveLength(9);
      });

      it('filters booleans with true and false', async () => {
        await fixture();
        expect(await ns([{ column: 'b', op: '=', value: true }])).toEqual([0, 2, 4, 6, 8]);
        expect(await ns([{ column: 'b', op: '=', value: false }])).toEqual([1, 3, 5, 7, 9]);
      });

      it('in matches any listed value; in [] matches nothing', async () => {
        await fixture();
        expect(await ns([{ column: 'n', op: 'in', value: [9, 2, 5, 42] }])).toEqual([2, 5, 9]);
        expect(await ns([{ column: 's', op: 'in', value: ['c'] }])).toEqual([2, 5, 8]);
        expect(await ns([{ column: 'n', op: 'in', value: [] }])).toEqual([]);
        expect(await engine.count('m', [{ column: 'n', op: 'in', value: [] }])).toBe(0);
      });

      it('is null and is not null', async () => {
        await fixture();
        expect(await ns([{ column: 'x', op: 'is null' }])).toEqual([3, null]);
        expect(await ns([{ column: 'n', op: 'is not null' }])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      });

      it('several filters are joined with AND', async () => {
        await fixture();
        expect(
          await ns([
            { column: 'n', op: '>=', value: 2 },
            { column: 'b', op: '=', value: true },
            { column: 's', op: '!=', value: 'c' },
          ]),
        ).toEqual([4, 6]);
      });

      it('and/or nest to any depth; empty and matches all, empty or nothing', async () => {
        await fixture();
        // n < 2 OR (s = 'c' AND b = true) OR n IN (9)
        const tree: Where[] = [
          {
            or: [
              { column: 'n', op: '<', value: 2 },
              { and: [{ column: 's', op: '=', value: 'c' }, { column: 'b', op: '=', value: true }] },
              { column: 'n', op: 'in', value: [9] },
            ],
          },
        ];
        expect(await ns(tree)).toEqual([0, 1, 2, 8, 9]);
        expect(await ns([{ column: 'n', op: '>', value: 0 }, { or: [{ column: 'x', op: 'is null' }, { column: 'n', op: '=', value: 4 }] }])).toEqual([3, 4]);
        expect(await ns([{ or: [{ and: [{ or: [{ column: 'n', op: '=', value: 1 }] }] }, { column: 'n', op: 'in', value: [] }] }])).toEqual([1]);
        expect(await ns([{ and: [] }])).toHaveLength(11);
        expect(await ns([{ or: [] }])).toEqual([]);
        expect(await engine.count('m', tree)).toBe(5);
        expect(await engine.count('m', [{ or: [] }])).toBe(0);
      });

      it('like matches % and _ patterns, ASCII letters in either case, \\ escapes, NULL never', async () => {
        await table('l', [{ name: 't', type: 'text' }, { name: 'n', type: 'integer' }], [
          keyRow(0, { t: 'gpt-4o', n: 10 }),
          keyRow(1, { t: 'GPT-3.5', n: 25 }),
          keyRow(2, { t: 'claude_3', n: 3 }),
          keyRow(3, { t: 'claude-3', n: 110 }),
          keyRow(4, { t: '100%', n: null }),
          keyRow(5, { t: null, n: 1 }),
        ]);
        const ts = async (where: Where[]) => (await engine.select('l', { where, orderBy: [{ column: 'timestamp' }] })).map((r) => r.t);
        expect(await ts([{ column: 't', op: 'like', value: 'gpt%' }])).toEqual(['gpt-4o', 'GPT-3.5']);
        expect(await ts([{ column: 't', op: 'like', value: 'claude_3' }])).toEqual(['claude_3', 'claude-3']);
        expect(await ts([{ column: 't', op: 'like', value: 'claude\\_3' }])).toEqual(['claude_3']);
        expect(await ts([{ column: 't', op: 'like', value: '%\\%' }])).toEqual(['100%']);
        expect(await ts([{ column: 't', op: 'like', value: '%' }])).toHaveLength(5);
        // a number matches as its text
        expect(await ts([{ column: 'n', op: 'like', value: '1%' }])).toEqual(['gpt-4o', 'claude-3', null]);
        expect(await engine.count('l', [{ or: [{ column: 't', op: 'like', value: 'GPT%' }, { column: 'n', op: '=', value: 3 }] }])).toBe(3);
      });

      it('update and delete take and/or trees', async () => {
        await fixture();
        const tree: Where[] = [{ or: [{ column: 'n', op: '=', value: 1 }, { column: 's', op: 'like', value: 'C' }] }];
        expect(await engine.update('m', { x: 99 }, tree)).toBe(4);
        expect(await ns([{ column: 'x', op: '=', value: 99 }])).toEqual([1, 2, 5, 8]);
        expect(await engine.delete('m', tree)).toBe(4);
        expect(await engine.count('m')).toBe(7);
      });

      it('filters a bigint beyond 2^53 exactly', async () => {
        await table('big', [{ name: 'v', type: 'integer' }], [
          keyRow(1, { v: 2n ** 62n }),
          keyRow(2, { v: 2n ** 62n + 1n }),
        ]);
        expect(await engine.select('big', { where: [{ column: 'v', op: '=', value: 2n ** 62n + 1n }] })).toEqual([
          keyRow(2, { v: 2n ** 62n + 1n }),
        ]);
        expect(await engine.count('big', [{ column: 'v', op: '>', value: 2n ** 62n }])).toBe(1);
      });

      it('columns picks and orders the columns', async () => {
        await fixture();
        const rows = await engine.select('m', { columns: ['s', 'n'], where: [{ column: 'n', op: '<', value: 2 }], orderBy: [{ column: 'n' }] });
        expect(rows.map((r) => Object.entries(r))).toEqual([
          [
            ['s', 'a'],
            ['n', 0],
          ],
          [
            ['s', 'b'],
            ['n', 1],
          ],
        ]);
      });

      it('orderBy sorts ascending, descending and by several columns', async () => {
        await fixture();
        const notNull: Filter[] = [{ column: 'n', op: 'is not null' }];
        expect((await engine.select('m', { where: notNull, orderBy: [{ column: 'n', desc: true }] })).map((r) => r.n)).toEqual([
          9, 8, 7, 6, 5, 4, 3, 2, 1, 0,
        ]);
        expect(
          (await engine.select('m', { where: notNull, orderBy: [{ column: 's' }, { column: 'n', desc: true }] })).map((r) => r.n),
        ).toEqual([9, 6, 3, 0, 7, 4, 1, 8, 5, 2]);
        expect(
          (await engine.select('m', { where: notNull, orderBy: [{ column: 'b', desc: true }, { column: 'n' }] })).map((r) => r.n),
        ).toEqual([0, 2, 4, 6, 8, 1, 3, 5, 7, 9]);
      });

      it('limit and offset page through ordered rows', async () => {
        await fixture();
        const page = async (limit?: number, offset?: number) =>
          (
            await engine.select('m', {
              where: [{ column: 'n', op: 'is not null' }],
              orderBy: [{ column: 'n' }],
              ...(limit === undefined ? {} : { limit }),
              ...(offset === undefined ? {} : { offset }),
            })
          ).map((r) => r.n);
        expect(await page(3)).toEqual([0, 1, 2]);
        expect(await page(3, 3)).toEqual([3, 4, 5]);
        expect(await page(3, 8)).toEqual([8, 9]);
        expect(await page(undefined, 7)).toEqual([7, 8, 9]);
        expect(await page(0)).toEqual([]);
        expect(await page(5, 100)).toEqual([]);
      });

      it('count counts all rows, or the matching ones', async () => {
        await fixture();
        expect(await engine.count('m')).toBe(11);
        expect(await engine.count('m', [])).toBe(11);
        expect(await engine.count('m', [{ column: 'b', op: '=', value: true }])).toBe(5);
        expect(await engine.count('m', [{ column: 'x', op: 'is null' }])).toBe(2);
      });

      it('a missing table: select [], count 0, update 0, delete 0, and it is not created', async () => {
        expect(await engine.select('missing')).toEqual([]);
        expect(await engine.select('missing', { where: [{ column: 'a', op: '=', value: 1 }], orderBy: [{ column: 'a' }], limit: 1 })).toEqual([]);
        expect(await engine.count('missing')).toBe(0);
        expect(await engine.count('missing', [{ column: 'a', op: '=', value: 1 }])).toBe(0);
        expect(await engine.update('missing', { a: 1 }, [])).toBe(0);
        expect(await engine.delete('missing', [])).toBe(0);
        expect(await engine.tables()).toEqual([]);
      });

      it('an unknown column rejects with UNKNOWN_COLUMN', async () => {
        await fixture();
        const where: Filter[] = [{ column: 'nope', op: '=', value: 'nope' }];
        await expectCode(engine.select('m', { where }), 'UNKNOWN_COLUMN');
        await expectCode(engine.select('m', { columns: ['n', 'nope'] }), 'UNKNOWN_COLUMN');
        await expectCode(engine.select('m', { orderBy: [{ column: 'nope' }] }), 'UNKNOWN_COLUMN');
        await expectCode(engine.count('m', where), 'UNKNOWN_COLUMN');
        await expectCode(engine.update('m', { n: 1 }, where), 'UNKNOWN_COLUMN');
        await expectCode(engine.update('m', { nope: 1 }, []), 'UNKNOWN_COLUMN');
        await expectCode(engine.delete('m', where), 'UNKNOWN_COLUMN');
        expect(await engine.count('m')).toBe(11);
      });
    });

    describe('aggregate (in the engine where it has the capability, else core\'s fallback; both must agree)', () => {
      // three runs; n per run, x a float with a NULL, s text, b boolean, j json
      const fixture = async (): Promise<void> => {
        const rows: Row[] = [];
        let i = 0;
        for (const [run, values] of [
          ['r1', [1, 5, 3]],
          ['r2', [7, 2]],
          ['r3', [4, 4, 4, 9]],
        ] as const) {
          for (const n of values) {
            rows.push(keyRow(i, { n, x: n === 5 ? null : n / 2, s: `s${n}`, b: n % 2 === 0, j: JSON.stringify({ n }) }, run));
            i++;
          }
        }
        rows.push(keyRow(i, { n: 6, x: null, s: null, b: null, j: null }, 'r2'));
        await table(
          'g',
          [
            { name: 'n', type: 'integer' },
            { name: 'x', type: 'float' },
            { name: 's', type: 'text' },
            { name: 'b', type: 'boolean' },
            { name: 'j', type: 'json' },
          ],
          rows,
        );
      };
      const both = async (options: AggregateOptions): Promise<Row[]> => {
        const fallback = await aggregateRows(engine, 'g', options);
        if (!caps.aggregate || !engine.aggregate) return fallback;
        const native = await engine.aggregate('g', options);
        expect(native, 'the engine and core\'s fallback disagree').toEqual(fallback);
        return native;
      };

      it('computes every function per group, groups in ascending order', async () => {
        await fixture();
        const rows = await both({
          groupBy: ['track_id'],
          measures: [
            { fn: 'count', as: 'rows' },
            { fn: 'count', column: 'x', as: 'xs' },
            { fn: 'count_distinct', column: 'n', as: 'distinct' },
            { fn: 'min', column: 'n', as: 'min' },
            { fn: 'max', column: 's', as: 'max' },
            { fn: 'sum', column: 'n', as: 'sum' },
            { fn: 'avg', column: 'x', as: 'avg' },
            { fn: 'first', column: 'x', as: 'first' },
            { fn: 'last', column: 's', as: 'last' },
            { fn: 'min', column: 'timestamp', as: 'start' },
          ],
        });
        expect(rows).toEqual([
          { track_id: 'r1', rows: 3, xs: 2, distinct: 3, min: 1, max: 's5', sum: 9, avg: 1, first: 0.5, last: 's3', start: ts(0) },
          { track_id: 'r2', rows: 3, xs: 2, distinct: 3, min: 2, max: 's7', sum: 15, avg: 2.25, first: 3.5, last: 's2', start: ts(3) },
          { track_id: 'r3', rows: 4, xs: 4, distinct: 2, min: 4, max: 's9', sum: 21, avg: 2.625, first: 2, last: 's9', start: ts(5) },
        ]);
      });

      it('keeps each column type: booleans, json text, floats', async () => {
        await fixture();
        const [row] = await both({
          where: [{ column: 'track_id', op: '=', value: 'r3' }],
          measures: [
            { fn: 'min', column: 'b', as: 'anyFalse' },
            { fn: 'max', column: 'b', as: 'anyTrue' },
            { fn: 'last', column: 'j', as: 'j' },
            { fn: 'max', column: 'x', as: 'x' },
          ],
        });
        expect(row).toEqual({ anyFalse: false, anyTrue: true, j: JSON.stringify({ n: 9 }), x: 4.5 });
      });

      it('filters with where (and/or) before aggregating; first/last honour it', async () => {
        await fixture();
        const rows = await both({
          where: [{ or: [{ column: 'n', op: '<', value: 4 }, { column: 'n', op: '=', value: 9 }] }],
          groupBy: ['track_id'],
          measures: [{ fn: 'count', as: 'rows' }, { fn: 'last', column: 'n', as: 'last' }, { fn: 'first', column: 'n', as: 'first' }],
        });
        expect(rows).toEqual([
          { track_id: 'r1', rows: 2, last: 3, first: 1 },
          { track_id: 'r2', rows: 1, last: 2, first: 2 },
          { track_id: 'r3', rows: 1, last: 9, first: 9 },
        ]);
      });

      it('groups by several columns, NULL being a group of its own, first', async () => {
        await fixture();
        const rows = await both({ groupBy: ['b', 'track_id'], measures: [{ fn: 'count', as: 'rows' }] });
        expect(rows).toEqual([
          { b: null, track_id: 'r2', rows: 1 },
          { b: false, track_id: 'r1', rows: 3 },
          { b: false, track_id: 'r2', rows: 1 },
          { b: false, track_id: 'r3', rows: 1 },
          { b: true, track_id: 'r2', rows: 1 },
          { b: true, track_id: 'r3', rows: 3 },
        ]);
      });

      it('without groupBy gives one row, also over no rows; a missing table gives []', async () => {
        await fixture();
        const measures: Measure[] = [
          { fn: 'count', as: 'rows' },
          { fn: 'count_distinct', column: 's', as: 'd' },
          { fn: 'max', column: 'n', as: 'max' },
          { fn: 'sum', column: 'x', as: 'sum' },
          { fn: 'last', column: 'n', as: 'last' },
        ];
        expect(await both({ measures })).toEqual([{ rows: 10, d: 7, max: 9, sum: 17, last: 6 }]);
        expect(await both({ where: [{ column: 'n', op: '>', value: 100 }], measures })).toEqual([{ rows: 0, d: 0, max: null, sum: null, last: null }]);
        if (caps.aggregate && engine.aggregate) expect(await engine.aggregate('missing', { measures })).toEqual([]);
      });

      it("core's fallback rejects an unknown column with UNKNOWN_COLUMN", async () => {
        await fixture();
        await expectCode(aggregateRows(engine, 'g', { measures: [{ fn: 'max', column: 'nope', as: 'm' }] }), 'UNKNOWN_COLUMN');
        await expectCode(aggregateRows(engine, 'g', { groupBy: ['nope'], measures: [{ fn: 'count', as: 'm' }] }), 'UNKNOWN_COLUMN');
      });

      it.skipIf(!caps.aggregate)(group('rejects an unknown column with UNKNOWN_COLUMN', caps.aggregate === true, 'engine declares no aggregate'), async () => {
        await fixture();
        await expectCode(engine.aggregate!('g', { measures: [{ fn: 'max', column: 'nope', as: 'm' }] }), 'UNKNOWN_COLUMN');
        await expectCode(engine.aggregate!('g', { groupBy: ['nope'], measures: [{ fn: 'count', as: 'm' }] }), 'UNKNOWN_COLUMN');
      });
    });

    describe('update and delete', () => {
      const setup = async (): Promise<void> => {
        await table(
          't',
          [
            { name: 'n', type: 'integer' },
            { name: 'tag', type: 'text' },
            { name: 'ok', type: 'boolean' },
          ],
          Array.from({ length: 6 }, (_, n) => keyRow(n, { n, tag: n < 3 ? 'low' : 'high', ok: null })),
        );
      };

      it('update sets values on the matching rows and resolves their count', async () => {
        await setup();
        expect(await engine.update('t', { ok: true, tag: 'LOW' }, [{ column: 'tag', op: '=', value: 'low' }])).toBe(3);
        const rows = await engine.select('t', { orderBy: [{ column: 'n' }] });
        expect(rows.map((r) => [r.tag, r.ok])).toEqual([
          ['LOW', true],
          ['LOW', true],
          ['LOW', true],
          ['high', null],
          ['high', null],
          ['high', null],
        ]);
      });

      it('update with no filters changes every row; with no match resolves 0', async () => {
        await setup();
        expect(await engine.update('t', { ok: false }, [])).toBe(6);
        expect(await engine.count('t', [{ column: 'ok', op: '=', value: false }])).toBe(6);
        expect(await engine.update('t', { ok: true }, [{ column: 'n', op: '>', value: 100 }])).toBe(0);
        expect(await engine.count('t', [{ column: 'ok', op: '=', value: true }])).toBe(0);
      });

      it('update can set NULL', async () => {
        await setup();
        expect(await engine.update('t', { tag: null }, [{ column: 'n', op: 'in', value: [1, 2] }])).toBe(2);
        expect(await engine.count('t', [{ column: 'tag', op: 'is null' }])).toBe(2);
      });

      it('update onto an existing (track_id, timestamp) rejects with DUPLICATE_KEY and changes nothing', async () => {
        await setup();
        await expectCode(engine.update('t', { timestamp: ts(0) }, [{ column: 'n', op: '=', value: 1 }]), 'DUPLICATE_KEY');
        expect((await engine.select('t', { orderBy: [{ column: 'n' }] })).map((r) => r.timestamp)).toEqual([0, 1, 2, 3, 4, 5].map(ts));
      });

      it('delete removes the matching rows and resolves their count', async () => {
        await setup();
        expect(await engine.delete('t', [{ column: 'n', op: '>=', value: 4 }])).toBe(2);
        expect(await engine.delete('t', [{ column: 'n', op: '>=', value: 4 }])).toBe(0);
        expect((await engine.select('t', { orderBy: [{ column: 'n' }] })).map((r) => r.n)).toEqual([0, 1, 2, 3]);
      });

      it('delete with no filters removes every row and keeps the table', async () => {
        await setup();
        expect(await engine.delete('t', [])).toBe(6);
        expect(await engine.count('t')).toBe(0);
        expect(await engine.tables()).toEqual(['t']);
        expect(names(await engine.describe('t'))).toEqual([...KEYS, 'n', 'tag', 'ok']);
      });
    });

    const streaming = caps.streaming === true;
    describe.skipIf(!streaming)(group('iterate (streaming)', streaming, 'engine declares no streaming'), () => {
      const collect = async (t: string, options?: Parameters<Engine['select']>[1]): Promise<Row[]> => {
        const rows: Row[] = [];
        for await (const row of (engine.iterate as NonNullable<Engine['iterate']>)(t, options)) rows.push(row);
        return rows;
      };
      const big = async (count: number): Promise<Row[]> => {
        const rows = Array.from({ length: count }, (_, i) =>
          keyRow(i, { n: i, grp: i % 7 === 0 ? null : i % 3, s: `s${i % 11}`, ok: i % 2 === 0, big: i === 5 ? 2n ** 62n : i }),
        );
        await table(
          'it',
          [
            { name: 'n', type: 'integer' },
            { name: 'grp', type: 'integer' },
            { name: 's', type: 'text' },
            { name: 'ok', type: 'boolean' },
            { name: 'big', type: 'integer' },
          ],
          rows,
        );
        return rows;
      };

      it('yields every row once, as select returns them', HEAVY, async () => {
        const rows = await big(12_345);
        const seen = await collect('it');
        expect(seen).toHaveLength(rows.length);
        expect([...seen].sort(byKey)).toEqual([...(await engine.select('it'))].sort(byKey));
        expect([...seen].sort(byKey)).toEqual([...rows].sort(byKey));
      });

      it('matches select for where, columns, orderBy, limit and offset', HEAVY, async () => {
        await big(12_345);
        const cases: NonNullable<Parameters<Engine['select']>[1]>[] = [
          { orderBy: [{ column: 'n', desc: true }] },
          { where: [{ column: 'ok', op: '=', value: true }], orderBy: [{ column: 'timestamp' }] },
          { columns: ['big', 'n'], orderBy: [{ column: 'n' }], limit: 7000, offset: 10 },
          { orderBy: [{ column: 's' }, { column: 'n', desc: true }], offset: 5003 },
          { where: [{ column: 'n', op: '<', value: 100 }], orderBy: [{ column: 'n' }], limit: 10 },
          { orderBy: [{ column: 'n' }], limit: 0 },
        ];
        for (const options of cases) {
          expect(await collect('it', options), JSON.stringify(options, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).toEqual(
            await engine.select('it', options),
          );
        }
      });

      it('orders by a column with ties and NULLs like select, each row once', HEAVY, async () => {
        await big(12_345);
        for (const desc of [false, true]) {
          const options = { orderBy: [{ column: 'grp', desc }] };
          const seen = await collect('it', options);
          const selected = await engine.select('it', options);
          expect(seen.map((r) => r.grp)).toEqual(selected.map((r) => r.grp));
          expect([...seen].sort(byKey)).toEqual([...selected].sort(byKey));
        }
      });

      it('allows writes through the same engine between yields', HEAVY, async () => {
        await big(12_345);
        await table('log', [{ name: 'seen', type: 'integer' }]);
        let seen = 0;
        for await (const row of (engine.iterate as NonNullable<Engine['iterate']>)('it', { orderBy: [{ column: 'n' }] })) {
          if (seen % 1000 === 0) {
            await engine.insert('log', [keyRow(seen, { seen })]);
            await engine.update('it', { s: 'touched' }, [{ column: 'n', op: '=', value: row.n as number }]);
            expect(await engine.count('log')).toBe(seen / 1000 + 1);
          }
          seen++;
        }
        expect(seen).toBe(12_345);
        expect(await engine.count('log')).toBe(13);
        expect(await engine.count('it', [{ column: 's', op: '=', value: 'touched' }])).toBe(13);
      });

      it('can be abandoned, and the engine keeps working', async () => {
        await big(100);
        for await (const row of (engine.iterate as NonNullable<Engine['iterate']>)('it')) {
          expect(row.track_id).toBe('run');
          break;
        }
        expect(await engine.insert('it', [keyRow(1000, { n: 1000 })])).toBe(1);
        expect(await engine.count('it')).toBe(101);
      });

      it('yields nothing for a missing table', async () => {
        expect(await collect('missing')).toEqual([]);
      });

      it('rejects an unknown column with UNKNOWN_COLUMN', async () => {
        await big(3);
        await expectCode(collect('it', { where: [{ column: 'nope', op: '=', value: 1 }] }), 'UNKNOWN_COLUMN');
      });
    });

    const rawSql = caps.rawSql === true;
    describe.skipIf(!rawSql)(group('sql (rawSql)', rawSql, 'engine declares no rawSql'), () => {
      const sql = (query: string, params?: CellValue[]): Promise<Row[]> =>
        (engine.sql as NonNullable<Engine['sql']>)(query, params);

      it('runs a query with positional parameters and returns its rows', async () => {
        await table('t', [{ name: 'n', type: 'integer' }], [keyRow(1, { n: 1 }), keyRow(2, { n: 2 }), keyRow(3, { n: 3 })]);
        const rows = await sql(`SELECT "n" FROM "t" WHERE "n" >= ${placeholder(1)} ORDER BY "n"`, [2]);
        expect(rows).toEqual([{ n: 2 }, { n: 3 }]);
      });

      it('returns [] for a statement that returns no rows, and its effect is visible', async () => {
        await table('t', [{ name: 'n', type: 'integer' }], [keyRow(1, { n: 1 })]);
        expect(await sql(`UPDATE "t" SET "n" = ${placeholder(1)}`, [5])).toEqual([]);
        expect(await engine.select('t')).toEqual([keyRow(1, { n: 5 })]);
      });

      it('tables() does not list a table without track_id and timestamp', async () => {
        await engine.ensureColumns('tracked', []);
        expect(await sql('CREATE TABLE "assets" ("key" TEXT PRIMARY KEY, "value" BLOB)')).toEqual([]);
        expect(await engine.tables()).toEqual(['tracked']);
      });

      it('a failing statement rejects with a XetrackError and leaves the engine usable', async () => {
        const error = await rejection(sql('SELECT * FROM "no such table here"'));
        expect(isXetrackError(error)).toBe(true);
        await engine.ensureColumns('t', []);
        expect(await engine.tables()).toEqual(['t']);
      });
    });

    const concurrent = caps.concurrentWriters === true && canOpenAnother;
    describe.skipIf(!concurrent)(
      group(
        'two writers (concurrentWriters)',
        concurrent,
        caps.concurrentWriters ? 'the factory has no openAnother' : 'engine declares no concurrentWriters',
      ),
      () => {
        it('interleaved inserts from two connections are all kept', HEAVY, async () => {
          const other = await another();
          await table('t', [{ name: 'n', type: 'integer' }]);
          const writes: Promise<number>[] = [];
          for (let i = 0; i < 200; i++) {
            writes.push(engine.insert('t', [keyRow(i, { n: i }, 'a')]));
            writes.push(other.insert('t', [keyRow(i, { n: i }, 'b'), keyRow(i + 1000, { n: i }, 'b')]));
          }
          expect((await Promise.all(writes)).reduce((a, b) => a + b, 0)).toBe(600);
          expect(await engine.count('t')).toBe(600);
          expect(await other.count('t', [{ column: 'track_id', op: '=', value: 'b' }])).toBe(400);
        });
      },
    );
  });
}
