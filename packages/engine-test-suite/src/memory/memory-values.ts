import { compareCells, XetrackError, type CellValue, type Filter } from '@xetrack/core/engine';

/**
 * What the reference engine does to values: store them in the form `select` must return them, and
 * match them against filters with SQL's rules. A SQL engine gets both from its database.
 */

const MAX_INT64 = 2n ** 63n - 1n;
const MIN_INT64 = -(2n ** 63n);

/**
 * A value as the contract says `select` returns it: NaN as NULL, a bigint within +-(2^53-1) as a
 * number, a blob as a Uint8Array of its own (the caller's buffer may change later).
 */
export function storedValue(value: CellValue | undefined): CellValue {
  if (value === undefined || (typeof value === 'number' && Number.isNaN(value))) return null;
  if (typeof value === 'bigint') {
    if (value > MAX_INT64 || value < MIN_INT64) throw new XetrackError('INVALID_VALUE', `memory: ${value} does not fit in 64 bits.`);
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  }
  return value instanceof Uint8Array ? Uint8Array.from(value) : value;
}

/** A copy for the caller, so changing a returned blob changes nothing stored. */
export function returnedValue(value: CellValue): CellValue {
  return value instanceof Uint8Array ? Uint8Array.from(value) : value;
}

/** What each comparison operator asks of `compareCells(value, filter.value)`. */
const HOLDS: Record<string, (c: number) => boolean> = {
  '=': (c) => c === 0,
  '!=': (c) => c !== 0,
  '<': (c) => c < 0,
  '<=': (c) => c <= 0,
  '>': (c) => c > 0,
  '>=': (c) => c >= 0,
};

/** Whether `value` passes one filter. As in SQL, NULL passes only `is null`. */
export function passes(value: CellValue, filter: Filter): boolean {
  if (filter.op === 'is null') return value === null;
  if (filter.op === 'is not null') return value !== null;
  if (value === null) return false;
  if (filter.op === 'like') return !(value instanceof Uint8Array) && likePattern(filter.value as string).test(asciiLower(asText(value)));
  if (filter.op === 'in') return (filter.value as CellValue[]).some((v) => v !== null && compareCells(value, v) === 0);
  const other = filter.value as CellValue;
  return other !== null && HOLDS[filter.op]!(compareCells(value, other));
}

/** SQLite folds only ASCII letters, in identifiers and in `like`. */
export function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** A non-text value is matched by `like` as its text; a boolean as 1 or 0. */
function asText(value: string | number | bigint | boolean): string {
  return typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
}

/** `like`'s pattern as a regular expression: `%` any run, `_` one character, `\` escapes the next; ASCII letters in either case. */
function likePattern(pattern: string): RegExp {
  const literal = (c: string) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const folded = asciiLower(pattern);
  let source = '';
  for (let i = 0; i < folded.length; i++) {
    const c = folded[i]!;
    if (c === '\\' && i + 1 < folded.length) source += literal(folded[++i]!);
    else if (c === '%') source += '[\\s\\S]*';
    else if (c === '_') source += '[\\s\\S]';
    else source += literal(c);
  }
  return new RegExp(`^${source}$`, 'u');
}
