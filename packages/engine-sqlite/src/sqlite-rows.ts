import type { CellValue, Row } from '@xetrack/core/engine';
import type { SqliteColumnInfo } from './sqlite-database.js';
import { columnTypeOf, mayHoldInteger } from './sqlite-types.js';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const MIN_SAFE = Number.MIN_SAFE_INTEGER;

/**
 * Builds row objects from rows read as arrays (`raw(true)`), in the contract's JS forms: 0/1 in
 * BOOLEAN columns become booleans, numbers in JSON columns their text, integers beyond +-2^53-1
 * bigints. Only the columns that need it are touched.
 *
 * Arrays plus objects built here are faster than better-sqlite3's own row objects (measured with
 * bench/engine-bench.mjs: about 0.8x the time for 100,000 rows of 12 columns), and they keep a column
 * named `__proto__`, which better-sqlite3's objects drop.
 *
 * Reading every integer as a bigint costs an allocation per cell, so rows are first read as plain
 * numbers; a value beyond the safe range in a column that can hold integers makes `rows` return
 * `undefined`, and the caller re-reads with `safeIntegers(true)` (rare: only 64-bit values).
 */
export class RowDecoder {
  readonly #names: readonly string[];
  readonly #special: boolean;
  /** Columns whose affinity lets them hold an INTEGER (the only places precision can be lost). */
  readonly #checked: readonly number[];
  readonly #booleans: readonly number[];
  readonly #jsons: readonly number[];

  /** For the first `columns.length` values of each array row (extra trailing values are ignored). */
  constructor(columns: readonly SqliteColumnInfo[]) {
    this.#names = columns.map((c) => c.name);
    this.#special = this.#names.includes('__proto__');
    const indexes = (keep: (c: SqliteColumnInfo) => boolean) => columns.flatMap((c, i) => (keep(c) ? [i] : []));
    this.#checked = indexes((c) => mayHoldInteger(c.type));
    this.#booleans = indexes((c) => c.type !== null && columnTypeOf(c.type) === 'boolean');
    this.#jsons = indexes((c) => c.type !== null && columnTypeOf(c.type) === 'json');
  }

  /**
   * Row objects for `arrays`. `safe` says they were read with `safeIntegers(true)`. Without it,
   * `undefined` means a value may have lost precision: read again with safe integers.
   */
  rows(arrays: readonly unknown[][], safe: boolean): Row[] | undefined {
    const out = new Array<Row>(arrays.length);
    for (let r = 0; r < arrays.length; r++) {
      const row = this.row(arrays[r] as unknown[], safe);
      if (row === undefined) return undefined;
      out[r] = row;
    }
    return out;
  }

  /** One row object; see `rows`. */
  row(values: unknown[], safe: boolean): Row | undefined {
    if (this.values(values, safe) === undefined) return undefined;
    const names = this.#names;
    const n = names.length;
    const row: Record<string, unknown> = {};
    if (this.#special) {
      for (let i = 0; i < n; i++) {
        Object.defineProperty(row, names[i] as string, { value: values[i], enumerable: true, writable: true, configurable: true });
      }
    } else {
      for (let i = 0; i < n; i++) row[names[i] as string] = values[i];
    }
    return row as Row;
  }

  /** One row's array, its values turned into their JS forms in place (no object built); see `rows`. */
  values(values: unknown[], safe: boolean): CellValue[] | undefined {
    const n = this.#names.length;
    if (safe) {
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v === 'bigint' && v <= MAX_SAFE && v >= MIN_SAFE) values[i] = Number(v);
      }
    } else {
      for (const i of this.#checked) {
        const v = values[i];
        if (typeof v === 'number' && (v > MAX_SAFE || v < MIN_SAFE)) return undefined;
      }
    }
    for (const i of this.#booleans) {
      const v = values[i];
      if (v === 1) values[i] = true;
      else if (v === 0) values[i] = false;
    }
    for (const i of this.#jsons) {
      const v = values[i];
      if (typeof v === 'number' || typeof v === 'bigint') values[i] = String(v);
    }
    return values as CellValue[];
  }
}
