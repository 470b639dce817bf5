/**
 * Records every SQL text a better-sqlite3 handle is asked to run, so a test can prove that no key,
 * value or table name ever changed the SQL: each statement's *skeleton* (the text with quoted
 * identifiers and string literals cut out) must be one the library means to run. A name that
 * escaped its quotes would leave its own text in the skeleton and match no allowed pattern.
 */
import Database from 'better-sqlite3';

export interface TracedDatabase {
  /** The handle to inject (`sqliteEngine.create({ database })`); every SQL text it runs is recorded. */
  db: Database.Database;
  /** The raw connection underneath (for the test's own reads; not recorded). */
  raw: Database.Database;
  /** SQL texts recorded since the last `take()`. */
  take(): string[];
}

export function tracedDatabase(file: string): TracedDatabase {
  const raw = new Database(file);
  let seen: string[] = [];
  const db = new Proxy(raw, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, target);
      if (property === 'prepare' || property === 'exec') {
        return (source: string) => {
          seen.push(source);
          return (value as (s: string) => unknown).call(target, source);
        };
      }
      if (property === 'pragma') {
        return (source: string, options?: unknown) => {
          seen.push(`PRAGMA ${source}`);
          return (value as (s: string, o?: unknown) => unknown).call(target, source, options);
        };
      }
      return typeof value === 'function' ? value.bind(target) : (void receiver, value);
    },
  });
  return {
    db,
    raw,
    take() {
      const out = seen;
      seen = [];
      return out;
    },
  };
}

/**
 * The statement with every double-quoted identifier replaced by `I` and every single-quoted string by
 * `S` (both with SQL's doubled-quote escapes), runs of `I, I` / `?, ?` / `I T, I T` folded, and
 * whitespace collapsed. Unbalanced quotes leave the rest of the text in place, which matches nothing.
 */
export function skeleton(sql: string): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === '"' || c === "'") {
      let j = i + 1;
      for (;;) {
        const k = sql.indexOf(c, j);
        if (k < 0) return `${out}${sql.slice(i)} <UNTERMINATED>`;
        if (sql[k + 1] === c) {
          j = k + 2;
          continue;
        }
        i = k + 1;
        break;
      }
      out += c === '"' ? 'I' : 'S';
    } else {
      out += c;
      i++;
    }
  }
  return out
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/I (INTEGER|REAL|TEXT|BOOLEAN|BLOB|JSON)(, I (INTEGER|REAL|TEXT|BOOLEAN|BLOB|JSON))*/g, 'COLS')
    .replace(/I(, I)+/g, 'I+')
    .replace(/\?(, \?)+/g, '?+');
}

/** Statement shapes the SQLite engine runs whole, with nothing of the caller's in them. */
const FIXED_SKELETONS: readonly RegExp[] = [
  // `journal_mode` alone reads the mode (iterate streams from a cursor of its own on a WAL file)
  /^PRAGMA (busy_timeout = \d+|schema_version|journal_mode( = WAL)?|synchronous = (NORMAL|FULL)|compile_options)$/,
  /^(BEGIN IMMEDIATE|COMMIT|ROLLBACK)$/,
  /^SELECT name, type FROM pragma_table_info\(\?\)$/,
  /^SELECT m\.name FROM sqlite_master AS m WHERE m\.type = S AND EXISTS \(SELECT 1 FROM pragma_table_info\(m\.name\) AS p WHERE lower\(p\.name\) = S\) AND EXISTS \(SELECT 1 FROM pragma_table_info\(m\.name\) AS p WHERE lower\(p\.name\) = S\)$/,
  /^CREATE TABLE I \(track_id TEXT, timestamp TEXT(, COLS)?, PRIMARY KEY \(track_id, timestamp\)\)$/,
  /^ALTER TABLE I ADD COLUMN COLS$/,
  /^INSERT INTO I (\(I\+?\) VALUES \(\?\+?\)|DEFAULT VALUES)$/,
  // widening an INTEGER column to REAL: the table rebuilt under the same name, rowids kept
  /^SELECT name, type, I, dflt_value, pk FROM pragma_table_info\(\?\)$/,
  /^SELECT sql FROM sqlite_master WHERE type = S AND tbl_name = \? AND sql IS NOT NULL$/,
  /^CREATE TABLE I \(COLS, PRIMARY KEY \(I\+\)\)$/,
  /^INSERT INTO I \(rowid, I\+\) SELECT rowid, I\+ FROM I$/,
];

