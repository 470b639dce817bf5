/** How DuckDB names things: quoting and case folding, used by every module that builds SQL or looks up a column. */

/** An identifier quoted for DuckDB: any text, with `"` doubled, can only ever name something. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** DuckDB's identifier comparison: case-insensitive for ASCII letters only. */
export function fold(name: string): string {
  return name.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}
