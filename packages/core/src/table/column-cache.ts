import type { ColumnSpec, ColumnType, Engine, Row } from '../engine/contract.js';
import { isXetrackError, messageOf, XetrackError } from '../errors.js';
import { columnNameFor } from '../schema/identifiers.js';

/** The column name a logged key maps to, cached per key. */
export interface KeyName {
  name: string;
  lower: string;
  /** The key itself, lower-cased, when cleaning changed it: a column of exactly that name (e.g. `7`, written by Python) wins. */
  rawLower?: string;
}

const COLUMN_TYPES: readonly ColumnType[] = ['integer', 'float', 'text', 'boolean', 'blob', 'json'];
const KEY_NAME_CACHE_LIMIT = 10_000;

/**
 * One table's columns as this process knows them, so encoding a row asks the store nothing: the
 * columns the store has, those queued rows use but the store may lack yet (added before the next
 * insert), and those the store refused to add. Names match case-insensitively (as SQLite and
 * DuckDB match them), so every map is keyed by the lower-case name.
 */
export class ColumnCache {
  /** Columns the store has. */
  private readonly confirmed = new Map<string, ColumnSpec>();
  /** Columns rows already use but the store may lack yet. */
  private readonly inferred = new Map<string, ColumnSpec>();
  /** Columns the store refused to add: rows that use one fail alone, the others go on. */
  private readonly refused = new Map<string, ColumnSpec>();
  private readonly keyNames = new Map<string, KeyName>();

  constructor(
    private readonly engine: Engine,
    private readonly table: string,
  ) {}

  /** Takes `specs` as the columns the store has now. */
  confirm(specs: readonly ColumnSpec[]): void {
    this.confirmed.clear();
    for (const spec of specs) this.confirmed.set(spec.name.toLowerCase(), spec);
  }

  /** Reads the store's columns again (another writer may have added or typed some). */
  async refresh(): Promise<ColumnSpec[]> {
    const specs = await this.engine.describe(this.table);
    this.confirm(specs);
    return specs;
  }

  /** The column name for a logged key (see `columnNameFor`). */
  keyName(key: string): KeyName {
    let known = this.keyNames.get(key);
    if (known === undefined) {
      const name = columnNameFor(key);
      const lower = name.toLowerCase();
      known = key.toLowerCase() === lower ? { name, lower } : { name, lower, rawLower: key.toLowerCase() };
      if (this.keyNames.size >= KEY_NAME_CACHE_LIMIT) this.keyNames.clear();
      this.keyNames.set(key, known);
    }
    return known;
  }

  /** The column a key's values go to, if the store has it or a queued row uses it. */
  specFor({ lower, rawLower }: KeyName): ColumnSpec | undefined {
    return (rawLower !== undefined ? this.confirmed.get(rawLower) : undefined) ?? this.confirmed.get(lower) ?? this.inferred.get(lower);
  }

  /** True when `spec` is the store's own (not only inferred from queued rows). */
  isConfirmed(spec: ColumnSpec): boolean {
    return this.confirmed.get(spec.name.toLowerCase()) === spec;
  }

  /** The existing column a user-given key names (its exact name first, then as `log()` names it). */
  existing(key: string): ColumnSpec | undefined {
    return this.confirmed.get(key.toLowerCase()) ?? this.confirmed.get(this.keyName(key).lower);
  }

  /** The names of the columns the store has. */
  names(): string[] {
    return [...this.confirmed.values()].map((s) => s.name);
  }

  /** Columns a row just encoded uses for the first time: added before the next insert (and tried again if refused before). */
  infer(fresh: ReadonlyMap<string, ColumnSpec>): void {
    for (const [lower, spec] of fresh) {
      this.inferred.set(lower, spec);
      this.refused.delete(lower); // asked for again: the next write tries again
    }
  }

  /**
   * Runs `build` (which encodes rows); if it throws, the columns it inferred are forgotten, so a
   * rejected batch adds no column. Rows of other calls keep theirs.
   */
  atomically<T>(build: () => T): T {
    const before = new Set(this.inferred.keys());
    try {
      return build();
    } catch (error) {
      for (const lower of [...this.inferred.keys()]) if (!before.has(lower)) this.inferred.delete(lower);
      throw error;
    }
  }

  /** Creates columns of the given types (keys named as `log()` names them); an integer column declared float is widened. */
  async declare(types: Record<string, ColumnType>): Promise<void> {
    const specs = Object.entries(types).map(([key, type]): ColumnSpec => {
      if (!COLUMN_TYPES.includes(type)) {
        throw new XetrackError('INVALID_ARGUMENT', `Column ${JSON.stringify(key)}: unknown type ${JSON.stringify(type)}. Use one of ${COLUMN_TYPES.join(', ')}.`);
      }
      const existing = this.confirmed.get(this.keyName(key).lower);
      return { name: existing?.name ?? this.keyName(key).name, type };
    });
    await this.engine.ensureColumns(this.table, specs);
    await this.refresh();
  }

  /**
   * Creates the columns queued rows use and re-reads the schema (another writer may have typed them
   * first). When the store refuses (too many columns, a reserved name...), they are set aside as
   * refused, so only the rows that use them fail: the write queue retries each call alone.
   */
  async addInferred(): Promise<void> {
    if (this.inferred.size === 0) return;
    const specs = [...this.inferred.values()];
    for (const spec of specs) this.inferred.delete(spec.name.toLowerCase());
    try {
      await this.engine.ensureColumns(this.table, specs);
    } catch (error) {
      for (const spec of specs) this.refused.set(spec.name.toLowerCase(), spec);
      throw refusedColumns(specs, error);
    }
    await this.refresh();
  }

  /** True when the store refused columns that queued rows may use. */
  get hasRefused(): boolean {
    return this.refused.size > 0;
  }

  /** Tries once more the refused columns these rows use (now on their own); throws, naming them, if the store refuses again. */
  async addRefusedUsedBy(rows: readonly Row[]): Promise<void> {
    const specs = [...this.refused.values()].filter((spec) => rows.some((row) => Object.hasOwn(row, spec.name)));
    if (specs.length === 0) return;
    try {
      await this.engine.ensureColumns(this.table, specs);
    } catch (error) {
      throw refusedColumns(specs, error);
    }
    for (const spec of specs) this.refused.delete(spec.name.toLowerCase());
    await this.refresh();
  }

  /** Forgets the refused columns: called when no queued row can use one (rows are encoded and queued in one synchronous step). */
  clearRefused(): void {
    this.refused.clear();
  }
}

/** The error of rows whose new columns the store would not add: it names them, and says the tracker goes on. */
function refusedColumns(specs: readonly ColumnSpec[], cause: unknown): XetrackError {
  const names =
    specs
      .slice(0, 5)
      .map((s) => JSON.stringify(s.name))
      .join(', ') + (specs.length > 5 ? ` and ${specs.length - 5} more` : '');
  const code = isXetrackError(cause) ? cause.code : 'ENGINE_FAILURE';
  return new XetrackError(
    code,
    `The database would not add the column${specs.length > 1 ? 's' : ''} ${names} (${messageOf(cause)}). The rows that need ${specs.length > 1 ? 'them' : 'it'} were not stored; other rows are logged as usual. Log fewer or other keys.`,
    { cause },
  );
}
