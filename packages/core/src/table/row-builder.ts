import type { ColumnSpec, Row } from '../engine/contract.js';
import { compiledFunction } from '../engine/compiled-functions.js';
import { columnTypeOf, encodeValue } from '../schema/values.js';
import type { ColumnCache } from './column-cache.js';

/** Builds a whole row in one object literal: all properties in-object, one allocation. */
export type BuildRow = (trackId: string, timestamp: string, params: Row, data: Record<string, unknown>) => Row;

/** The keys of encoded data and their columns, in order, when a compiled builder could make such rows. */
interface Shape {
  keys: string[];
  specs: ColumnSpec[];
}

/** What encoding data into a row gives back besides the cells. */
export interface Encoded {
  /** The JSON values as given, by column (reads return them parsed), if any. */
  json: Record<string, unknown> | undefined;
  /** Undefined when a key needs a new, JSON or merely inferred column, or names a key column. */
  shape: Shape | undefined;
}

/** A row built for a table, and its JSON values as given (undefined when it has none). */
export interface BuiltRow {
  row: Row;
  json: Record<string, unknown> | undefined;
}

/** A compiled builder for one shape of rows, or a shape seen once (compiled when seen again). */
interface RowPlan {
  params: Row;
  dataKeys: string[];
  build?: BuildRow;
}

/** How many row shapes keep a compiled builder. */
const ROW_PLAN_LIMIT = 32;

/**
 * Builds the rows of one table: values encoded for their columns, a key new to the table given a
 * column typed by its value (see `ColumnCache`), and a compiled builder for a shape of rows seen twice.
 */
export class RowBuilder {
  /** Row builders by data key order (`\0`-joined), for the current params object. */
  private readonly plans = new Map<string, RowPlan>();
  private lastPlan: RowPlan | undefined;

  constructor(private readonly columns: ColumnCache) {}

  /**
   * Adds the entries of `data` to `row` under their column names, encoded for their columns.
   * A key new to the table gets a column typed by its value; `track_id` and `timestamp` are never
   * taken from data (`onKeyColumn` hears of them).
   */
  encode(row: Row, data: Record<string, unknown>, onKeyColumn?: (key: string) => void): Encoded {
    const columns = this.columns;
    let json: Record<string, unknown> | undefined;
    let shape: Shape | undefined = { keys: [], specs: [] };
    // New columns join the cache only once the whole row has encoded: a rejected row adds none.
    let fresh: Map<string, ColumnSpec> | undefined;
    for (const key in data) {
      const value = data[key];
      const keyName = columns.keyName(key);
      const { name, lower } = keyName;
      if (lower === 'track_id' || lower === 'timestamp') {
        onKeyColumn?.(key);
        shape = undefined;
        continue;
      }
      let spec = columns.specFor(keyName) ?? fresh?.get(lower);
      if (spec === undefined) {
        shape = undefined;
        const type = columnTypeOf(value);
        if (type === undefined) continue; // null before any typed value: no column yet, reads give null
        const cell = encodeValue(value, type, key);
        spec = { name, type };
        (fresh ??= new Map()).set(lower, spec);
        setOwn(row, name, cell);
      } else {
        setOwn(row, spec.name, encodeValue(value, spec.type, key));
        if (shape !== undefined && spec.type !== 'json' && columns.isConfirmed(spec)) {
          shape.keys.push(key);
          shape.specs.push(spec);
        } else shape = undefined;
      }
      if (spec.type === 'json' && value !== null && value !== undefined) setOwn((json ??= {}), spec.name, value);
    }
    if (fresh !== undefined) columns.infer(fresh);
    return { json, shape };
  }

