import { compiledFunction, type ColumnType, type Row } from '@xetrack/core/engine';
import type { SqliteStatement } from './sqlite-database.js';
import { bindValue } from './sqlite-sql.js';

type Binder = (row: Row, params: unknown[]) => void;

/**
 * The INSERT for one key list of one table, with what binding a row of those keys needs: the
 * reused parameter array, which keys need an exact integer binding, and which land in INTEGER
 * columns (a fractional number there widens the column first). Every per-row step costs one
 * operation per key: no lookups by name, no allocation.
 */
export class PreparedInsert {
  /** Reused for every row (better-sqlite3 copies the bindings). */
  readonly params: unknown[];
  /** Indexes of the keys that name INTEGER columns. */
  readonly #integers: readonly number[];
  /** Per key: must a whole number be bound as an integer? Yes unless the column's affinity is numeric. */
  readonly #exactIntegers: readonly boolean[];
  /** Compiled on the second row bound: a key list seen once costs no compilation. */
  #bind: Binder | undefined;

  /** `types` gives each key's column type (undefined when the table lacks it). */
  constructor(
    readonly keys: readonly string[],
    readonly statement: SqliteStatement,
    types: readonly (ColumnType | undefined)[],
  ) {
    this.params = new Array<unknown>(keys.length);
    this.#exactIntegers = types.map((type) => !(type === 'integer' || type === 'float' || type === 'boolean' || type === 'json'));
    this.#integers = types.flatMap((type, i) => (type === 'integer' ? [i] : []));
  }

  /**
   * True when `row`'s own keys are exactly `keys`, in order. Rows core builds from one object
   * literal share a hidden class, so this walk reads V8's enum cache: cheap even for wide rows.
   */
  matches(row: Row): boolean {
    const keys = this.keys;
    let i = 0;
    for (const key in row) {
      if (i === keys.length || keys[i] !== key) return false;
      i++;
    }
    return i === keys.length;
  }

  /** Fills `params` from a row that `matches`. */
  bind(row: Row): void {
    if (this.#bind !== undefined) {
      this.#bind(row, this.params);
      return;
    }
    const { keys, params } = this;
    const exact = this.#exactIntegers;
    for (let i = 0; i < keys.length; i++) params[i] = bindCell(row[keys[i]!], exact[i]!);
    this.#bind = compileBinder(keys, exact);
  }

  /** The keys of INTEGER columns whose bound value is a fractional number (SQLite would store a REAL there). */
  fractionalKeys(): string[] | undefined {
    let found: string[] | undefined;
    for (const i of this.#integers) {
      const value = this.params[i];
      if (typeof value === 'number' && value % 1 !== 0 && value - value === 0) (found ??= []).push(this.keys[i]!);
    }
    return found;
  }
}

/**
 * A binder for rows with `keys`: one property load and bind per column, no key checks (the caller
 * checked them). Loads by constant name are fast on rows of one hidden class. Keys are embedded
 * as JSON string literals, so no key can change the code.
 */
function compileBinder(keys: readonly string[], exactIntegers: readonly boolean[]): Binder {
  const lines = keys.map((key, i) => {
    const load = `const v${i} = row[${JSON.stringify(key)}];`;
    return exactIntegers[i] ? `${load} p[${i}] = bindValue(v${i});` : `${load} p[${i}] = typeof v${i} === "number" ? (v${i} === v${i} ? v${i} : null) : bindValue(v${i});`;
  });
  return compiledFunction<Binder>(`return function bind(row, p) {\n${lines.join('\n')}\n};`, { bindValue });
}

/**
 * A cell as bound: a whole number stays a double where the column's affinity is numeric (SQLite
 * stores it as an INTEGER there); only TEXT/BLOB columns need an integer binding ('5', not '5.0').
 */
function bindCell(value: unknown, exactInteger: boolean): unknown {
  return typeof value === 'number' && !exactInteger ? (value === value ? value : null) : bindValue(value);
}
