// Preloaded into an `xt` process (node --require trace-sql.cjs cli.js ...) by test/cli-fuzz.test.ts:
// appends every SQL text better-sqlite3 is asked to prepare, exec or pragma to the file named by
// XT_SQL_TRACE, one JSON string per line, so the test can check that no argument changed the SQL.
const { appendFileSync } = require('node:fs');

const file = process.env.XT_SQL_TRACE;
if (file) {
  // the same module instance the engine loads (CommonJS modules are cached by their real path)
  const Database = require('better-sqlite3');
  const record = (sql) => appendFileSync(file, `${JSON.stringify(String(sql))}\n`);
  for (const method of ['prepare', 'exec']) {
    const original = Database.prototype[method];
    Database.prototype[method] = function traced(sql, ...rest) {
      record(sql);
      return original.call(this, sql, ...rest);
    };
  }
  const pragma = Database.prototype.pragma;
  Database.prototype.pragma = function traced(sql, ...rest) {
    record(`PRAGMA ${sql}`);
    return pragma.call(this, sql, ...rest);
  };
  appendFileSync(file, ''); // the file exists once the hook is in
}
