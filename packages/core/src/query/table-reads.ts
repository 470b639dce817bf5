import type { ColumnSpec, ColumnType, Where } from '../engine/contract.js';
import { exportTable, type ExportFormat } from '../export/export-table.js';
import type { Value } from '../schema/values.js';
import type { StoredRow, TrackingTable } from '../table/tracking-table.js';
import { QueryCompiler, type RowQuery } from './row-query.js';

/** Which rows an edit selects: one run's, or those matching `where`. */
export type EditQuery<R> = Pick<RowQuery<R>, 'trackId' | 'where'>;

/**
 * The reads (and the edits that select rows as reads do) of one tracking table, written once for
 * the Tracker and the Reader. Every method takes a `scope`: conditions ANDed with the query's, e.g.
 * a tracker's own run; a reader's scope is the whole table.
 */
export class TableReads<R> {
  private readonly queries: QueryCompiler;

  constructor(private readonly store: TrackingTable) {
    this.queries = new QueryCompiler(store);
  }

  /** The rows `query` selects, in its order (timestamp order unless it says `orderBy`). */
  rows(query: RowQuery<R>, scope: Where[] = []): Promise<StoredRow[]> {
    return this.queries.rows(query, scope);
  }

  /** The rows `query` selects, streamed in pages. */
  async *iterate(query: Omit<RowQuery<R>, 'tail'>, scope: Where[] = []): AsyncIterable<StoredRow> {
    const { options } = await this.queries.select(query, scope);
    yield* this.store.iterate(options);
  }

  /**
   * The rows `query` selects as arrays of their values (in `query.columns` order, else table order),
   * streamed in batches; with `anyOrder` and no `orderBy`, in the order the engine reads them (no sort).
   */
  async *iterateArrays(query: Omit<RowQuery<R>, 'tail'> & { anyOrder?: boolean }, scope: Where[] = []): AsyncIterable<Value[][]> {
    const { anyOrder, ...rest } = query;
    const { options } = await this.queries.select(rest, scope);
    if (anyOrder === true && !rest.orderBy?.length) delete options.orderBy;
    yield* this.store.iterateArrays(options);
  }

  /** Writes the rows `query` selects to `file` in `format` (streamed); resolves the row count. */
  async exportTo(file: string, query: RowQuery<R>, format: ExportFormat, scope: Where[] = []): Promise<number> {
    const { tail, ...rest } = query;
    const { options } = await this.queries.select(rest, scope);
    if (tail !== undefined && query.head === undefined) {
      // the last rows, written in the query's order: find where they start
      const total = await this.store.count(options.where);
      return exportTable(this.store, file, { ...options, offset: Math.max(0, total - tail) }, format);
    }
    return exportTable(this.store, file, options, format);
  }

  /** How many rows `query` selects. */
  async count(query: EditQuery<R>, scope: Where[] = []): Promise<number> {
    return this.store.count(await this.where(query, scope));
  }

  /** The first `n` rows of the scope, in timestamp order. */
  head(n: number, scope: Where[]): Promise<StoredRow[]> {
    return this.store.select({ where: scope, orderBy: [{ column: 'timestamp' }], limit: n });
  }

  /** The last `n` rows of the scope, oldest first. */
  async tail(n: number, scope: Where[]): Promise<StoredRow[]> {
    return (await this.store.select({ where: scope, orderBy: [{ column: 'timestamp', desc: true }], limit: n })).reverse();
  }

  /** The scope's row at `index` in timestamp order (negative counts from the end), or undefined. */
  async rowAt(index: number, scope: Where[]): Promise<StoredRow | undefined> {
    const desc = index < 0;
    const rows = await this.store.select({ where: scope, orderBy: [{ column: 'timestamp', desc }], limit: 1, offset: desc ? -index - 1 : index });
    return rows[0];
  }

  /** The values of one column over the scope's rows, in timestamp order. */
  async values(column: string, scope: Where[]): Promise<Value[]> {
    const spec = await this.store.existingColumn(column);
    const rows = await this.store.select({ columns: [spec.name], where: scope, orderBy: [{ column: 'timestamp' }] });
    return rows.map((r) => r[spec.name] as Value);
  }

  /** The table's column names, in table order. */
  async columnNames(): Promise<string[]> {
    return (await this.store.columns()).map((c) => c.name);
  }

  /** Each column's type. */
  async columnTypes(): Promise<Record<string, ColumnType>> {
    return Object.fromEntries((await this.store.columns()).map((c) => [c.name, c.type]));
  }

  /** The spec of the column `name` names (case-insensitive); UNKNOWN_COLUMN when there is none. */
  column(name: string): Promise<ColumnSpec> {
    return this.store.existingColumn(name);
  }

  /** Sets `key` to `value` on the rows `query` selects, adding the column when needed; resolves the count changed. */
  async setValue(key: string, value: unknown, query: EditQuery<R>, scope: Where[] = []): Promise<number> {
    return this.store.update({ [key]: value }, await this.where(query, scope));
  }

  /** Sets `key` to `value` on the rows `query` selects where `whereKey` equals `whereValue`. */
  async setWhere(key: string, value: unknown, whereKey: string, whereValue: unknown, query: EditQuery<R>, scope: Where[] = []): Promise<number> {
    const filter = await this.store.equalsFilter(whereKey, whereValue);
    return this.store.update({ [key]: value }, [...(await this.where(query, scope)), filter]);
  }

  /** The conditions `query` and the scope make. */
  private async where(query: EditQuery<R>, scope: Where[]): Promise<Where[]> {
    return (await this.queries.select(query, scope)).options.where ?? [];
  }
}
