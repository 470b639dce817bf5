import {
  XetrackError,
  type CellValue,
  type ColumnSpec,
  type Engine,
  type EngineCapabilities,
  type Filter,
  type Where,
  whereColumns,
  type Row,
  type SelectOptions,
} from '@xetrack/core/engine';

/**
 * A deliberately small engine over JS arrays, declaring no optional capability. It exists to check
 * the suite itself: that it asks for nothing SQL-specific, and that the groups an engine does not
 * declare are skipped with their reason. Not for use.
 */
interface Table {
  columns: ColumnSpec[];
  rows: Row[];
}

const fold = (name: string) => name.replace(/[A-Z]/g, (c) => c.toLowerCase());

function normalize(value: CellValue | undefined): CellValue {
  if (value === undefined || (typeof value === 'number' && Number.isNaN(value))) return null;
  if (typeof value === 'bigint' && value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(value);
  if (value instanceof Uint8Array) return Uint8Array.from(value);
  if (typeof value === 'bigint' && (value > 2n ** 63n - 1n || value < -(2n ** 63n))) {
    throw new XetrackError('INVALID_VALUE', `memory: ${value} does not fit in 64 bits.`);
  }
  return value;
}

/** SQL-like comparison: undefined when either side is NULL. */
function compare(a: CellValue, b: CellValue): number | undefined {
  if (a === null || b === null) return undefined;
  const rank = (v: CellValue) => (typeof v === 'string' ? 1 : v instanceof Uint8Array ? 2 : 0);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(Buffer.from(a), Buffer.from(b));
  const x = typeof a === 'boolean' ? Number(a) : a;
  const y = typeof b === 'boolean' ? Number(b) : b;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** SQLite's LIKE: `%` any run, `_` one character, `\\` escapes; ASCII letters in either case. */
function like(value: CellValue, pattern: string): boolean {
  if (value === null || value instanceof Uint8Array) return false;
  const lower = (text: string) => text.replace(/[A-Z]/g, (c) => c.toLowerCase());
  const literal = (c: string) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const folded = lower(pattern);
  let source = '';
  for (let i = 0; i < folded.length; i++) {
    const c = folded[i]!;
    if (c === '\\' && i + 1 < folded.length) source += literal(folded[++i]!);
    else if (c === '%') source += '[\\s\\S]*';
    else if (c === '_') source += '[\\s\\S]';
    else source += literal(c);
  }
  const text = typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
  return new RegExp(`^${source}$`, 'u').test(lower(text));
}

function matchesWhere(row: Row, where: Where, column: (name: string) => string): boolean {
  if ('and' in where) return where.and.every((w) => matchesWhere(row, w, column));
  if ('or' in where) return where.or.some((w) => matchesWhere(row, w, column));
  return matches(row, where, column(where.column));
}

function matches(row: Row, filter: Filter, column: string): boolean {
  const value = row[column] ?? null;
  switch (filter.op) {
    case 'like':
      return like(value, filter.value as string);
    case 'is null':
      return value === null;
    case 'is not null':
      return value !== null;
    case 'in':
      return (filter.value as CellValue[]).some((v) => compare(value, normalize(v)) === 0);
    default: {
      const c = compare(value, normalize(filter.value as CellValue));
      if (c === undefined) return false;
      return ({ '=': c === 0, '!=': c !== 0, '<': c < 0, '<=': c <= 0, '>': c > 0, '>=': c >= 0 } as Record<string, boolean>)[filter.op] === true;
    }
  }
}

export class MemoryEngine implements Engine {
  readonly name = 'memory';
  readonly location = ':memory:';
  readonly capabilities: EngineCapabilities = {};
  #tables: Map<string, Table> | undefined = new Map();

  #store(): Map<string, Table> {
    if (this.#tables === undefined) throw new XetrackError('CLOSED', 'memory: the engine is closed. Open a new one.');
    return this.#tables;
  }

  #column(table: Table, name: string): string {
    const column = table.columns.find((c) => fold(c.name) === fold(name));
    if (column === undefined) throw new XetrackError('UNKNOWN_COLUMN', `memory: no column ${JSON.stringify(name)}. Add it first.`);
    return column.name;
  }

  #matching(table: Table, where: Where[] = []): Row[] {
    for (const name of whereColumns(where)) this.#column(table, name);
    const column = (name: string) => this.#column(table, name);
    return table.rows.filter((row) => where.every((w) => matchesWhere(row, w, column)));
  }

  #checkKeys(rows: Row[]): void {
    const seen = new Set<string>();
    for (const row of rows) {
      const key = `${String(row.track_id)}\u0000${String(row.timestamp)}`;
      if (seen.has(key)) throw new XetrackError('DUPLICATE_KEY', `memory: (track_id, timestamp) ${key} exists. Use another timestamp.`);
      seen.add(key);
    }
  }

  async tables(): Promise<string[]> {
    return [...this.#store().keys()].sort();
  }

  async describe(table: string): Promise<ColumnSpec[]> {
    return (this.#store().get(table)?.columns ?? []).map((c) => ({ ...c }));
  }

  async ensureColumns(table: string, columns: ColumnSpec[]): Promise<void> {
    const store = this.#store();
    let t = store.get(table);
    if (t === undefined) {
      t = { columns: [{ name: 'track_id', type: 'text' }, { name: 'timestamp', type: 'text' }], rows: [] };
      store.set(table, t);
    }
    for (const column of columns) {
      if (!t.columns.some((c) => fold(c.name) === fold(column.name))) {
        t.columns.push({ ...column });
        for (const row of t.rows) Object.defineProperty(row, column.name, { value: null, enumerable: true, writable: true, configurable: true });
      }
    }
  }

  async insert(table: string, rows: Row[]): Promise<number> {
    const store = this.#store();
    if (rows.length === 0) return 0;
    const t = store.get(table);
    if (t === undefined) throw new XetrackError('UNKNOWN_TABLE', `memory: no table ${table}. Create it first.`);
    const added = rows.map((row) => {
      const stored: Row = {};
      for (const c of t.columns) stored[c.name] = null;
      for (const [key, value] of Object.entries(row)) Object.defineProperty(stored, this.#column(t, key), { value: normalize(value), enumerable: true, writable: true, configurable: true });
      return stored;
    });
    this.#checkKeys([...t.rows, ...added]);
    t.rows.push(...added);
    return rows.length;
  }

  async select(table: string, options: SelectOptions = {}): Promise<Row[]> {
    const t = this.#store().get(table);
    if (t === undefined) return [];
    let rows = this.#matching(t, options.where);
    const columns = (options.columns ?? t.columns.map((c) => c.name)).map((c) => [c, this.#column(t, c)] as const);
    const order = (options.orderBy ?? []).map((o) => [this.#column(t, o.column), o.desc === true] as const);
    rows = [...rows].sort((a, b) => {
      for (const [column, desc] of order) {
        const x = a[column] ?? null;
        const y = b[column] ?? null;
        const c = x === null ? (y === null ? 0 : -1) : y === null ? 1 : (compare(x, y) as number);
        if (c !== 0) return desc ? -c : c;
      }
      return 0;
    });
    rows = rows.slice(options.offset ?? 0, options.limit === undefined ? undefined : (options.offset ?? 0) + options.limit);
    return rows.map((row) => {
      const out: Row = {};
      for (const [as, column] of columns) {
        const v = row[column] ?? null;
        Object.defineProperty(out, as, { value: v instanceof Uint8Array ? Uint8Array.from(v) : v, enumerable: true, writable: true, configurable: true });
      }
      return out;
    });
  }

  async count(table: string, where: Where[] = []): Promise<number> {
    const t = this.#store().get(table);
    return t === undefined ? 0 : this.#matching(t, where).length;
  }

  async update(table: string, values: Row, where: Where[]): Promise<number> {
    const t = this.#store().get(table);
    if (t === undefined) return 0;
    const sets = Object.entries(values).map(([k, v]) => [this.#column(t, k), normalize(v)] as const);
    const hits = new Set(this.#matching(t, where));
    const next = t.rows.map((row) => (hits.has(row) ? Object.assign(Object.create(Object.getPrototypeOf(row) as object) as Row, row, ...sets.map(([k, v]) => Object.fromEntries([[k, v]]))) : row));
    this.#checkKeys(next);
    t.rows = next;
    return sets.length === 0 ? 0 : hits.size;
  }

  async delete(table: string, where: Where[]): Promise<number> {
    const t = this.#store().get(table);
    if (t === undefined) return 0;
    const hits = new Set(this.#matching(t, where));
    t.rows = t.rows.filter((row) => !hits.has(row));
    return hits.size;
  }

  async close(): Promise<void> {
    this.#tables = undefined;
  }
}
