/**
 * A value typed on the command line: JSON when it parses (`0.5`, `3`, `true`, `null`, `"text"`,
 * `[1,2]`), otherwise the text as typed (`small`, `2024-01-01`). So `xt set DB acc 0.9` stores a
 * number, and `xt set DB note '"0.9"'` the string "0.9".
 */
export function parseValue(text: string): unknown {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'number' && !Number.isFinite(value) ? text : value;
  } catch {
    return text;
  }
}
