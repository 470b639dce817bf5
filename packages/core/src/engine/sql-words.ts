/**
 * The words of a SQL statement as PostgreSQL's lexer (and DuckDB's, a fork of it) reads them, for
 * engines that must look at a caller's statement before running it (refusing `COPY` in a read-only
 * call, say): string literals (also `E'...'` and `$tag$...$tag$`), comments (`--` and nested block
 * comments) and `$1` parameters are skipped, quoted names are read whole, so a word inside data is
 * never taken for a keyword.
 */

/** One word of a statement: a name (unquoted ones folded to lower case, as PostgreSQL does) or a punctuation mark. */
export interface SqlWord {
  name?: string;
  mark?: string;
  /** The name is the first of its statement (its command: `select`, `copy`...), after any `(`. */
  first?: boolean;
}

/** The names and marks of `query`, without whitespace, comments, literals and parameters. */
export function sqlWords(query: string): SqlWord[] {
  const tokens: SqlWord[] = [];
  let statementStart = true;
  const pushName = (name: string) => {
    tokens.push(statementStart ? { name, first: true } : { name });
    statementStart = false;
  };
  let i = 0;
  const n = query.length;
  while (i < n) {
    const c = query[i]!;
    if (/\s/.test(c)) i++;
    else if (c === '-' && query[i + 1] === '-') {
      const end = query.indexOf('\n', i);
      i = end === -1 ? n : end + 1;
    } else if (c === '/' && query[i + 1] === '*') i = commentEnd(query, i);
    else if (c === "'") i = stringEnd(query, i, false);
    else if (c === '"') {
      const end = quotedEnd(query, i);
      pushName(query.slice(i + 1, end - 1).replaceAll('""', '"'));
      i = end;
    } else if (c === '$' && /[A-Za-z_\u0080-\uffff$]/.test(query[i + 1] ?? '')) i = dollarEnd(query, i);
    else if (c === '$' && /\d/.test(query[i + 1] ?? '')) {
      i++;
      while (i < n && /\d/.test(query[i]!)) i++;
    } else if (/[A-Za-z_\u0080-\uffff]/.test(c)) {
      let end = i + 1;
      while (end < n && /[A-Za-z0-9_$\u0080-\uffff]/.test(query[end]!)) end++;
      const word = query.slice(i, end);
      // E'...' takes backslash escapes; U&'...', B'...', X'...' are read as plain literals
      if (query[end] === "'") i = stringEnd(query, end, word.toLowerCase() === 'e');
      else {
        pushName(word.toLowerCase());
        i = end;
      }
    } else {
      tokens.push({ mark: c });
      if (c === ';') statementStart = true;
      i++;
    }
  }
  return tokens;
}

/** The index after the block comment starting at `start` (they nest in PostgreSQL). */
function commentEnd(query: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < query.length) {
    if (query.startsWith('/*', i)) {
      depth++;
      i += 2;
    } else if (query.startsWith('*/', i)) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  return query.length;
}

/** The index after the string literal whose opening quote is at `start`. */
function stringEnd(query: string, start: number, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < query.length) {
    const c = query[i];
    if (backslashEscapes && c === '\\') i += 2;
    else if (c === "'") {
      if (query[i + 1] === "'") i += 2;
      else return i + 1;
    } else i++;
  }
  return query.length;
}

/** The index after the `"`-quoted name starting at `start` (`""` inside is one quote). */
function quotedEnd(query: string, start: number): number {
  let i = start + 1;
  while (i < query.length) {
    if (query[i] === '"') {
      if (query[i + 1] === '"') i += 2;
      else return i + 1;
    } else i++;
  }
  return query.length;
}

/** The index after a `$tag$...$tag$` literal starting at `start`; a lone `$` is a mark. */
function dollarEnd(query: string, start: number): number {
  const open = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(query.slice(start));
  if (open === null) return start + 1;
  const close = query.indexOf(open[0], start + open[0].length);
  return close === -1 ? query.length : close + open[0].length;
}