/**
 * Statements allowed only as steps of that rebuild, next to the step that makes them safe: a scratch
 * table dropped right before it is created, the old table dropped right after its rows were copied,
 * and the scratch table renamed right after that. Anywhere else a DROP or RENAME is foreign.
 */
const REBUILD_STEPS: readonly { shape: RegExp; previous?: RegExp; next?: RegExp }[] = [
  { shape: /^DROP TABLE IF EXISTS I$/, next: /^CREATE TABLE I \(COLS, PRIMARY KEY \(I\+\)\)$/ },
  { shape: /^DROP TABLE I$/, previous: /^INSERT INTO I \(rowid, I\+\) SELECT rowid, I\+ FROM I$/ },
  { shape: /^ALTER TABLE I RENAME TO I$/, previous: /^DROP TABLE I$/ },
];

/** Shapes with a WHERE / ORDER BY built from filters: quoted columns, bound values, and the operators. */
const CLAUSE_SKELETONS: readonly RegExp[] = [
  /^SELECT (\*|I\+?)(, I| , I|, rowid|, _rowid_|, oid)* FROM I( WHERE .*)?( ORDER BY .*)?( LIMIT \? OFFSET \?)?$/,
  /^SELECT count\(\*\) FROM I( WHERE .*)?$/,
  /^UPDATE I SET I = \?(, I = \?)*( WHERE .*)?$/,
  /^DELETE FROM I( WHERE .*)?$/,
];

export const ALLOWED_SKELETONS: readonly RegExp[] = [...FIXED_SKELETONS, ...CLAUSE_SKELETONS];

/** The parts a WHERE / ORDER BY of the engine is built from; anything else there is foreign text. */
const CLAUSE_TOKENS = /^(I|o\.I|\?|\?\+|rowid|_rowid_|oid|AND|OR|IS|NOT|NULL|IN|DESC|ASC|=|!=|<|<=|>|>=|0|\(|\)|,|WHERE|ORDER|BY|LIMIT|OFFSET)$/;

/**
 * aggregate(): `SELECT <group columns and measures> FROM I AS o [WHERE ...] [GROUP BY ... ORDER BY ...]`.
 * A measure is count/min/max/avg/total/count(DISTINCT) of a quoted column, `sum` as its CASE, or a
 * correlated subquery reading one value at an end of the group (`first`, `last`, the timestamp's
 * min/max); `track_id` may lead the GROUP BY as `+o.I` (the sort key). WHERE parts, the outer one
 * and the subqueries', are built from the clause tokens only.
 */
const AGGREGATE = /^SELECT (.+) FROM I AS o(?: WHERE (.+?))?(?: GROUP BY \+?o\.I(?:, o\.I)* ORDER BY o\.I(?:, o\.I)*)?$/;
const MEASURES: readonly RegExp[] = [/^o\.I$/, /^count\(\*\)$/, /^(count|min|max|avg|total)\(o\.I\)$/, /^count\(DISTINCT o\.I\)$/, /^CASE WHEN count\(o\.I\) > 0 THEN total\(o\.I\) END$/];
const END_OF_GROUP = /^\(SELECT i\.I FROM I AS i WHERE (.+) ORDER BY i\.I (ASC|DESC) LIMIT 1\)$/;

function clauseTokensOnly(clause: string, extra?: RegExp): boolean {
  return clause
    .replace(/([(),])/g, ' $1 ')
    .split(/\s+/)
    .filter(Boolean)
    .every((token) => CLAUSE_TOKENS.test(token) || (extra?.test(token) ?? false));
}

