/**
 * The statistics behind noise-aware comparisons, in plain TypeScript (no dependencies):
 * Mann-Whitney U with the normal approximation (tie and continuity corrections, as
 * `scipy.stats.mannwhitneyu(x, y, method='asymptotic')`), Cliff's delta, the Hodges-Lehmann shift
 * and a percentile bootstrap interval driven by a seeded generator, so a result is reproducible.
 */

/** Values sorted ascending (a copy). */
export function sorted(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
}

/** The median of values sorted ascending; NaN when empty. */
function medianOfSorted(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const mid = n >> 1;
  return n % 2 === 1 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
}

/**
 * The median of `values`, reordering them (Hoare's quickselect: linear time on average, where a
 * sort is n log n; the bootstrap takes thousands of medians).
 */
export function medianInPlace(values: Float64Array): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const upper = select(values, n >> 1);
  if (n % 2 === 1) return upper;
  let lower = -Infinity;
  for (let i = 0; i < n >> 1; i++) if (values[i]! > lower) lower = values[i]!; // the largest of the lower half
  return (lower + upper) / 2;
}

/** Moves the k-th smallest value to index k (smaller before it, larger after) and returns it. */
function select(values: Float64Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i] = values[j]!;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k]!;
  }
  return values[k]!;
}

/** The median (the mean of the two middle values for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  return medianOfSorted(sorted(values));
}

/** The arithmetic mean; NaN when empty. */
export function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return values.length === 0 ? Number.NaN : sum / values.length;
}

/** The `q` quantile (0..1) of values sorted ascending, interpolating linearly (numpy's default). */
export function quantileOfSorted(values: ArrayLike<number>, q: number): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const at = (n - 1) * q;
  const low = Math.floor(at);
  const high = Math.min(n - 1, low + 1);
  return values[low]! + (values[high]! - values[low]!) * (at - low);
}

/**
 * The complementary error function, from W. J. Cody's rational approximations (as in most C
 * libraries): relative error below 1e-15 over the whole line, so p-values match scipy's.
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const ax = Math.abs(x);
  let result: number;
  if (ax < 0.5) {
    const t = x * x;
    const top = (((0.185777706184603153 * t + 3.1611237438705656) * t + 113.864154151050156) * t + 377.485237685302021) * t + 3209.37758913846947;
    const bottom = (((t + 23.6012909523441209) * t + 244.024637934444173) * t + 1282.61652607737228) * t + 2844.23683343917062;
    return 1 - (x * top) / bottom;
  } else if (ax < 4) {
    const top =
      (((((((2.15311535474403846e-8 * ax + 0.564188496988670089) * ax + 8.88314979438837594) * ax + 66.1191906371416295) * ax + 298.635138197400131) * ax + 881.95222124176909) * ax +
        1712.04761263407058) *
        ax +
        2051.07837782607147) *
        ax +
      1230.33935479799725;
    const bottom =
      (((((((ax + 15.7449261107098347) * ax + 117.693950891312499) * ax + 537.181101862009858) * ax + 1621.38957456669019) * ax + 3290.79923573345963) * ax + 4362.61909014324716) * ax +
        3439.36767414372164) *
        ax +
      1230.33935480374942;
    result = Math.exp(-ax * ax) * (top / bottom);
  } else {
    const z = 1 / (ax * ax);
    const top = ((((0.0163153871373020978 * z + 0.305326634961232344) * z + 0.360344899949804439) * z + 0.125781726111229246) * z + 0.0160837851487422766) * z + 6.58749161529837803e-4;
    const bottom = ((((z + 2.56852019228982242) * z + 1.87295284992346725) * z + 0.527905102951428412) * z + 0.0605183413124413191) * z + 2.33520497626869185e-3;
    result = (Math.exp(-ax * ax) / ax) * (1 / Math.sqrt(Math.PI) - (z * top) / bottom);
  }
  return x < 0 ? 2 - result : result;
}

/** P(Z > z) for a standard normal Z. */
export function normalSurvival(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

export interface MannWhitneyResult {
  /** U of the first sample: the number of pairs (x, y) with x > y, ties counting one half. */
  u: number;
  /** The standardized statistic, with the continuity correction (0 when every value ties). */
  z: number;
  /** Two-sided p-value from the normal approximation; 1 when every value ties. */
  pValue: number;
}

/**
 * The Mann-Whitney U test of two independent samples, two-sided, by the normal approximation with
 * the tie correction of the variance and a continuity correction of 0.5. Gives the same U and
 * p-value as `scipy.stats.mannwhitneyu(x, y, method='asymptotic')`.
 */
export function mannWhitneyU(x: readonly number[], y: readonly number[]): MannWhitneyResult {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) return { u: Number.NaN, z: Number.NaN, pValue: Number.NaN };
  const all = [...x.map((v) => ({ v, first: true })), ...y.map((v) => ({ v, first: false }))].sort((a, b) => a.v - b.v);
  const n = n1 + n2;
  let rankSumX = 0;
  let tieTerm = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && all[j + 1]!.v === all[i]!.v) j++;
    const rank = (i + j) / 2 + 1; // ranks are 1-based; ties share their mean rank
    const t = j - i + 1;
    tieTerm += t * t * t - t;
    for (let k = i; k <= j; k++) if (all[k]!.first) rankSumX += rank;
    i = j + 1;
  }
  const u = rankSumX - (n1 * (n1 + 1)) / 2;
  const mu = (n1 * n2) / 2;
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  if (sigma === 0 || Number.isNaN(sigma)) return { u, z: 0, pValue: 1 };
  const uMax = Math.max(u, n1 * n2 - u);
  const z = (uMax - mu - 0.5) / sigma;
  return { u, z, pValue: Math.min(1, 2 * normalSurvival(z)) };
}

