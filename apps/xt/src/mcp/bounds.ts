/**
 * Every result of `xt mcp` is bounded, so one tool call cannot flood an agent's context: at most
 * `maxRows` rows and `maxBytes` bytes of JSON, and no text cell longer than `maxCellChars`. What
 * is cut is said (`truncated: true`, a `next` offset, a hint), never silently dropped.
 */

export interface Limits {
  /** Most rows (runs, diff lines, groups) one result holds. */
  maxRows: number;
  /** Most bytes of JSON one result's text holds. */
  maxBytes: number;
  /** Longest text (or base64 blob) one cell shows before it is clipped. */
  maxCellChars: number;
}

/** What the envelope of a result (its keys, offsets, hint) may take besides its list. */
const ENVELOPE_BYTES = 1024;

/** A plain JSON value: bigints as numbers (as text beyond 2^53), blobs as base64, NaN and infinities as null. */
export function jsonSafe(value: unknown): unknown {
  return clipped(value, Infinity).value;
}

/**
 * `value` as plain JSON with every string (and base64 blob) longer than `maxChars` cut to that
 * length plus `…`; `clips` counts the values cut.
 */
export function clipped(value: unknown, maxChars: number): { value: unknown; clips: number } {
  let clips = 0;
  const clip = (text: string): string => {
    if (text.length <= maxChars) return text;
    clips++;
    return `${text.slice(0, maxChars)}…`;
  };
  const walk = (v: unknown): unknown => {
    if (v === null || v === undefined) return null;
    switch (typeof v) {
      case 'number':
        return Number.isFinite(v) ? v : null;
      case 'bigint':
        return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
      case 'string':
        return clip(v);
      case 'boolean':
        return v;
      case 'object':
        break;
      default:
        return null;
    }
    if (v instanceof Uint8Array) return clip(Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64'));
    if (Array.isArray(v)) return v.map(walk);
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, walk(x)]));
  };
  const out = walk(value);
  return { value: out, clips };
}

export interface Fitted<T> {
  /** The leading items that fit. */
  items: T[];
  /** Items were left out (over `maxRows` or the byte budget). */
  cut: boolean;
  /** Cells clipped to `maxCellChars`. */
  clips: number;
}

/**
 * The longest prefix of `items` (made JSON-safe, long cells clipped) that fits `maxRows` and the
 * byte budget left after `envelope` (the rest of the result). An item alone over the budget is
 * left out too: the result says so rather than breaking its bound.
 */
export function fitList(items: readonly unknown[], limits: Limits, envelope: unknown = {}): Fitted<unknown> {
  let budget = limits.maxBytes - ENVELOPE_BYTES - Buffer.byteLength(JSON.stringify(jsonSafe(envelope)));
  const out: unknown[] = [];
  let clips = 0;
  for (const item of items) {
    if (out.length >= limits.maxRows) break;
    const safe = clipped(item, limits.maxCellChars);
    const bytes = Buffer.byteLength(JSON.stringify(safe.value)) + 1;
    if (bytes > budget) break;
    budget -= bytes;
    out.push(safe.value);
    clips += safe.clips;
  }
  return { items: out, cut: out.length < items.length, clips };
}

/** One page of a longer list: its items, the offset of the next page (null on the last), whether more exist. */
export interface Page {
  items: unknown[];
  /** Pass as `offset` to get the following items; null when none follow. */
  next: number | null;
  /** More items exist than this page holds. */
  truncated: boolean;
  clippedCells: number;
}

/**
 * The page starting at `offset`, from `window`: the items from `offset` on, at least `limit + 1`
 * of them when more exist (so "more" is known without a count). It ends early when the byte
 * budget is spent; `next` then points just after its last item, so pages never skip or repeat.
 */
export function page(window: readonly unknown[], offset: number, limit: number, limits: Limits, envelope?: unknown): Page {
  const fitted = fitList(window.slice(0, Math.min(limit, limits.maxRows)), limits, envelope);
  const more = window.length > fitted.items.length;
  return { items: fitted.items, next: more ? offset + fitted.items.length : null, truncated: more, clippedCells: fitted.clips };
}