/** The items of a SELECT list, split at the commas outside parentheses. */
function selectItems(list: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    if (list[i] === '(') depth++;
    else if (list[i] === ')') depth--;
    else if (list[i] === ',' && depth === 0) {
      items.push(list.slice(start, i).trim());
      start = i + 1;
    }
  }
  items.push(list.slice(start).trim());
  return items;
}

function isAggregate(shape: string): boolean {
  return aggregateOf(shape, (item) => {
    const sub = END_OF_GROUP.exec(item);
    return sub !== null && clauseTokensOnly(sub[1]!, /^i\.I$/);
  });
}

/** The GROUP BY of `shape` when its WHERE is clause tokens only and `item` accepts each item no measure matches. */
function aggregateOf(shape: string, item: (item: string) => boolean): boolean {
  const match = AGGREGATE.exec(shape);
  if (!match) return false;
  if (match[2] !== undefined && !clauseTokensOnly(match[2])) return false;
  return selectItems(match[1]!).every((i) => MEASURES.some((m) => m.test(i)) || item(i));
}

/**
 * aggregate() grouped by `track_id` alone with several end-of-group measures: the GROUP BY (its
 * measures named `AS I`, plus the rowids of each group's first and last rows) inside
 * `SELECT ... FROM (...) AS e LEFT JOIN I AS f ON f.rowid = e.I LEFT JOIN I AS l ON l.rowid = e.I ORDER BY e.I`,
 * whose items are `e.I` or `coalesce(f.I, <end-of-group subquery of group e>)`.
 */
const END_ROWS = /^SELECT (.+) FROM \((SELECT .+)\) AS e LEFT JOIN I AS f ON f\.(?:rowid|_rowid_|oid) = e\.I LEFT JOIN I AS l ON l\.(?:rowid|_rowid_|oid) = e\.I ORDER BY e\.I$/;
const END_ROW = /^\(SELECT i\.(?:rowid|_rowid_|oid) FROM I AS i WHERE (.+) ORDER BY i\.I (?:ASC|DESC) LIMIT 1\) AS I$/;
const FROM_END_ROW = /^coalesce\([fl]\.I, (\(SELECT .+\))\)$/;

function isEndRowsAggregate(shape: string): boolean {
  const match = END_ROWS.exec(shape);
  if (!match) return false;
  const grouped = aggregateOf(match[2]!, (item) => {
    const named = /^(.+) AS I$/.exec(item);
    if (named !== null && MEASURES.some((m) => m.test(named[1]!))) return true;
    const row = END_ROW.exec(item);
    return row !== null && clauseTokensOnly(row[1]!, /^i\.I$/);
  });
  return (
    grouped &&
    selectItems(match[1]!).every((item) => {
      if (item === 'e.I') return true;
      const sub = END_OF_GROUP.exec(FROM_END_ROW.exec(item)?.[1] ?? '');
      return sub !== null && clauseTokensOnly(sub[1]!, /^(i|e)\.I$/);
    })
  );
}

/** Statements whose skeleton is not an allowed one (an empty list means no foreign SQL ran). */
export function foreignStatements(statements: readonly string[]): { sql: string; skeleton: string }[] {
  const bad: { sql: string; skeleton: string }[] = [];
  const shapes = statements.map(skeleton);
  statements.forEach((sql, i) => {
    const shape = shapes[i]!;
    if (FIXED_SKELETONS.some((pattern) => pattern.test(shape))) return;
    const step = REBUILD_STEPS.find((s) => s.shape.test(shape));
    if (step && (!step.previous || step.previous.test(shapes[i - 1] ?? '')) && (!step.next || step.next.test(shapes[i + 1] ?? ''))) return;
    if (isAggregate(shape) || isEndRowsAggregate(shape)) return;
    let ok = CLAUSE_SKELETONS.some((pattern) => pattern.test(shape));
    if (ok && / WHERE | ORDER BY /.test(shape)) {
      ok = clauseTokensOnly(shape.slice(shape.search(/ WHERE | ORDER BY /)));
    }
    if (!ok) bad.push({ sql, skeleton: shape });
  });
  return bad;
}