/**
 * Cliff's delta of `y` against `x`: P(y > x) - P(y < x) over all pairs, from -1 (every y smaller)
 * to 1 (every y larger). A rank effect size: |d| < 0.147 negligible, < 0.33 small, < 0.474 medium,
 * else large (Romano et al., 2006).
 */
export function cliffsDelta(x: readonly number[], y: readonly number[]): number {
  if (x.length === 0 || y.length === 0) return Number.NaN;
  const xs = sorted(x);
  let more = 0;
  let less = 0;
  for (const v of y) {
    more += lowerBound(xs, v); // x values below v
    less += xs.length - upperBound(xs, v); // x values above v
  }
  return (more - less) / (x.length * y.length);
}

/** The magnitude label of a Cliff's delta (Romano et al., 2006). */
export function cliffsMagnitude(delta: number): 'negligible' | 'small' | 'medium' | 'large' {
  const d = Math.abs(delta);
  return d < 0.147 ? 'negligible' : d < 0.33 ? 'small' : d < 0.474 ? 'medium' : 'large';
}

/** Index of the first element >= v. */
function lowerBound(values: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first element > v. */
function upperBound(values: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Pairs above which the Hodges-Lehmann estimate uses a seeded sample of pairs instead of all. */
const MAX_PAIRS = 1_000_000;

/**
 * The Hodges-Lehmann estimate of the shift from `x` to `y`: the median of every difference
 * `y[j] - x[i]` (a seeded sample of a million pairs when there are more), robust to outliers.
 */
export function hodgesLehmannShift(x: readonly number[], y: readonly number[], seed = 1): number {
  if (x.length === 0 || y.length === 0) return Number.NaN;
  const pairs = x.length * y.length;
  if (pairs <= MAX_PAIRS) {
    const differences = new Float64Array(pairs);
    let k = 0;
    for (const b of y) for (const a of x) differences[k++] = b - a;
    return medianInPlace(differences);
  }
  const random = seededRandom(seed);
  const differences = new Float64Array(MAX_PAIRS);
  for (let k = 0; k < MAX_PAIRS; k++) differences[k] = y[Math.floor(random() * y.length)]! - x[Math.floor(random() * x.length)]!;
  return medianInPlace(differences);
}

/** mulberry32: a small, fast 32-bit generator; the same seed gives the same sequence everywhere. */
export function seededRandom(seed: number): () => number {
  let state = seed | 0; // int32: the same bits as mulberry32's uint32 state, without boxing
  return () => mulberry32((state = (state + MULBERRY32_STEP) | 0));
}

/** mulberry32 advances its state by this constant (mod 2^32) before each output. */
const MULBERRY32_STEP = 0x6d2b79f5;

/**
 * mulberry32's output for an (already advanced) state, a number in [0, 1). A pure function of the
 * state, so a hot loop keeps the state in a local int32 (no boxed number per draw) and gets the
 * same sequence as `seededRandom`.
 */
function mulberry32(state: number): number {
  let t = Math.imul(state ^ (state >>> 15), state | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

export interface BootstrapOptions {
  /** Two-sided confidence of the interval, e.g. 0.95. */
  confidence: number;
  /** Resamples drawn (default 2000). */
  resamples?: number;
  /** Seed of the generator (default 42): the same inputs and seed give the same interval. */
  seed?: number;
}

export interface BootstrapInterval {
  /** `ratio`: median(y) / median(x); `difference`: median(y) - median(x). */
  of: 'ratio' | 'difference';
  estimate: number;
  low: number;
  high: number;
  confidence: number;
  resamples: number;
  seed: number;
}

/**
 * A percentile bootstrap interval of the ratio of medians median(y)/median(x) when every value is
 * positive (timings, sizes), else of their difference: both samples are resampled with replacement
 * `resamples` times from a seeded generator (Efron & Tibshirani, 1993, ch. 13).
 */
export function bootstrapMedianInterval(x: readonly number[], y: readonly number[], options: BootstrapOptions): BootstrapInterval {
  const resamples = options.resamples ?? 2000;
  const seed = options.seed ?? 42;
  const of = x.every((v) => v > 0) && y.every((v) => v > 0) ? 'ratio' : 'difference';
  const statistic = (mx: number, my: number) => (of === 'ratio' ? my / mx : my - mx);
  const bx = new ResampleMedian(x);
  const by = new ResampleMedian(y);
  const draws = new Float64Array(resamples);
  const generator = { state: seed | 0 }; // seededRandom(seed)'s sequence, shared by both samples in turn
  for (let r = 0; r < resamples; r++) draws[r] = statistic(bx.draw(generator), by.draw(generator));
  draws.sort();
  const alpha = 1 - options.confidence;
  return {
    of,
    estimate: statistic(median(x), median(y)),
    low: quantileOfSorted(draws, alpha / 2),
    high: quantileOfSorted(draws, 1 - alpha / 2),
    confidence: options.confidence,
    resamples,
    seed,
  };
}

/**
 * The median of one resample with replacement of `values`, without building or reordering the
 * resample: each draw counts at the drawn value's rank in the sorted values, and the median is read
 * walking those counts. Same draws and same median as resampling then sorting, in linear time with
 * no swaps (the bootstrap takes thousands of these).
 */
class ResampleMedian {
  private readonly sorted: Float64Array;
  /** rank[i]: the position of values[i] in `sorted` (ties get distinct positions). */
  private readonly rank: Int32Array;
  private readonly counts: Int32Array;

  constructor(values: readonly number[]) {
    const order = Array.from(values.keys()).sort((a, b) => values[a]! - values[b]! || a - b);
    this.sorted = Float64Array.from(order, (i) => values[i]!);
    this.rank = new Int32Array(values.length);
    order.forEach((i, position) => (this.rank[i] = position));
    this.counts = new Int32Array(values.length);
  }

  /** The median of one resample drawn from `generator` (a mulberry32 state, advanced here). */
  draw(generator: { state: number }): number {
    const { rank, counts } = this;
    const n = rank.length;
    if (n === 0) return Number.NaN;
    counts.fill(0);
    let state = generator.state;
    for (let i = 0; i < n; i++) {
      state = (state + MULBERRY32_STEP) | 0;
      counts[rank[(mulberry32(state) * n) | 0]!]!++; // in [0, n): truncation is Math.floor
    }
    generator.state = state;
    return this.medianOfCounts(n);
  }

  /** The median of the counted draws, walking the counts in rank order. */
  private medianOfCounts(n: number): number {
    const { sorted, counts } = this;
    // the k-th smallest drawn value (0-based): the first position whose running count passes k
    const k = n >> 1;
    let position = 0;
    let seen = counts[0]!;
    if (n % 2 === 1) {
      while (seen <= k) seen += counts[++position]!;
      return sorted[position]!;
    }
    // an even count: the mean of the (k-1)-th, where the running count first reaches k, and the k-th
    while (seen < k) seen += counts[++position]!;
    const lower = sorted[position]!;
    while (seen <= k) seen += counts[++position]!;
    return (lower + sorted[position]!) / 2;
  }
}
