import type { ColumnSpec, Row } from '../engine/contract.js';
import { compiledFunction } from '../engine/compiled-functions.js';
import { encodeValue } from '../schema/values.js';

/** Builds a whole row in one object literal: all properties in-object, one allocation. */
export type BuildRow = (trackId: string, timestamp: string, params: Row, data: Record<string, unknown>) => Row;

/**
 * Compiles the builder for rows whose params and data keys come in a known order, every data key
 * mapping to an existing non-JSON column. Building a row key by key grows its property store
 * several times (garbage the hot path of `logBatch` spends a third of its time collecting); one
 * literal does not. Keys are embedded as JSON string literals, so no key can change the code.
 */
export function compileRowBuilder(paramKeys: readonly string[], dataKeys: readonly string[], specs: readonly ColumnSpec[]): BuildRow {
  const lines: string[] = [];
  // Only string keys, all known here: a computed key (a symbol tag) would make V8 define every
  // property after it one by one, and past about 128 of them each row costs milliseconds.
  const props = ['"track_id": trackId', '"timestamp": timestamp'];
  for (const key of paramKeys) props.push(`${property(key)}: params[${JSON.stringify(key)}]`);
  dataKeys.forEach((key, i) => {
    const spec = specs[i]!;
    const k = JSON.stringify(key);
    lines.push(`const v${i} = data[${k}];`);
    // Numbers into number columns are stored as given (NaN as NULL); everything else takes the general rule.
    const cell =
      spec.type === 'integer' || spec.type === 'float'
        ? `(typeof v${i} === "number" && v${i} === v${i}) ? v${i} : encode(v${i}, ${JSON.stringify(spec.type)}, ${k})`
        : `encode(v${i}, ${JSON.stringify(spec.type)}, ${k})`;
    props.push(`${property(spec.name)}: ${cell}`);
  });
  const body = `${lines.join('\n')}\nreturn {\n${props.join(',\n')}\n};`;
  return compiledFunction<BuildRow>(`return function buildRow(trackId, timestamp, params, data) {\n${body}\n};`, { encode: encodeValue });
}

/** A property name in an object literal; `__proto__` computed, since `"__proto__": v` would set the prototype. */
function property(name: string): string {
  return name === '__proto__' ? `[${JSON.stringify(name)}]` : JSON.stringify(name);
}

/** True when `data`'s own enumerable keys are exactly `keys`, in order (no allocation). */
export function hasKeysInOrder(data: Record<string, unknown>, keys: readonly string[]): boolean {
  let i = 0;
  for (const key in data) {
    if (i === keys.length || keys[i] !== key) return false;
    i++;
  }
  return i === keys.length;
}
