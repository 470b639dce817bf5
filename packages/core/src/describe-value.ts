/** What a wrong argument is, for an error message: `null`, `an array`, `a Map`, `a string`... */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') {
    try {
      const name = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)?.constructor?.name;
      if (typeof name === 'string' && name) return `a ${name}`;
    } catch {
      return 'a revoked Proxy';
    }
  }
  return `a ${typeof value}`;
}
