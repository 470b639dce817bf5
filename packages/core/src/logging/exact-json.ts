import type { JsonValue } from '../schema/values.js';

/** A JSON value as the log readers return it: integers beyond +-2^53-1 are exact bigints. */
export type ExactJsonValue = string | number | bigint | boolean | null | ExactJsonValue[] | { [key: string]: ExactJsonValue };

/** A run of 16 or more digits: the only integers that may be unsafe as doubles (2^53 has 16). */
const LONG_DIGITS = /\d{16}/;
/** A JSON string (kept as is) or a whole integer literal (not part of a fraction or an exponent). */
const STRING_OR_INTEGER = /"(?:[^"\\]|\\.)*"|(?<![\d.eE+-])-?\d+(?![.\deE])/g;
const MARK = `\u2063xt-exact-${Math.random().toString(36).slice(2)}:`;

/**
 * `JSON.parse` that keeps every integer exact: one beyond +-2^53-1 (as Python's json writes them)
 * becomes a bigint, the rest stay numbers. Text without a 16-digit run parses as plain JSON.
 */
export function parseExactJson(text: string): ExactJsonValue {
  if (!LONG_DIGITS.test(text)) return JSON.parse(text) as JsonValue;
  let marked = false;
  const safe = text.replace(STRING_OR_INTEGER, (token) => {
    if (token.startsWith('"') || Number.isSafeInteger(Number(token))) return token;
    marked = true;
    return `"${MARK}${token}"`;
  });
  if (!marked) return JSON.parse(text) as JsonValue;
  return JSON.parse(safe, (_key, value: unknown) => (typeof value === 'string' && value.startsWith(MARK) ? BigInt(value.slice(MARK.length)) : value)) as ExactJsonValue;
}
