/**
 * The runs search box: the query API's filters as JSON (a where object `{ "model": "mlp", "lr":
 * { "lt": 0.1 }, "or": [...] }`, or the engine contract's tree `{ "column", "op", "value" }` /
 * `{ "and": [...] }`), or as text (`model = "mlp" and lr < 0.05`), matched against each run's
 * params and the last value of its metrics. One parser and one matcher for the report (in the page,
 * which cannot load core) and the dashboard (in the server), so both answer a search the same way.
 */
import type { Cell, RunInfo } from './types.js';

export type SearchOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'like' | 'is null' | 'is not null';
export interface SearchFilter {
  column: string;
  op: SearchOp;
  value?: Cell | Cell[];
}
export type SearchWhere = SearchFilter | { and: SearchWhere[] } | { or: SearchWhere[] };

/** A search the page could not read: said under the box, with where it stopped. */
export class SearchSyntaxError extends Error {
  override name = 'SearchSyntaxError';
}

const OPS: SearchOp[] = ['!=', '<=', '>=', '=', '<', '>'];

/**
 * Reads a search: '' (everything), a JSON where-tree, or text: conditions `column op value` joined
 * by `and`/`or` with parentheses; ops `= != < <= > >= in (a, b) like "pat%" is null is not null`.
 * A lone word with no operator matches runs whose id or any param contains it.
 */
export function parseSearch(text: string): SearchWhere | null {
  const source = text.trim();
  if (source === '') return null;
  if (source.startsWith('{') || source.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(source);
    } catch (error) {
      throw new SearchSyntaxError(`Not valid JSON: ${(error as Error).message}`);
    }
    if (Array.isArray(parsed)) return { and: parsed.map(checkWhere) };
    return isTreeNode(parsed) ? checkWhere(parsed) : fromWhereObject(parsed);
  }
  return new TextParser(source).parse();
}

/** The contract's form: a `{ column, op }` filter, or `{ and }` / `{ or }` holding only such nodes. */
function isTreeNode(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  if (typeof v.column === 'string' && typeof v.op === 'string') return true;
  const list = Object.keys(v).length === 1 ? (v.and ?? v.or) : undefined;
  return Array.isArray(list) && list.length > 0 && list.every(isTreeNode);
}

/** The query API's where-object operators (`Comparison` in core's row-query.ts). */
const OBJECT_OPS: Record<string, SearchOp> = { eq: '=', ne: '!=', lt: '<', lte: '<=', gt: '>', gte: '>=', in: 'in', like: 'like' };

/** A where object (`{ model: 'mlp', lr: { lt: 0.1 }, or: [...] }`): each key a column, all joined with AND. */
function fromWhereObject(value: unknown): SearchWhere {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SearchSyntaxError('A where object maps columns to values or conditions: {"model": "mlp", "lr": {"lt": 0.1}}.');
  const parts: SearchWhere[] = [];
  for (const [column, condition] of Object.entries(value as Record<string, unknown>)) {
    if ((column === 'and' || column === 'or') && Array.isArray(condition)) {
      const list = condition.map(fromWhereObject);
      parts.push(column === 'and' ? { and: list } : { or: list });
    } else if (condition === null) {
      parts.push({ column, op: 'is null' });
    } else if (typeof condition === 'object' && !Array.isArray(condition)) {
      for (const [op, operand] of Object.entries(condition as Record<string, unknown>)) {
        if (op === 'isNull') parts.push({ column, op: operand ? 'is null' : 'is not null' });
        else if (op === 'eq' && operand === null) parts.push({ column, op: 'is null' });
        else if (op === 'ne' && operand === null) parts.push({ column, op: 'is not null' });
        else if (OBJECT_OPS[op]) parts.push({ column, op: OBJECT_OPS[op]!, value: operand as Cell | Cell[] });
        else throw new SearchSyntaxError(`Unknown condition ${JSON.stringify(op)} on ${column}: use eq, ne, lt, lte, gt, gte, in, like or isNull.`);
      }
    } else {
      parts.push({ column, op: '=', value: condition as Cell });
    }
  }
  return parts.length === 1 ? parts[0]! : { and: parts };
}

