import { compiledFunction, hasKeysInOrder, type ColumnType, type Row } from '@xetrack/core/engine';
import type { SqliteStatement } from './sqlite-database.js';
import { bindValue } from './sqlite-sql.js';

/** Binds and runs a row; false (nothing written, `params` holding the bound values) when an INTEGER column got a fractional number. */
type Runner = (row: Row, statement: SqliteStatement, params: unknown[]) => boolean;

/** Binds and runs `rows[at]` onwards through a multi-row INSERT; false (nothing written) when an INTEGER column got a fractional number. */
type ChunkRunner = (rows: readonly Row[], at: number, statement: SqliteStatement) => boolean;

/**
 * Bound values per multi-row INSERT: rows of 14 keys go 9 at a time. One statement per several
 * rows saves a call into the native addon and a `sqlite3_step`/`reset` per row (about 15% of a
 * narrow row's insert); past a few hundred values a statement gains nothing and costs compile time.
 */
const CHUNK_VALUES = 128;

/**
 * A multi-row INSERT failed. It is `INSERT OR ROLLBACK`: a multi-row statement that may abort
 * halfway makes SQLite copy every page it touches into a statement journal first (which made rows
 * of several runs, landing on several pages of the key, slower than one row at a time), while OR
 * ROLLBACK ends the whole transaction instead. So nothing of the call is kept, and the caller writes
 * the rows again one by one, which names the row at fault if the error comes again.
 */
export class ChunkFailed extends Error {
  constructor(failure: unknown) {
    super('a multi-row INSERT failed', { cause: failure });
  }
}

/**
 * The INSERT for one key list of one table, with what binding a row of those keys needs: the
 * reused parameter array, which keys need an exact integer binding, and which land in INTEGER
 * columns (a fractional number there widens the column first). Every per-row step costs one
 * operation per key: no lookups by name, no allocation. Rows of few keys also go several to a
 * statement (`runChunk`).
 */
export class PreparedInsert {
  /** Reused for every row (better-sqlite3 copies the bindings). */
  readonly params: unknown[];
  /** Rows per multi-row INSERT (`runChunk`); 1 when rows are too wide to gain from it. */
  readonly chunkRows: number;
  /** Indexes of the keys that name INTEGER columns. */
  readonly #integers: readonly number[];
  /** Per key: must a whole number be bound as an integer? Yes unless the column's affinity is numeric. */
  readonly #exactIntegers: readonly boolean[];
  /** Compiled on the second row run: a key list seen once costs no compilation. */
  #run: Runner | undefined;
  /** The multi-row INSERT and its runner, made on first use. */
  #chunk: { statement: SqliteStatement; run: ChunkRunner } | undefined;

