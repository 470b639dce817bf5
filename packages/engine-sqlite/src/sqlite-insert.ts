import { compiledFunction, hasKeysInOrder, type ColumnType, type Row } from '@xetrack/core/engine';
import type { SqliteStatement } from './sqlite-database.js';
import { bindValue } from './sqlite-sql.js';

/** Binds and runs a row; false (nothing written, `params` holding the bound values) when an INTEGER column got a fractional number. */
type Runner = (row: Row, statement: SqliteStatement, params: unknown[]) => boolean;

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
  /** Compiled on the second row run: a key list seen once costs no compilation. */
  #run: Runner | undefined;

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
    return hasKeysInOrder(row, this.keys);
  }

  /**
   * Writes a row that `matches`: true when written; false when an INTEGER column got a fractional
   * number (nothing written; `params` holds the row's bound values for `fractionalKeys`).
   */
  run(row: Row): boolean {
    if (this.#run !== undefined) return this.#run(row, this.statement, this.params);
    const { keys, params } = this;
    const exact = this.#exactIntegers;
    for (let i = 0; i < keys.length; i++) params[i] = bindCell(row[keys[i]!], exact[i]!);
    this.#run = compileRunner(keys, exact, this.#integers);
    if (this.fractionalKeys() !== undefined) return false;
    this.statement.run(params);
    return true;
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
 * A runner for rows with `keys`: one property load and bind per column, no key checks (the caller
 * checked them), then `statement.run(b0, b1, ...)`: better-sqlite3 binds arguments faster than the
 * elements of an array (about 20% of the native insert). Loads by constant name are fast on rows
 * of one hidden class. Keys are embedded as JSON string literals, so no key can change the code.
 */
function compileRunner(keys: readonly string[], exactIntegers: readonly boolean[], integers: readonly number[]): Runner {
  const lines = keys.map((key, i) => {
    const load = `const v${i} = row[${JSON.stringify(key)}];`;
    return exactIntegers[i] ? `${load} const b${i} = bindValue(v${i});` : `${load} const b${i} = typeof v${i} === "number" ? (v${i} === v${i} ? v${i} : null) : bindValue(v${i});`;
  });
  const bound = keys.map((_, i) => `b${i}`);
  if (integers.length > 0) {
    // a fractional, finite number bound to an INTEGER column: hand the values back instead (the column widens first)
    const fractional = integers.map((i) => `(typeof b${i} === "number" && b${i} % 1 !== 0 && b${i} - b${i} === 0)`).join(' || ');
    lines.push(`if (${fractional}) {\n${bound.map((b, i) => `p[${i}] = ${b};`).join(' ')}\nreturn false;\n}`);
  }
  lines.push(`statement.run(${bound.join(', ')});`, 'return true;');
  return compiledFunction<Runner>(`return function run(row, statement, p) {\n${lines.join('\n')}\n};`, { bindValue });
}

/**
 * A cell as bound: a whole number stays a double where the column's affinity is numeric (SQLite
 * stores it as an INTEGER there); only TEXT/BLOB columns need an integer binding ('5', not '5.0').
 */
function bindCell(value: unknown, exactInteger: boolean): unknown {
  return typeof value === 'number' && !exactInteger ? (value === value ? value : null) : bindValue(value);
}