function checkWhere(value: unknown): SearchWhere {
  if (typeof value !== 'object' || value === null) throw new SearchSyntaxError('A condition is an object: {"column": "lr", "op": "<", "value": 0.1}.');
  const v = value as Record<string, unknown>;
  if (Array.isArray(v.and)) return { and: v.and.map(checkWhere) };
  if (Array.isArray(v.or)) return { or: v.or.map(checkWhere) };
  if (typeof v.column !== 'string') throw new SearchSyntaxError('A condition needs a "column".');
  const op = String(v.op ?? '=').toLowerCase() as SearchOp;
  if (![...OPS, 'in', 'like', 'is null', 'is not null'].includes(op)) throw new SearchSyntaxError(`Unknown op ${JSON.stringify(v.op)}.`);
  return { column: v.column, op, value: v.value as Cell | Cell[] };
}

type Token = { kind: 'word' | 'string' | 'number' | 'op' | 'punct'; text: string; value?: Cell };

class TextParser {
  private readonly tokens: Token[];
  private at = 0;

  constructor(private readonly source: string) {
    this.tokens = tokenize(source);
  }

  parse(): SearchWhere {
    const where = this.or();
    if (this.at < this.tokens.length) throw new SearchSyntaxError(`Unexpected ${JSON.stringify(this.tokens[this.at]!.text)}.`);
    return where;
  }

  private peekWord(word: string): boolean {
    const t = this.tokens[this.at];
    return t !== undefined && t.kind === 'word' && t.text.toLowerCase() === word;
  }

  private or(): SearchWhere {
    const parts = [this.and()];
    while (this.peekWord('or')) {
      this.at++;
      parts.push(this.and());
    }
    return parts.length === 1 ? parts[0]! : { or: parts };
  }

  private and(): SearchWhere {
    const parts = [this.condition()];
    while (this.peekWord('and')) {
      this.at++;
      parts.push(this.condition());
    }
    return parts.length === 1 ? parts[0]! : { and: parts };
  }

  private next(what: string): Token {
    const t = this.tokens[this.at++];
    if (!t) throw new SearchSyntaxError(`Expected ${what} at the end.`);
    return t;
  }

  private condition(): SearchWhere {
    const t = this.next('a condition');
    if (t.kind === 'punct' && t.text === '(') {
      const inner = this.or();
      const close = this.next('")"');
      if (close.text !== ')') throw new SearchSyntaxError(`Expected ")" before ${JSON.stringify(close.text)}.`);
      return inner;
    }
    if (t.kind !== 'word' && t.kind !== 'string') throw new SearchSyntaxError(`Expected a column name, not ${JSON.stringify(t.text)}.`);
    const column = String(t.value ?? t.text);
    const following = this.tokens[this.at];
    if (following === undefined || (following.kind === 'word' && ['and', 'or'].includes(following.text.toLowerCase())) || following.text === ')') {
      return { column: '*', op: 'like', value: `%${column}%` };
    }
    if (this.peekWord('is')) {
      this.at++;
      const not = this.peekWord('not');
      if (not) this.at++;
      if (!this.peekWord('null')) throw new SearchSyntaxError('Expected "null" after "is".');
      this.at++;
      return { column, op: not ? 'is not null' : 'is null' };
    }
    if (this.peekWord('in')) {
      this.at++;
      if (this.next('"("').text !== '(') throw new SearchSyntaxError('Expected "(" after "in".');
      const values: Cell[] = [];
      for (;;) {
        const v = this.next('a value');
        if (v.text === ')' && values.length === 0) break;
        values.push(valueOf(v));
        const sep = this.next('")"');
        if (sep.text === ')') break;
        if (sep.text !== ',') throw new SearchSyntaxError(`Expected "," or ")" in the list, not ${JSON.stringify(sep.text)}.`);
      }
      return { column, op: 'in', value: values };
    }
    if (this.peekWord('like')) {
      this.at++;
      return { column, op: 'like', value: valueOf(this.next('a pattern')) };
    }
    const op = this.next('an operator');
    if (op.kind !== 'op') throw new SearchSyntaxError(`Expected an operator (= != < <= > >= in like is) after ${column}, not ${JSON.stringify(op.text)}.`);
    return { column, op: op.text as SearchOp, value: valueOf(this.next('a value')) };
  }
}

