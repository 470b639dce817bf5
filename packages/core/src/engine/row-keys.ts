import type { Row } from './contract.js';

/**
 * True when `row`'s own enumerable keys are exactly `keys`, in order, without allocating: how an
 * engine tells that a row has the shape of the statement it wrote the row before with. Rows core
 * builds share a hidden class, so the walk reads V8's enum cache.
 */
export function hasKeysInOrder(row: Row, keys: readonly string[]): boolean {
  let i = 0;
  for (const key in row) {
    if (i === keys.length || keys[i] !== key) return false;
    i++;
  }
  return i === keys.length;
}
