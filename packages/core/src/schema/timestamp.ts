/**
 * Timestamps in Python xetrack's format, local time with microseconds
 * (`YYYY-MM-DD HH:MM:SS.ffffff`), strictly increasing within the process: two rows of one run never
 * share a primary key because of the clock.
 */

let lastMicros = 0;
let cachedSecond = -1;
let cachedPrefix = '';

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** Microseconds since the epoch, from the monotonic high-resolution clock. */
function nowMicros(): number {
  return Math.floor((performance.timeOrigin + performance.now()) * 1000);
}

/** The next timestamp as microseconds since the epoch: now, or one past the last one handed out. */
export function nextMicros(): number {
  const now = nowMicros();
  lastMicros = now > lastMicros ? now : lastMicros + 1;
  return lastMicros;
}

/** Reserves `count` consecutive microsecond timestamps (one clock read) and returns the first. */
export function reserveMicros(count: number): number {
  const first = nextMicros();
  lastMicros = first + count - 1;
  return first;
}

/** Makes every later timestamp greater than `micros` (used after a key collision with another writer). */
export function advancePast(micros: number): void {
  if (micros >= lastMicros) lastMicros = micros;
}

/** The text form of a microsecond time, in local time. */
export function formatMicros(micros: number): string {
  const second = Math.floor(micros / 1_000_000);
  if (second !== cachedSecond) {
    const d = new Date(second * 1000);
    cachedPrefix = `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}.`;
    cachedSecond = second;
  }
  return cachedPrefix + String(micros - second * 1_000_000).padStart(6, '0');
}

/** The next timestamp text. */
export function nextTimestamp(): string {
  return formatMicros(nextMicros());
}

/** Microseconds since the epoch of a timestamp text (local time); NaN when it is not one. */
export function parseTimestamp(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?/.exec(text);
  if (!m) return Number.NaN;
  const ms = new Date(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!).getTime();
  return ms * 1000 + Number((m[7] ?? '0').padEnd(6, '0'));
}