  /**
   * `types` gives each key's column type (undefined when the table lacks it); `prepare(n)` prepares
   * this INSERT, as `INSERT OR ROLLBACK`, with `n` rows of values (see `ChunkFailed`).
   */
  constructor(
    readonly keys: readonly string[],
    readonly statement: SqliteStatement,
    types: readonly (ColumnType | undefined)[],
    private readonly prepare: (rows: number) => SqliteStatement,
  ) {
    this.params = new Array<unknown>(keys.length);
    this.#exactIntegers = types.map((type) => !(type === 'integer' || type === 'float' || type === 'boolean' || type === 'json'));
    this.#integers = types.flatMap((type, i) => (type === 'integer' ? [i] : []));
    this.chunkRows = keys.length === 0 ? 1 : Math.max(1, Math.floor(CHUNK_VALUES / keys.length));
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

  /** True when `rows[at]` to `rows[at + chunkRows - 1]` exist and all `match` (`rows[at]` must match already). */
  chunkMatches(rows: readonly Row[], at: number): boolean {
    const end = at + this.chunkRows;
    if (this.chunkRows === 1 || end > rows.length) return false;
    for (let i = at + 1; i < end; i++) if (!this.matches(rows[i]!)) return false;
    return true;
  }

  /**
   * Writes the rows that `chunkMatches` in one statement, inside a transaction: true when written;
   * false when an INTEGER column got a fractional number (nothing written: `run` them one by one,
   * which widens the column). Throws `ChunkFailed` when the statement fails: the transaction is over.
   */
  runChunk(rows: readonly Row[], at: number): boolean {
    this.#chunk ??= { statement: this.prepare(this.chunkRows), run: compileChunkRunner(this.keys, this.#exactIntegers, this.#integers, this.chunkRows) };
    try {
      return this.#chunk.run(rows, at, this.#chunk.statement);
    } catch (error) {
      throw new ChunkFailed(error);
    }
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
  const { lines, bound, fractional } = bindRow(keys, exactIntegers, integers, 'row', '');
  if (fractional !== undefined) {
    // a fractional, finite number bound to an INTEGER column: hand the values back instead (the column widens first)
    lines.push(`if (${fractional}) {\n${bound.map((b, i) => `p[${i}] = ${b};`).join(' ')}\nreturn false;\n}`);
  }
  lines.push(`statement.run(${bound.join(', ')});`, 'return true;');
  return compiledFunction<Runner>(`return function run(row, statement, p) {\n${lines.join('\n')}\n};`, { bindValue });
}

/** The runner of `rowCount` rows per statement: `compileRunner`'s code once per row, one `statement.run` with every value. */
function compileChunkRunner(keys: readonly string[], exactIntegers: readonly boolean[], integers: readonly number[], rowCount: number): ChunkRunner {
  const lines: string[] = [];
  const bound: string[] = [];
  const fractional: string[] = [];
  for (let r = 0; r < rowCount; r++) {
    const row = bindRow(keys, exactIntegers, integers, `r${r}`, `_${r}`);
    lines.push(`const r${r} = rows[at + ${r}];`, ...row.lines);
    bound.push(...row.bound);
    if (row.fractional !== undefined) fractional.push(row.fractional);
  }
  if (fractional.length > 0) lines.push(`if (${fractional.join(' || ')}) return false;`);
  lines.push(`statement.run(${bound.join(', ')});`, 'return true;');
  return compiledFunction<ChunkRunner>(`return function runChunk(rows, at, statement) {\n${lines.join('\n')}\n};`, { bindValue });
}

/**
 * The code that loads and binds one row's values from the variable `row` into `b<i><suffix>`, and
 * the test that is true when an INTEGER column got a fractional, finite number (undefined: no
 * INTEGER columns). Numbers into numeric-affinity columns are bound as they are (NaN as NULL).
 */
function bindRow(keys: readonly string[], exactIntegers: readonly boolean[], integers: readonly number[], row: string, suffix: string) {
  const lines = keys.map((key, i) => {
    const v = `v${i}${suffix}`;
    const b = `b${i}${suffix}`;
    const load = `const ${v} = ${row}[${JSON.stringify(key)}];`;
    return exactIntegers[i] ? `${load} const ${b} = bindValue(${v});` : `${load} const ${b} = typeof ${v} === "number" ? (${v} === ${v} ? ${v} : null) : bindValue(${v});`;
  });
  const bound = keys.map((_, i) => `b${i}${suffix}`);
  const fractional = integers.length === 0 ? undefined : integers.map((i) => `(typeof b${i}${suffix} === "number" && b${i}${suffix} % 1 !== 0 && b${i}${suffix} - b${i}${suffix} === 0)`).join(' || ');
  return { lines, bound, fractional };
}

/**
 * A cell as bound: a whole number stays a double where the column's affinity is numeric (SQLite
 * stores it as an INTEGER there); only TEXT/BLOB columns need an integer binding ('5', not '5.0').
 */
function bindCell(value: unknown, exactInteger: boolean): unknown {
  return typeof value === 'number' && !exactInteger ? (value === value ? value : null) : bindValue(value);
}
