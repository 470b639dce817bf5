import type { AggregateOptions, CellValue, Engine, Measure, Row, Where } from './contract.js';

/**
 * Aggregation for engines without the `aggregate` capability, and quantiles for every engine.
 * The fallback reads the rows once (streamed where the engine streams) and folds them here, so it
 * gives the same results as an engine's SQL, only slower.
 */

/** SQLite's order across types: NULL < numbers (booleans as 0/1) < text < bytes. */
export function compareCells(a: CellValue, b: CellValue): number {
  const rank = (v: CellValue): number => (v === null ? 0 : typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' ? 1 : typeof v === 'string' ? 2 : 3);
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 1) {
    const x = typeof a === 'boolean' ? Number(a) : (a as number | bigint);
    const y = typeof b === 'boolean' ? Number(b) : (b as number | bigint);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (ra === 2) return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
  if (ra === 3) return Buffer.compare(Buffer.from(a as Uint8Array), Buffer.from(b as Uint8Array));
  return 0;
}

interface Accumulator {
  add(value: CellValue, timestamp: string): void;
  result(): CellValue;
}

function accumulator(measure: Measure): Accumulator {
  let count = 0;
  let sum = 0;
  let best: CellValue = null;
  let bestTs = '';
  const seen = new Set<string>();
  switch (measure.fn) {
    case 'count':
      return { add: (v) => void ((measure.column === undefined || v !== null) && count++), result: () => count };
    case 'count_distinct':
      return {
        add: (v) => void (v !== null && seen.add(v instanceof Uint8Array ? `b:${Buffer.from(v).toString('hex')}` : `${typeof v}:${String(v)}`)),
        result: () => seen.size,
      };
    case 'sum':
    case 'avg':
      return {
        add: (v) => {
          if (v === null || typeof v === 'string' || v instanceof Uint8Array) return;
          sum += Number(v);
          count++;
        },
        result: () => (count === 0 ? null : measure.fn === 'sum' ? sum : sum / count),
      };
    case 'min':
    case 'max': {
      const sign = measure.fn === 'min' ? -1 : 1;
      return {
        add: (v) => {
          if (v !== null && (best === null || sign * compareCells(v, best) > 0)) best = v;
        },
        result: () => best,
      };
    }
    case 'first':
    case 'last': {
      const later = measure.fn === 'last';
      return {
        add: (v, ts) => {
          if (v === null) return;
          if (best === null || (later ? ts >= bestTs : ts < bestTs)) {
            best = v;
            bestTs = ts;
          }
        },
        result: () => best,
      };
    }
  }
}

/** `engine.aggregate` computed in JS from the engine's rows (the contract's semantics, including group order). */
export async function aggregateRows(engine: Engine, table: string, options: AggregateOptions): Promise<Row[]> {
  const groupBy = options.groupBy ?? [];
  const wanted = [...new Set([...groupBy, ...options.measures.flatMap((m) => (m.column === undefined ? [] : [m.column])), 'timestamp'])];
  const select = { where: options.where, columns: wanted };
  const rows: AsyncIterable<Row> | Row[] = engine.iterate ? engine.iterate(table, select) : await engine.select(table, select);
  const groups = new Map<string, { keys: CellValue[]; measures: Accumulator[] }>();
  const fresh = (keys: CellValue[]) => ({ keys, measures: options.measures.map(accumulator) });
  if (groupBy.length === 0) groups.set('[]', fresh([]));
  for await (const row of rows) {
    const keys = groupBy.map((c) => row[c] ?? null);
    const id = JSON.stringify(keys.map((k) => (k instanceof Uint8Array ? Buffer.from(k).toString('hex') : typeof k === 'bigint' ? `${k}n` : k)));
    let group = groups.get(id);
    if (group === undefined) groups.set(id, (group = fresh(keys)));
    const ts = String(row.timestamp ?? '');
    options.measures.forEach((m, i) => group.measures[i]!.add(m.column === undefined ? 0 : (row[m.column] ?? null), ts));
  }
  const sorted = [...groups.values()].sort((a, b) => {
    for (let i = 0; i < a.keys.length; i++) {
      const c = compareCells(a.keys[i]!, b.keys[i]!);
      if (c !== 0) return c;
    }
    return 0;
  });
  return sorted.map((group) => {
    const out: Row = {};
    groupBy.forEach((c, i) => (out[c] = group.keys[i]!));
    options.measures.forEach((m, i) => (out[m.as] = group.measures[i]!.result()));
    return out;
  });
}

/**
 * The `q` quantile (0..1, 0.5 = median) of a column's non-null numbers, computed the way numpy's
 * default does (linear interpolation between the two nearest ranks) from a count and one ordered
 * `select` of at most two rows, so the database does the sorting and nothing else is read.
 */
export async function quantile(engine: Engine, table: string, column: string, q: number, where: Where[] = []): Promise<number | null> {
  const present: Where[] = [...where, { column, op: 'is not null' }];
  const n = await engine.count(table, present);
  if (n === 0) return null;
  const position = (n - 1) * q;
  const below = Math.floor(position);
  const rows = await engine.select(table, { where: present, columns: [column], orderBy: [{ column }], offset: below, limit: 2 });
  const low = Number(rows[0]?.[column]);
  const high = rows[1] === undefined ? low : Number(rows[1][column]);
  return low + (high - low) * (position - below);
}
