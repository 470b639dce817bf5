import { XetrackError } from '../errors.js';
import type { AggregateFn, AggregateOptions, Filter, FilterOp, SelectOptions, Where } from './contract.js';

/**
 * The parts of the engine contract's argument handling that do not depend on the database: checking
 * shapes (done once, by the engine guard) and composing a WHERE clause from an engine's translation
 * of single filters. Engines import these from `@xetrack/core/engine` instead of copying them.
 */

const OPS: ReadonlySet<FilterOp> = new Set<FilterOp>(['=', '!=', '<', '<=', '>', '>=', 'in', 'like', 'is null', 'is not null']);
const FNS: ReadonlySet<AggregateFn> = new Set<AggregateFn>(['count', 'count_distinct', 'min', 'max', 'sum', 'avg', 'first', 'last']);
const OP_LIST = [...OPS].map((op) => `'${op}'`).join(' ');

function invalid(message: string): XetrackError {
  return new XetrackError('INVALID_ARGUMENT', message);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkName(value: unknown, what: string): void {
  if (typeof value !== 'string' || value.length === 0) throw invalid(`${what} must be a non-empty column name, not ${JSON.stringify(value) ?? String(value)}.`);
}

function isCell(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'bigint':
    case 'boolean':
      return true;
    case 'object':
      return value === null || value instanceof Uint8Array;
    default:
      return false;
  }
}

function checkFilter(filter: Filter): void {
  checkName(filter.column, "A filter's `column`");
  const { op, value } = filter;
  const on = `The filter on column ${JSON.stringify(filter.column)}`;
  if (!OPS.has(op)) throw invalid(`${on} has an unknown op ${JSON.stringify(op)}. Use one of ${OP_LIST}.`);
  if (op === 'in') {
    if (!Array.isArray(value) || !value.every(isCell)) throw invalid(`${on} is invalid: op 'in' takes an array of values, e.g. { op: 'in', value: [1, 2] }.`);
  } else if (op === 'like') {
    if (typeof value !== 'string') throw invalid(`${on} is invalid: op 'like' takes a string pattern (% any text, _ one character), not ${typeof value}.`);
  } else if (op !== 'is null' && op !== 'is not null') {
    if (Array.isArray(value)) throw invalid(`${on} is invalid: op '${op}' takes one value, not an array. Use op 'in' for a list.`);
    if (!isCell(value)) throw invalid(`${on} is invalid: op '${op}' takes a string, number, bigint, boolean, Uint8Array or null.`);
  }
}

/** Throws INVALID_ARGUMENT unless `where` is an array of filters and `and`/`or` nodes. */
export function checkWhere(where: unknown, what = '`where`'): asserts where is Where[] | undefined {
  if (where === undefined) return;
  if (!Array.isArray(where)) throw invalid(`${what} must be an array of conditions ({ column, op, value }, { and: [...] } or { or: [...] }).`);
  for (const node of where) checkNode(node);
}

function checkNode(node: unknown): void {
  if (!isObject(node)) throw invalid(`A condition must be an object ({ column, op, value }, { and: [...] } or { or: [...] }), not ${JSON.stringify(node) ?? String(node)}.`);
  if ('and' in node || 'or' in node) {
    const key = 'and' in node ? 'and' : 'or';
    if (Object.keys(node).length !== 1) throw invalid(`A condition has either \`and\` or \`or\` alone, not ${Object.keys(node).join(' and ')}.`);
    checkWhere(node[key], `\`${key}\``);
    return;
  }
  checkFilter(node as unknown as Filter);
}

function checkCount(value: unknown, name: string): void {
  if (value !== undefined && (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)) {
    throw invalid(`\`${name}\` must be a whole number >= 0, not ${String(value)}.`);
  }
}

