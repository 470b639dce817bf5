/**
 * Rows as a 2-space indented JSON array whose objects keep the table's column order (a plain
 * object would move integer-like keys such as `"7"` to the front). Bigints print as JSON
 * numbers, blobs as base64 text, NaN and infinities as null, like Python xetrack's orjson output.
 */
export function jsonRows(rows: readonly Record<string, unknown>[], columns?: readonly string[]): string {
  if (rows.length === 0) return '[]';
  const objects = rows.map((row) => objectText(columns ?? Object.keys(row), (key) => row[key], '  '));
  return `[\n  ${objects.join(',\n  ')}\n]`;
}

/** Any value as JSON text, nested levels indented by two spaces more than `indent`. */
export function jsonValue(value: unknown, indent = ''): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'bigint':
      return value.toString();
    case 'boolean':
      return String(value);
    case 'string':
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      return 'null';
  }
  if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64'));
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const inner = `${indent}  `;
    return `[\n${inner}${value.map((v) => jsonValue(v, inner)).join(`,\n${inner}`)}\n${indent}]`;
  }
  const record = value as Record<string, unknown>;
  return objectText(Object.keys(record), (key) => record[key], indent);
}

function objectText(keys: readonly string[], get: (key: string) => unknown, indent: string): string {
  if (keys.length === 0) return '{}';
  const inner = `${indent}  `;
  const fields = keys.map((key) => `${inner}${JSON.stringify(key)}: ${jsonValue(get(key), inner)}`);
  return `{\n${fields.join(',\n')}\n${indent}}`;
}
