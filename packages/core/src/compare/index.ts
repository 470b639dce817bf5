/** Comparing runs: `compare()` (two sides, tolerances, noise-aware verdicts) and `diffRuns()`. */
export { compare, type CompareOptions, type CompareResult, type ComparisonSource, type GroupComparison, type JsonNumber, type MetricComparison, type SideResult } from './compare.js';
export { parseCompareConfig, type CompareConfig } from './compare-config.js';
export { diffRuns, type DiffOptions, type DiffResult, type DiffRow } from './diff-runs.js';
export { AGGREGATES, allowedChange, parseMetricSpec, parseTolerance, toleranceText, type Aggregate, type Direction, type MetricSpec, type Tolerance } from './metric-spec.js';
export { describeSelector, parseSideSelector, type Condition, type SideSelector } from './side-selector.js';
export {
  bootstrapMedianInterval,
  cliffsDelta,
  cliffsMagnitude,
  hodgesLehmannShift,
  mannWhitneyU,
  median,
  normalSurvival,
  seededRandom,
  type BootstrapInterval,
  type BootstrapOptions,
  type MannWhitneyResult,
} from './statistics.js';
export { decideVerdict, VERDICT_ORDER, worstVerdict, type SampleSummary, type TestResult, type Verdict, type VerdictOptions, type VerdictResult } from './verdict.js';