  /**
   * A row: `track_id`, `timestamp`, the encoded `params` cells, then `data` encoded (see `encode`).
   * A shape of rows seen twice gets a compiled builder (one object literal per row); `params` must
   * be the same object for as long as the params do not change.
   */
  build(trackId: string, timestamp: string, params: Row, data: Record<string, unknown>, onKeyColumn?: (key: string) => void): BuiltRow {
    const last = this.lastPlan;
    if (last?.build !== undefined && last.params === params && dataHasKeysInOrder(data, last.dataKeys)) {
      return { row: last.build(trackId, timestamp, params, data), json: undefined };
    }
    const row: Row = { track_id: trackId, timestamp };
    for (const key in params) setOwn(row, key, params[key]!);
    const { json, shape } = this.encode(row, data, onKeyColumn);
    if (shape !== undefined && shape.keys.length > 0) {
      const id = shape.keys.join('\0');
      let plan = this.plans.get(id);
      if (plan === undefined || plan.params !== params) {
        if (this.plans.size >= ROW_PLAN_LIMIT) this.plans.clear();
        plan = { params, dataKeys: shape.keys };
        this.plans.set(id, plan);
      } else plan.build ??= compileRowBuilder(Object.keys(params), shape.keys, shape.specs);
      this.lastPlan = plan;
    }
    return { row, json };
  }
}

/**
 * Compiles the builder for rows whose params and data keys come in a known order, every data key
 * mapping to an existing non-JSON column. Building a row key by key grows its property store
 * several times (garbage the hot path of `logBatch` spends a third of its time collecting); one
 * literal does not. Keys are embedded as JSON string literals, so no key can change the code.
 */
function compileRowBuilder(paramKeys: readonly string[], dataKeys: readonly string[], specs: readonly ColumnSpec[]): BuildRow {
  const lines: string[] = [];
  // Only string keys, all known here: a computed key (a symbol tag) would make V8 define every
  // property after it one by one, and past about 128 of them each row costs milliseconds.
  const props = ['"track_id": trackId', '"timestamp": timestamp'];
  for (const key of paramKeys) props.push(`${property(key)}: params[${JSON.stringify(key)}]`);
  dataKeys.forEach((key, i) => {
    const spec = specs[i]!;
    const k = JSON.stringify(key);
    lines.push(`const v${i} = data[${k}];`);
    // Numbers into number columns are stored as given (NaN as NULL); everything else takes the general rule.
    const cell =
      spec.type === 'integer' || spec.type === 'float'
        ? `(typeof v${i} === "number" && v${i} === v${i}) ? v${i} : encode(v${i}, ${JSON.stringify(spec.type)}, ${k})`
        : `encode(v${i}, ${JSON.stringify(spec.type)}, ${k})`;
    props.push(`${property(spec.name)}: ${cell}`);
  });
  const body = `${lines.join('\n')}\nreturn {\n${props.join(',\n')}\n};`;
  return compiledFunction<BuildRow>(`return function buildRow(trackId, timestamp, params, data) {\n${body}\n};`, { encode: encodeValue });
}

/** A property name in an object literal; `__proto__` computed, since `"__proto__": v` would set the prototype. */
function property(name: string): string {
  return name === '__proto__' ? `[${JSON.stringify(name)}]` : JSON.stringify(name);
}

/**
 * True when `data`'s own enumerable keys are exactly `keys`, in order. Unlike the engines' check on
 * rows core built (`engine/row-keys.ts`, `for-in`), this one reads what callers pass: `Object.keys`,
 * because rows built key by key past a dozen keys are V8 dictionaries, and `for-in` looks each key
 * up again to check it still exists (about a third more per key).
 */
function dataHasKeysInOrder(data: Record<string, unknown>, keys: readonly string[]): boolean {
  const own = Object.keys(data);
  if (own.length !== keys.length) return false;
  for (let i = 0; i < own.length; i++) if (own[i] !== keys[i]) return false;
  return true;
}

/** Sets an own property, even one named `__proto__` (an assignment would change the object's prototype). */
function setOwn<T>(target: Record<string, T>, name: string, value: NoInfer<T>): void {
  if (name === '__proto__') Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
  else target[name] = value;
}
