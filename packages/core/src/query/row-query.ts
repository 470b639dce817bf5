import type { CellValue, Filter, OrderBy, SelectOptions, Where } from '../engine/contract.js';
import { XetrackError } from '../errors.js';
import type { TrackedRow, UntypedRow } from '../rows.js';
import { encodeValue } from '../schema/values.js';
import type { StoredRow, TrackingTable } from '../table/tracking-table.js';

/**
 * The query users write, and its translation to the engine contract's SelectOptions. Keys are
 * resolved to columns the way `log()` names them (case-insensitively, cleaned), so an unknown key is
 * an UNKNOWN_COLUMN error that lists the columns; values are encoded as the column stores them.
 */

/** Conditions on one column's value `V`; several keys in one object are joined with AND. */
export interface Comparison<V> {
  eq?: V | null;
  ne?: V | null;
  lt?: V;
  lte?: V;
  gt?: V;
  gte?: V;
  in?: readonly V[];
  /** SQL LIKE: `%` any text, `_` one character, `\` escapes; ASCII letters match either case. */
  like?: string;
  /** `true`: the value is NULL (or the row lacks it); `false`: it is not. */
  isNull?: boolean;
}

/** What a key of a where object takes: a value (equality; `null` tests for NULL) or a Comparison. */
export type Condition<V> = V | null | Comparison<V>;

type Fields<R> = string extends keyof R ? UntypedRow : { [K in keyof R]: R[K] } & { track_id: string; timestamp: string };

/**
 * A where object: each key a column and its condition, all joined with AND; `and`/`or` take lists of
 * where objects. E.g. `{ model: 'gpt', temperature: { gte: 0.5 }, or: [{ split: 'dev' }, { split: 'test' }] }`.
 * A column literally named `and` or `or` is reached with the structural form (`Where[]` of the engine contract).
 */
export type QueryWhere<R = UntypedRow> = { [K in keyof Fields<R>]?: Condition<Exclude<Fields<R>[K], undefined>> } & {
  and?: QueryWhere<R>[];
  or?: QueryWhere<R>[];
};

/** A column name of `R` (any string for untyped rows). */
export type ColumnOf<R> = string extends keyof R ? string : (keyof R & string) | 'track_id' | 'timestamp';

/** A sort key: a column (ascending), or `[column, 'asc' | 'desc']`. */
export type OrderSpec<R = UntypedRow> = ColumnOf<R> | readonly [ColumnOf<R>, 'asc' | 'desc'];

/** Which rows a read returns, in which order, with which columns. Every field is optional. */
export interface RowQuery<R = UntypedRow> {
  /** Only this run's rows. */
  trackId?: string;
  /** Conditions on the rows: a where object, or the engine contract's `Where[]` (joined with AND). */
  where?: QueryWhere<R> | readonly Where[];
  /** Sort keys, the first one first; timestamp order when omitted. */
  orderBy?: readonly OrderSpec<R>[];
  /** At most this many rows. */
  limit?: number;
  /** Skip this many rows first. */
  offset?: number;
  /** Only these columns, in this order. */
  columns?: readonly ColumnOf<R>[];
  /** The first `head` rows (in the query's order). */
  head?: number;
  /** The last `tail` rows (in the query's order), returned in that order. */
  tail?: number;
}

/** The rows a query with `columns: C[]` returns. */
export type PickedRow<R, C extends string> = string extends keyof R ? UntypedRow : Pick<TrackedRow<R>, C & keyof TrackedRow<R>>;

const OPS: Readonly<Record<keyof Comparison<unknown>, Filter['op'] | undefined>> = {
  eq: '=',
  ne: '!=',
  lt: '<',
  lte: '<=',
  gt: '>',
  gte: '>=',
  in: 'in',
  like: 'like',
  isNull: undefined,
};

function isComparison(value: unknown): value is Comparison<unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array || value instanceof Date) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((k) => k in OPS);
}

/** Translates user queries on one table to SelectOptions. */
export class QueryCompiler {
  constructor(private readonly store: TrackingTable) {}

  /** The rows `query` selects (with `extra` conditions), in the query's order. */
  async rows(query: RowQuery<never> | RowQuery, extra: Where[] = []): Promise<StoredRow[]> {
    const { options, reverse } = await this.select(query, extra);
    const rows = await this.store.select(options);
    return reverse ? rows.reverse() : rows;
  }

