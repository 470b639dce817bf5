/** Field values as monitors return them. */
export type Fields = Record<string, number>;

/**
 * Sums and counts per field, so each field's average is its own sum over its own sample count: a
 * field missing from some samples (a GPU read that failed once) is not diluted by them.
 */
export class Averager {
  private readonly sums = new Map<string, number>();
  private readonly counts = new Map<string, number>();
  /** Samples added. */
  samples = 0;

  add(fields: Fields): void {
    this.samples++;
    for (const [key, value] of Object.entries(fields)) {
      if (!Number.isFinite(value)) continue;
      this.sums.set(key, (this.sums.get(key) ?? 0) + value);
      this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    }
  }

  /** Each field's mean (sum / count), rounded to `digits` decimals; fields never seen are left out. */
  average(digits = 3): Fields {
    const out: Fields = {};
    for (const [key, sum] of this.sums) out[key] = round(sum / this.counts.get(key)!, digits);
    return out;
  }
}

/** A single sample's fields, rounded as averages are. */
export function roundFields(fields: Fields, digits = 3): Fields {
  const out: Fields = {};
  for (const [key, value] of Object.entries(fields)) if (Number.isFinite(value)) out[key] = round(value, digits);
  return out;
}

export function round(value: number, digits = 3): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
