/**
 * Stands in for `node:assert` inside the bundled yargs, which uses only these two checks (and turns
 * their failure into its own error). Loading `node:assert` brings its diffing and colour modules
 * into every `xt` start-up, and yargs fails one such check on purpose each time it starts.
 */
export function strictEqual(actual: unknown, expected: unknown, message?: string | Error): void {
  if (actual !== expected) throw failure(message, `${String(actual)} !== ${String(expected)}`);
}

export function notStrictEqual(actual: unknown, expected: unknown, message?: string | Error): void {
  if (actual === expected) throw failure(message, `${String(actual)} === ${String(expected)}`);
}

function failure(message: string | Error | undefined, fallback: string): Error {
  return message instanceof Error ? message : new Error(message ?? `Expected ${fallback}`);
}