  /** SelectOptions for `query`, with `extra` conditions (e.g. the tracker's run) ANDed in. */
  async select(query: RowQuery<never> | RowQuery, extra: Where[] = []): Promise<{ options: SelectOptions; reverse: boolean }> {
    const q = query as RowQuery;
    const where = [...extra, ...(await this.where(q.where))];
    if (q.trackId !== undefined) where.unshift({ column: 'track_id', op: '=', value: q.trackId });
    let orderBy: OrderBy[] = q.orderBy?.length ? await Promise.all(q.orderBy.map((o) => this.order(o))) : [{ column: 'timestamp' }];
    const options: SelectOptions = { where, orderBy };
    if (q.columns !== undefined) options.columns = await Promise.all(q.columns.map(async (c) => (await this.store.existingColumn(c)).name));
    if (q.limit !== undefined) options.limit = q.limit;
    if (q.offset !== undefined) options.offset = q.offset;
    let reverse = false;
    if (q.head !== undefined) options.limit = Math.min(q.head, options.limit ?? Infinity);
    else if (q.tail !== undefined) {
      if (q.limit !== undefined || q.offset !== undefined) {
        throw new XetrackError('INVALID_ARGUMENT', '`tail` cannot be combined with `limit` or `offset`: use `orderBy` with desc and `limit` instead.');
      }
      orderBy = orderBy.map((o) => ({ column: o.column, desc: !o.desc }));
      options.orderBy = orderBy;
      options.limit = q.tail;
      reverse = true;
    }
    return { options, reverse };
  }

  /** The contract's conditions for a where object (or a structural `Where[]`, its names resolved). */
  async where(where: RowQuery['where']): Promise<Where[]> {
    if (where === undefined) return [];
    if (Array.isArray(where)) return Promise.all((where as Where[]).map((w) => this.resolveNode(w)));
    if (typeof where !== 'object' || where === null) {
      throw new XetrackError('INVALID_ARGUMENT', '`where` must be an object such as { model: "gpt", accuracy: { gte: 0.9 } }.');
    }
    const out: Where[] = [];
    for (const [key, condition] of Object.entries(where)) {
      if (condition === undefined) continue;
      if (key === 'and' || key === 'or') {
        if (!Array.isArray(condition)) throw new XetrackError('INVALID_ARGUMENT', `\`${key}\` takes an array of where objects.`);
        const parts = await Promise.all(condition.map(async (part: QueryWhere) => ({ and: await this.where(part) })));
        out.push(key === 'and' ? { and: parts } : { or: parts });
        continue;
      }
      out.push(...(await this.conditions(key, condition)));
    }
    return out;
  }

  private async conditions(key: string, condition: unknown): Promise<Filter[]> {
    const spec = await this.store.existingColumn(key);
    const column = spec.name;
    const encode = (value: unknown): CellValue => encodeValue(value, spec.type, column);
    if (!isComparison(condition)) {
      const cell = encode(condition);
      return [cell === null ? { column, op: 'is null' } : { column, op: '=', value: cell }];
    }
    const filters: Filter[] = [];
    for (const [name, value] of Object.entries(condition) as [keyof Comparison<unknown>, unknown][]) {
      if (value === undefined) continue;
      if (name === 'isNull') {
        filters.push({ column, op: value ? 'is null' : 'is not null' });
        continue;
      }
      const op = OPS[name]!;
      if (op === 'in') {
        if (!Array.isArray(value)) throw new XetrackError('INVALID_ARGUMENT', `\`in\` on ${JSON.stringify(key)} takes an array of values.`);
        filters.push({ column, op, value: value.map(encode) });
      } else if (op === 'like') {
        filters.push({ column, op, value: value as string });
      } else {
        const cell = encode(value);
        if (cell === null && (op === '=' || op === '!=')) filters.push({ column, op: op === '=' ? 'is null' : 'is not null' });
        else filters.push({ column, op, value: cell });
      }
    }
    return filters;
  }

  private async resolveNode(node: Where): Promise<Where> {
    if (typeof node !== 'object' || node === null) return node;
    if ('and' in node && Array.isArray(node.and)) return { and: await Promise.all(node.and.map((w) => this.resolveNode(w))) };
    if ('or' in node && Array.isArray(node.or)) return { or: await Promise.all(node.or.map((w) => this.resolveNode(w))) };
    const filter = node as Filter;
    if (typeof filter.column !== 'string') return node; // the engine guard says what is wrong
    return { ...filter, column: (await this.store.existingColumn(filter.column)).name };
  }

  private async order(spec: OrderSpec<UntypedRow>): Promise<OrderBy> {
    const [key, direction] = typeof spec === 'string' ? [spec, 'asc'] : spec;
    if (direction !== 'asc' && direction !== 'desc') {
      throw new XetrackError('INVALID_ARGUMENT', `Sort direction ${JSON.stringify(direction)} of ${JSON.stringify(key)}: use 'asc' or 'desc'.`);
    }
    const column = (await this.store.existingColumn(key)).name;
    return direction === 'desc' ? { column, desc: true } : { column };
  }
}