/** Throws INVALID_ARGUMENT unless `options` is a well-formed SelectOptions. */
export function checkSelectOptions(options: unknown): asserts options is SelectOptions | undefined {
  if (options === undefined) return;
  if (!isObject(options)) throw invalid('Select options must be an object ({ where, columns, orderBy, limit, offset }).');
  checkWhere(options.where);
  const { columns, orderBy } = options;
  if (columns !== undefined) {
    if (!Array.isArray(columns) || columns.length === 0) throw invalid('`columns` must be a non-empty array of column names. Omit it to get every column.');
    for (const c of columns) checkName(c, 'Each of `columns`');
  }
  if (orderBy !== undefined) {
    if (!Array.isArray(orderBy)) throw invalid('`orderBy` must be an array of { column, desc }.');
    for (const o of orderBy) {
      if (!isObject(o)) throw invalid('Each `orderBy` entry must be an object { column, desc }.');
      checkName(o.column, "An `orderBy` entry's `column`");
    }
  }
  checkCount(options.limit, 'limit');
  checkCount(options.offset, 'offset');
}

/** Throws INVALID_ARGUMENT unless `options` is well-formed AggregateOptions. */
export function checkAggregateOptions(options: unknown): asserts options is AggregateOptions {
  if (!isObject(options)) throw invalid('Aggregate options must be an object ({ where, groupBy, measures }).');
  checkWhere(options.where);
  const keys = new Set<string>();
  const { groupBy, measures } = options;
  if (groupBy !== undefined) {
    if (!Array.isArray(groupBy)) throw invalid('`groupBy` must be an array of column names.');
    for (const c of groupBy) {
      checkName(c, 'Each of `groupBy`');
      keys.add(c as string);
    }
  }
  if (!Array.isArray(measures) || measures.length === 0) throw invalid('`measures` must be a non-empty array of { fn, column, as }.');
  for (const m of measures) {
    if (!isObject(m) || !FNS.has(m.fn as AggregateFn)) {
      throw invalid(`Unknown aggregate ${JSON.stringify(isObject(m) ? m.fn : m)}. Use one of ${[...FNS].join(', ')}.`);
    }
    if (m.column !== undefined || m.fn !== 'count') checkName(m.column, `The ${String(m.fn)} measure's \`column\``);
    if (typeof m.as !== 'string' || m.as.length === 0) throw invalid('Each measure needs `as`, the non-empty key of its result.');
    if (keys.has(m.as)) throw invalid(`The result key ${JSON.stringify(m.as)} is used twice: give each measure its own \`as\`.`);
    keys.add(m.as);
  }
}

/** Every column a list of conditions names. */
export function whereColumns(where: readonly Where[] | undefined, out: string[] = []): string[] {
  for (const node of where ?? []) {
    if ('and' in node) whereColumns(node.and, out);
    else if ('or' in node) whereColumns(node.or, out);
    else out.push(node.column);
  }
  return out;
}

/** Every column `options` names (conditions, columns, order, groups, measures): what an engine must find in its schema. */
export function referencedColumns(options: SelectOptions & Partial<AggregateOptions>): string[] {
  const out = whereColumns(options.where);
  out.push(...(options.columns ?? []), ...(options.orderBy ?? []).map((o) => o.column), ...(options.groupBy ?? []));
  for (const m of options.measures ?? []) if (m.column !== undefined) out.push(m.column);
  return out;
}

/** SQL every engine here understands for "always" and "never". */
const ALWAYS = '(1 = 1)';
const NEVER = '(1 = 0)';

/**
 * The SQL condition for `where` (joined with AND), built from `leaf`, the engine's translation of one
 * filter. `leaf` never sees `in []` (that is NEVER here). Empty `and` is ALWAYS, empty `or` NEVER.
 * Returns '' for no conditions, so callers write `${where ? ` WHERE ${where}` : ''}`.
 */
export function composeWhere(where: readonly Where[] | undefined, leaf: (filter: Filter) => string): string {
  if (where === undefined || where.length === 0) return '';
  return join(where, ' AND ', ALWAYS, leaf);
}

function join(nodes: readonly Where[], glue: string, empty: string, leaf: (filter: Filter) => string): string {
  if (nodes.length === 0) return empty;
  const parts = nodes.map((node) => {
    if ('and' in node) return join(node.and, ' AND ', ALWAYS, leaf);
    if ('or' in node) return join(node.or, ' OR ', NEVER, leaf);
    if (node.op === 'in' && Array.isArray(node.value) && node.value.length === 0) return NEVER;
    return leaf(node);
  });
  return parts.length === 1 ? parts[0]! : `(${parts.join(glue)})`;
}
