import type { SqliteDatabase } from './sqlite-database.js';
import { foldIdentifier as fold, quoteIdentifier } from './sqlite-sql.js';

interface ColumnInfo {
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
}

/**
 * Rebuilds `table` with the columns in `widen` (folded names) declared REAL: SQLite cannot change a
 * column's declared type, and Python xetrack and other readers go by the declared type. Runs inside
 * the caller's BEGIN IMMEDIATE transaction: create the new table, copy every row (integers become
 * REAL values), drop the old one, rename, and re-create its indexes. Other connections re-prepare
 * their statements on the schema change SQLite signals. Returns false when nothing needed it.
 */
export function rebuildAsReal(db: SqliteDatabase, table: string, widen: ReadonlySet<string>): boolean {
  const info = db.prepare('SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?)').raw(false).pluck(false).all(table) as ColumnInfo[];
  const changing = info.filter((c) => widen.has(fold(c.name)) && /INT/i.test(c.type));
  if (changing.length === 0) return false;
  const indexes = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL").pluck(true).all(table) as string[];
  const keys = info
    .filter((c) => c.pk > 0)
    .sort((a, b) => a.pk - b.pk)
    .map((c) => quoteIdentifier(c.name));
  const definitions = info.map((c) => {
    const type = changing.includes(c) ? 'REAL' : c.type;
    return `${quoteIdentifier(c.name)}${type ? ` ${type}` : ''}${c.notnull ? ' NOT NULL' : ''}${c.dflt_value !== null ? ` DEFAULT ${c.dflt_value}` : ''}`;
  });
  if (keys.length > 0) definitions.push(`PRIMARY KEY (${keys.join(', ')})`);
  const scratch = quoteIdentifier(`${table}__xetrack_widening`);
  const target = quoteIdentifier(table);
  const names = info.map((c) => quoteIdentifier(c.name)).join(', ');
  db.exec(`DROP TABLE IF EXISTS ${scratch}`);
  db.exec(`CREATE TABLE ${scratch} (${definitions.join(', ')})`);
  // rowids are kept, so rows keep their insertion order (reads break timestamp ties by rowid)
  const rowid = info.some((c) => fold(c.name) === 'rowid') ? '' : 'rowid, ';
  db.exec(`INSERT INTO ${scratch} (${rowid}${names}) SELECT ${rowid}${names} FROM ${target}`);
  db.exec(`DROP TABLE ${target}`);
  db.exec(`ALTER TABLE ${scratch} RENAME TO ${target}`);
  for (const sql of indexes) db.exec(sql);
  return true;
}
