import { allowedChange, type Direction, type Tolerance } from './metric-spec.js';
import { bootstrapMedianInterval, cliffsDelta, cliffsMagnitude, hodgesLehmannShift, mannWhitneyU, median, sorted, type BootstrapInterval } from './statistics.js';

/**
 * The outcome for one metric: `regressed` / `improved` (worse / better by more than the tolerance),
 * `unchanged` (within it), `inconclusive` (the samples cannot tell: no significant change, but one
 * larger than the tolerance is not ruled out), `missing` (a side has no value).
 */
export type Verdict = 'regressed' | 'improved' | 'unchanged' | 'inconclusive' | 'missing';

/** Worst first: the overall verdict of several is the first of these that occurs. */
export const VERDICT_ORDER: readonly Verdict[] = ['regressed', 'missing', 'inconclusive', 'improved', 'unchanged'];

export interface VerdictOptions {
  direction: Direction;
  tolerance?: Tolerance | undefined;
  /** Confidence of the test and interval (default 0.95). */
  confidence?: number;
  /** Samples each side needs before the statistical test is used (default 3). */
  minSamples?: number;
  /** Bootstrap resamples (default 2000) and seed (default 42). */
  resamples?: number;
  seed?: number;
}

/** The statistical evidence behind a verdict, present when both sides had enough samples. */
export interface TestResult {
  /** Mann-Whitney U of the candidate's samples against the baseline's. */
  u: number;
  z: number;
  pValue: number;
  confidence: number;
  /** Cliff's delta of candidate against baseline (positive: candidate larger), and its magnitude. */
  cliffsDelta: number;
  magnitude: 'negligible' | 'small' | 'medium' | 'large';
  /** Hodges-Lehmann estimate of the shift candidate - baseline, and relative to the baseline's median. */
  hodgesLehmann: { shift: number; relative: number | null };
  /** Bootstrap interval of median(candidate)/median(baseline) (or their difference). */
  interval: BootstrapInterval;
  /** The same interval as a change in the metric's unit: [low, high] of candidate - baseline. */
  change: { low: number; high: number };
}

export interface VerdictResult {
  verdict: Verdict;
  /** `threshold` (one value per side, or too few samples) or `mann-whitney-u+bootstrap`. */
  method: 'threshold' | 'mann-whitney-u+bootstrap';
  /** The change allowed by the tolerance, in the metric's unit. */
  allowed: number;
  test?: TestResult;
  /** One sentence saying why. */
  reason: string;
}

const fmt = (x: number) => Number(x.toPrecision(4)).toString();

/**
 * Decides one metric from the baseline's and the candidate's samples (each at least one value).
 *
 * With fewer than `minSamples` on a side, the medians are compared against the tolerance. Otherwise
 * (noise-aware): with p < 1 - confidence from the Mann-Whitney U test, the Hodges-Lehmann shift
 * decides (worse by more than the tolerance: regressed; better: improved; else unchanged); without
 * significance, the change is `unchanged` when the bootstrap interval's worse end stays within the
 * tolerance, and `inconclusive` when it reaches past it.
 */
export function decideVerdict(baseline: readonly number[], candidate: readonly number[], options: VerdictOptions): VerdictResult {
  const confidence = options.confidence ?? 0.95;
  const base = median(baseline);
  const cand = median(candidate);
  const allowed = allowedChange(options.tolerance, base);
  // positive = worse, in the metric's unit
  const worse = (change: number) => (options.direction === 'higher' ? -change : change);
  // beyond the allowance by more than float rounding: 0.9 -> 0.89 is a change of exactly 0.01
  const slack = 1e-9 * Math.max(Math.abs(base), Math.abs(cand), allowed);
  const beyond = (amount: number) => amount > allowed + slack;
  const minSamples = options.minSamples ?? 3;
  if (baseline.length < minSamples || candidate.length < minSamples) {
    const change = cand - base;
    const verdict = beyond(worse(change)) ? 'regressed' : beyond(-worse(change)) ? 'improved' : 'unchanged';
    const within = verdict === 'unchanged' ? 'within' : 'beyond';
    return { verdict, method: 'threshold', allowed, reason: `changed by ${fmt(change)}, ${within} the allowed ${fmt(allowed)}` };
  }

  const mw = mannWhitneyU(candidate, baseline);
  const shift = hodgesLehmannShift(baseline, candidate, options.seed ?? 42);
  const interval = bootstrapMedianInterval(baseline, candidate, { confidence, resamples: options.resamples, seed: options.seed });
  const change = interval.of === 'ratio' ? { low: (interval.low - 1) * base, high: (interval.high - 1) * base } : { low: interval.low, high: interval.high };
  const delta = cliffsDelta(baseline, candidate);
  const test: TestResult = {
    u: mw.u,
    z: mw.z,
    pValue: mw.pValue,
    confidence,
    cliffsDelta: delta,
    magnitude: cliffsMagnitude(delta),
    hodgesLehmann: { shift, relative: base === 0 ? null : shift / Math.abs(base) },
    interval,
    change,
  };
  const significant = mw.pValue < 1 - confidence;
  const p = `p=${fmt(mw.pValue)}`;
  if (significant) {
    const verdict = beyond(worse(shift)) ? 'regressed' : beyond(-worse(shift)) ? 'improved' : 'unchanged';
    const within = verdict === 'unchanged' ? 'within' : 'beyond';
    return { verdict, method: 'mann-whitney-u+bootstrap', allowed, test, reason: `significant (${p}): shift ${fmt(shift)} is ${within} the allowed ${fmt(allowed)}` };
  }
  const worstEnd = Math.max(worse(change.low), worse(change.high));
  const pct = `${Math.round(confidence * 100)}%`;
  if (!beyond(worstEnd)) {
    return { verdict: 'unchanged', method: 'mann-whitney-u+bootstrap', allowed, test, reason: `no significant change (${p}); the ${pct} interval stays within the allowed ${fmt(allowed)}` };
  }
  return {
    verdict: 'inconclusive',
    method: 'mann-whitney-u+bootstrap',
    allowed,
    test,
    reason: `no significant change (${p}), but the ${pct} interval reaches ${fmt(worstEnd)} worse, past the allowed ${fmt(allowed)}: more samples would settle it`,
  };
}

/** The worst of several verdicts (`unchanged` for none). */
export function worstVerdict(verdicts: Iterable<Verdict>): Verdict {
  let worst = VERDICT_ORDER.length - 1;
  for (const v of verdicts) worst = Math.min(worst, VERDICT_ORDER.indexOf(v));
  return VERDICT_ORDER[worst]!;
}

/** Summary numbers of one side's samples. */
export interface SampleSummary {
  n: number;
  /** The side's value: its single sample, or the median of several. */
  value: number;
  mean: number;
  min: number;
  max: number;
}

export function summarize(values: readonly number[]): SampleSummary {
  const s = sorted(values);
  let sum = 0;
  for (const v of s) sum += v;
  return { n: s.length, value: median(values), mean: sum / s.length, min: s[0]!, max: s[s.length - 1]! };
}