function valueOf(t: Token): Cell {
  if (t.kind === 'punct' || t.kind === 'op') throw new SearchSyntaxError(`Expected a value, not ${JSON.stringify(t.text)}.`);
  if (t.kind === 'word') {
    const lower = t.text.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    if (lower === 'null') return null;
  }
  return t.value ?? t.text;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let text = '';
      while (j < source.length && source[j] !== c) {
        if (source[j] === '\\' && j + 1 < source.length) j++;
        text += source[j++];
      }
      if (j >= source.length) throw new SearchSyntaxError(`Unclosed quote ${c}.`);
      tokens.push({ kind: 'string', text: source.slice(i, j + 1), value: text });
      i = j + 1;
    } else if ('(),'.includes(c)) {
      tokens.push({ kind: 'punct', text: c });
      i++;
    } else if ('<>=!'.includes(c)) {
      const op = OPS.find((o) => source.startsWith(o, i));
      if (!op) throw new SearchSyntaxError(`Unknown operator at ${JSON.stringify(source.slice(i, i + 2))}.`);
      tokens.push({ kind: 'op', text: op });
      i += op.length;
    } else {
      let j = i;
      while (j < source.length && !/[\s(),<>=!"']/.test(source[j]!)) j++;
      const text = source.slice(i, j);
      const n = Number(text);
      tokens.push(text !== '' && Number.isFinite(n) && /^[-+.\d]/.test(text) ? { kind: 'number', text, value: n } : { kind: 'word', text });
      i = j;
    }
  }
  return tokens;
}

/** A run's value for a column: its id, its row count, a param, or a metric's last value. */
export function runValue(run: RunInfo, column: string): Cell | undefined {
  if (column === 'track_id') return run.track_id;
  if (column === 'rows') return run.rows;
  if (column in run.params) return run.params[column];
  const metric = run.metrics[column];
  return metric === undefined ? undefined : metric.last;
}

function likeRegex(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) out += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (c === '%') out += '.*';
    else if (c === '_') out += '.';
    else out += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, 'is');
}

function compare(a: Cell, b: Cell): number | undefined {
  if (a === null || b === null) return undefined;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' || typeof b === 'boolean') return Number(a) - Number(b);
  const na = Number(a);
  const nb = Number(b);
  if (typeof a === 'number' || typeof b === 'number') return Number.isNaN(na) || Number.isNaN(nb) ? undefined : na - nb;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** Whether `run` matches `where` (SQL's rules: null matches no comparison). */
export function matchesRun(run: RunInfo, where: SearchWhere | null): boolean {
  if (where === null) return true;
  if ('and' in where) return where.and.every((w) => matchesRun(run, w));
  if ('or' in where) return where.or.some((w) => matchesRun(run, w));
  if (where.column === '*') {
    const re = likeRegex(String(where.value));
    return re.test(run.track_id) || Object.values(run.params).some((v) => v !== null && re.test(String(v)));
  }
  const value = runValue(run, where.column) ?? null;
  switch (where.op) {
    case 'is null':
      return value === null;
    case 'is not null':
      return value !== null;
    case 'like':
      return value !== null && likeRegex(String(where.value)).test(String(value));
    case 'in':
      return Array.isArray(where.value) && where.value.some((v) => compare(value, v) === 0);
    default: {
      const d = compare(value, where.value as Cell);
      if (d === undefined) return false;
      return { '=': d === 0, '!=': d !== 0, '<': d < 0, '<=': d <= 0, '>': d > 0, '>=': d >= 0 }[where.op];
    }
  }
}

/** The runs matching `query` (text or JSON), sorted by `sort` (a run value), paged. */
export function searchRuns(runs: RunInfo[], query: string, sort?: { column: string; desc: boolean }): RunInfo[] {
  const where = parseSearch(query);
  const matched = runs.filter((r) => matchesRun(r, where));
  if (sort) {
    const dir = sort.desc ? -1 : 1;
    matched.sort((a, b) => {
      const va = runValue(a, sort.column) ?? null;
      const vb = runValue(b, sort.column) ?? null;
      if (va === null || vb === null) return va === vb ? 0 : va === null ? 1 : -1; // nulls last
      return (compare(va, vb) ?? 0) * dir;
    });
  }
  return matched;
}
