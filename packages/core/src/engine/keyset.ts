import type { Row } from './contract.js';

/**
 * Keyset paging, for engines that stream a result as a series of `select`s (no cursor kept open
 * between pages, so the connection stays free for writes). Each page asks for the rows that come
 * after the last row of the page before in the order's keys, which the order must make unique
 * (its last keys are a primary key or rowid). One place for the loop and for the NULL-aware
 * "comes after" condition; each engine only says how one comparison reads in its SQL.
 */

/** One order key: sorted descending or not. NULLs come first ascending and last descending, as SQLite orders them. */
export interface KeysetKey {
  desc: boolean;
}

/** How an engine writes one comparison of order key `key` (binding `value` as it binds parameters). */
export type KeysetComparison = (key: number, op: '=' | '>' | '<' | 'is null' | 'is not null', value?: unknown) => string;

/**
 * "Comes after the row whose keys were `last`": an OR over each key of "equal on the keys before
 * it (NULL equal to NULL) and after on this one". Comparisons are requested in the order they
 * appear in the text, so positional parameters line up.
 */
export function keysetCondition(keys: readonly KeysetKey[], last: readonly unknown[], compare: KeysetComparison): string {
  const terms: string[] = [];
  for (let i = 0; i < keys.length; i++) {
    const value = last[i] ?? null;
    const desc = keys[i]!.desc;
    if (desc && value === null) continue; // nothing sorts after NULL descending
    const parts: string[] = [];
    for (let j = 0; j < i; j++) {
      const previous = last[j] ?? null;
      parts.push(previous === null ? compare(j, 'is null') : compare(j, '=', previous));
    }
    if (!desc) parts.push(value === null ? compare(i, 'is not null') : compare(i, '>', value));
    else parts.push(`(${compare(i, '<', value)} OR ${compare(i, 'is null')})`);
    terms.push(`(${parts.join(' AND ')})`);
  }
  return terms.length === 0 ? 'FALSE' : `(${terms.join(' OR ')})`;
}

/** One page as an engine read it: the rows, and the order keys of its last row (undefined: page by offset instead). */
export interface KeysetPage {
  rows: Row[];
  last: unknown[] | undefined;
}

/**
 * Rows of a query read `pageSize` at a time: `read(last, size, offset)` returns the next page after
 * the row whose keys were `last` (the first page: `last` undefined, at the query's `offset`), or
 * undefined when the table is gone. Stops at `limit` rows or at a short page.
 */
export async function* keysetPages(
  options: { limit?: number | undefined; offset?: number | undefined },
  pageSize: number,
  read: (last: unknown[] | undefined, size: number, offset: number) => Promise<KeysetPage | undefined> | KeysetPage | undefined,
): AsyncGenerator<Row> {
  let remaining = options.limit ?? Number.POSITIVE_INFINITY;
  let offset = options.offset ?? 0;
  let last: unknown[] | undefined;
  while (remaining > 0) {
    const size = Math.min(pageSize, remaining);
    const page = await read(last, size, offset);
    if (page === undefined) return;
    const { rows } = page;
    if (page.last === undefined) offset += rows.length;
    else {
      last = page.last;
      offset = 0;
    }
    remaining -= rows.length;
    for (const row of rows) yield row;
    if (rows.length < size) return;
  }
}
