import type { CellValue, ColumnSpec, Engine } from '../engine/contract.js';
import { XetrackError } from '../errors.js';
import { parseMetricSpec, toleranceText, type Aggregate, type Direction, type MetricSpec, type Tolerance } from './metric-spec.js';
import { keyPart, sideQuery, unknownColumn, type GroupRun, type MetricRequest, type RunAggregate, type SideQuery } from './side-query.js';
import { describeSelector, parseSideSelector, type Condition, type SideSelector } from './side-selector.js';
import { decideVerdict, summarize, VERDICT_ORDER, worstVerdict, type SampleSummary, type TestResult, type Verdict, type VerdictResult } from './verdict.js';

/** What `compare()` reads: a `Reader` (or anything with an engine and a table name). */
export interface ComparisonSource {
  readonly engine: Engine;
  readonly table: string;
}

export interface CompareOptions {
  /** The side compared against: a selector, or its command-line text (`commit:abc123`, `latest`). */
  baseline: SideSelector | string;
  /** The side under test. */
  candidate: SideSelector | string;
  /** The metrics, as objects or `NAME:DIRECTION[:TOLERANCE[:AGGREGATE]]` text. */
  metrics: (MetricSpec | string)[];
  /** Columns (params) whose values split both sides into groups, each compared on its own. */
  groupBy?: string[];
  /** Confidence of the statistical test and interval (default 0.95). */
  confidence?: number;
  /** Samples each side needs for the statistical test (default 3); fewer compare medians. */
  minSamples?: number;
  /** Bootstrap resamples (default 2000). */
  resamples?: number;
  /** Bootstrap seed (default 42): the same data and seed give the same result. */
  seed?: number;
}

/** One side as it was resolved. */
export interface SideResult {
  selector: SideSelector;
  /** The selector as text, for tables. */
  label: string;
  /** The runs whose rows were used, oldest first. */
  runs: string[];
  /** Rows those runs have within the selection. */
  rows: number;
}

/** A number as JSON carries it: finite, or null. */
export type JsonNumber = number | null;

export interface MetricComparison {
  metric: string;
  direction: Direction;
  tolerance: Tolerance;
  /** The tolerance as written: `5%`, `0.01`, `0.01+5%`, `0`. */
  toleranceText: string;
  aggregate: Aggregate;
  /** Summary of each side's samples; null when the side has no value in this group. */
  baseline: SampleSummary | null;
  candidate: SampleSummary | null;
  /** candidate - baseline (of the medians), and that change relative to |baseline| (null at 0). */
  delta: { absolute: number; relative: JsonNumber } | null;
  verdict: Verdict;
  method: VerdictResult['method'] | 'none';
  /** The change the tolerance allows, in the metric's unit. */
  allowed: JsonNumber;
  /** Present when the statistical test ran. */
  test?: TestResult;
  reason: string;
}

export interface GroupComparison {
  /** The group's values of the `groupBy` columns (`{}` without groupBy). */
  key: Record<string, CellValue>;
  /** `model=mlp, dataset=iris`, or `all` without groupBy. */
  label: string;
  verdict: Verdict;
  metrics: MetricComparison[];
}

/** The result of `compare()`: plain data, safe to `JSON.stringify`. */
export interface CompareResult {
  table: string;
  engine: string;
  baseline: SideResult;
  candidate: SideResult;
  groupBy: string[];
  confidence: number;
  groups: GroupComparison[];
  /** The worst verdict of any metric in any group. */
  verdict: Verdict;
  /** How many metric comparisons ended with each verdict. */
  counts: Record<Verdict, number>;
}

interface SideData {
  result: SideResult;
  /** Each group's values (by group key). */
  groups: Map<string, CellValue[]>;
  /** Per metric (in request order), its samples per group key. */
  samples: Map<string, number[]>[];
}

/**
 * Compares two sides of a tracking table metric by metric, per group, with a verdict for each:
 * aggregation runs in the database, the verdict is a threshold test for single values and a
 * Mann-Whitney U test with a bootstrap interval when both sides have several samples. Errors
 * (XetrackError): UNKNOWN_COLUMN for a metric, group or selector column the table lacks;
 * INVALID_ARGUMENT for a bad spec or a metric that is not numeric; EMPTY_SELECTION for a side
 * without rows or a metric without values on a side.
 */
export async function compare(source: ComparisonSource, options: CompareOptions): Promise<CompareResult> {
  const confidence = options.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) throw new XetrackError('INVALID_ARGUMENT', `confidence must be between 0 and 1 (e.g. 0.95), not ${String(options.confidence)}.`);
  const specs = options.metrics.map((m) => (typeof m === 'string' ? parseMetricSpec(m) : m));
  if (specs.length === 0) throw new XetrackError('INVALID_ARGUMENT', 'Name at least one metric to compare, e.g. acc:higher:0.01.');
  const columns = await source.engine.describe(source.table);
  if (columns.length === 0) throw new XetrackError('UNKNOWN_TABLE', `No table "${source.table}" in ${source.engine.location}.`);
  const resolve = columnResolver(source.table, columns);

  const groupBy = (options.groupBy ?? []).map((g) => resolve(g, 'group-by').name);
  const metrics = specs.map((spec) => {
    const column = resolve(spec.name, 'metric');
    if (column.type !== 'integer' && column.type !== 'float') {
      throw new XetrackError('INVALID_ARGUMENT', `Metric "${column.name}" holds ${column.type} values, not numbers: compare a numeric column.`);
    }
    return { ...spec, name: column.name, aggregate: spec.aggregate ?? 'last', tolerance: spec.tolerance ?? {} };
  });

  const query = sideQuery(source.engine, source.table);
  const requests = metrics.map((m) => ({ column: m.name, aggregate: m.aggregate }));
  const baseline = await resolveSide(query, 'baseline', options.baseline, groupBy, requests, resolve, source.table);
  const candidate = await resolveSide(query, 'candidate', options.candidate, groupBy, requests, resolve, source.table);

  const groupKeys = new Map([...baseline.groups, ...candidate.groups]);
  const orderedKeys = [...groupKeys.keys()].sort();
  const comparisons = new Map<string, MetricComparison[]>(orderedKeys.map((k) => [k, []]));
  metrics.forEach((metric, i) => {
    for (const [name, side] of [
      ['baseline', baseline],
      ['candidate', candidate],
    ] as const) {
      if (side.samples[i]!.size === 0) {
        throw new XetrackError('EMPTY_SELECTION', `Metric "${metric.name}" has no values in the ${name} (${side.result.label}): check the metric name and the selector.`);
      }
    }
    for (const key of orderedKeys) {
      comparisons.get(key)!.push(compareMetric(metric, baseline.samples[i]!.get(key), candidate.samples[i]!.get(key), { ...options, confidence }));
    }
  });

  const counts = Object.fromEntries(VERDICT_ORDER.map((v) => [v, 0])) as Record<Verdict, number>;
  const groups: GroupComparison[] = orderedKeys.map((key) => {
    const group = groupKeys.get(key)!;
    const metricsOfGroup = comparisons.get(key)!;
    for (const m of metricsOfGroup) counts[m.verdict]++;
    const keyObject = Object.fromEntries(groupBy.map((g, i) => [g, jsonCell(group[i] ?? null)]));
    const label = groupBy.length === 0 ? 'all' : groupBy.map((g, i) => `${g}=${String(jsonCell(group[i] ?? null))}`).join(', ');
    return { key: keyObject, label, verdict: worstVerdict(metricsOfGroup.map((m) => m.verdict)), metrics: metricsOfGroup };
  });

  return {
    table: source.table,
    engine: source.engine.name,
    baseline: baseline.result,
    candidate: candidate.result,
    groupBy,
    confidence,
    groups,
    verdict: worstVerdict(groups.map((g) => g.verdict)),
    counts,
  };
}

type Resolve = (name: string, what: string) => ColumnSpec;

/** Finds a column by its exact name, else case-insensitively; UNKNOWN_COLUMN naming `what` it was for. */
function columnResolver(table: string, columns: ColumnSpec[]): Resolve {
  return (name, what) => {
    const found = columns.find((c) => c.name === name) ?? columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
    if (!found)
      throw unknownColumn(
        name,
        table,
        columns.map((c) => c.name),
        what,
      );
    return found;
  };
}

/** A selector's conditions, each on a real column with its value typed for the column. */
function selectorConditions(selector: SideSelector, resolve: Resolve): Condition[] {
  const conditions: Condition[] = [];
  if (selector.runs !== undefined) conditions.push({ column: 'track_id', op: 'in', value: selector.runs.map(String) });
  if (selector.commit !== undefined) {
    const column = resolve('git_commit_hash', 'the commit of commit:SHA; runs are stamped with it when logged with gitRoot');
    conditions.push({ column: column.name, op: 'like', value: `${selector.commit.replaceAll('%', '').replaceAll('_', '')}%` });
  }
  for (const [key, value] of Object.entries(selector.params ?? {})) {
    const column = resolve(key, 'a param of the selector');
    conditions.push({ column: column.name, op: '=', value: typedValue(value, column) });
  }
  for (const condition of selector.where ?? []) {
    const column = resolve(condition.column, 'a condition of the selector');
    const value = Array.isArray(condition.value)
      ? condition.value.map((v) => typedValue(v, column))
      : condition.value === undefined
        ? undefined
        : condition.op === 'like'
          ? String(condition.value)
          : typedValue(condition.value, column);
    conditions.push({ column: column.name, op: condition.op, ...(value === undefined ? {} : { value }) });
  }
  return conditions;
}

/** `value` as the column's type holds it, so every database compares like with like. */
function typedValue(value: CellValue, column: ColumnSpec): CellValue {
  if (value === null) return null;
  if (column.type === 'text' || column.type === 'json') return typeof value === 'string' ? value : String(value);
  if (column.type === 'integer' || column.type === 'float') {
    const n = typeof value === 'number' || typeof value === 'bigint' ? value : Number(value);
    if (typeof n === 'number' && !Number.isFinite(n)) throw new XetrackError('INVALID_ARGUMENT', `Column "${column.name}" holds numbers: ${JSON.stringify(String(value))} is not one.`);
    return n;
  }
  if (column.type === 'boolean') {
    if (value === true || value === 'true' || value === 1) return true;
    if (value === false || value === 'false' || value === 0) return false;
    throw new XetrackError('INVALID_ARGUMENT', `Column "${column.name}" holds booleans: use true or false, not ${JSON.stringify(String(value))}.`);
  }
  return value;
}

const groupKeyOf = (group: CellValue[]) => JSON.stringify(group.map(keyPart));

/**
 * Finds a side's runs per group, applies `pick`, and aggregates each metric per run (one pass over
 * the side's rows; with `pick`, a pass to find the runs, then one over the picked runs only).
 * EMPTY_SELECTION when nothing matches.
 */
async function resolveSide(query: SideQuery, name: string, given: SideSelector | string, groupBy: string[], metrics: MetricRequest[], resolve: Resolve, table: string): Promise<SideData> {
  const selector = typeof given === 'string' ? parseSideSelector(given) : given;
  const label = describeSelector(selector);
  const conditions = selectorConditions(selector, resolve);
  const empty = () => new XetrackError('EMPTY_SELECTION', `The ${name} (${label}) matches no rows in table "${table}": check the selector.`);
  let runs: RunAggregate[];
  if (selector.pick) {
    const found = await query.runs(conditions, groupBy);
    if (found.length === 0) throw empty();
    const chosen = new Set(pickRuns(found, selector.pick).map((r) => groupKeyOf(r.group) + r.trackId));
    if (chosen.size === 0)
      throw new XetrackError('EMPTY_SELECTION', `The ${name} (${label}) matches a single run${groupBy.length > 0 ? ' per group' : ''} in table "${table}": there is no previous run to compare.`);
    const ids = [...new Set(found.filter((r) => chosen.has(groupKeyOf(r.group) + r.trackId)).map((r) => r.trackId))];
    runs = (await query.aggregate([...conditions, { column: 'track_id', op: 'in', value: ids }], groupBy, metrics)).filter((r) => chosen.has(groupKeyOf(r.group) + r.trackId));
  } else {
    runs = await query.aggregate(conditions, groupBy, metrics);
    if (runs.length === 0) throw empty();
  }
  runs.sort((a, b) => (a.last < b.last ? -1 : a.last > b.last ? 1 : 0)); // oldest first
  const groups = new Map<string, CellValue[]>();
  const samples = metrics.map(() => new Map<string, number[]>());
  for (const run of runs) {
    const key = groupKeyOf(run.group);
    groups.set(key, run.group);
    run.values.forEach((values, i) => {
      if (values === undefined) return;
      const list = samples[i]!.get(key);
      if (list) list.push(...values);
      else samples[i]!.set(key, [...values]);
    });
  }
  return {
    result: { selector, label, runs: [...new Set(runs.map((r) => r.trackId))], rows: runs.reduce((sum, r) => sum + r.rows, 0) },
    groups,
    samples,
  };
}

/** The runs `pick` keeps in each group: its newest (`latest`) or the one before (`previous`). */
function pickRuns(runs: GroupRun[], pick: 'latest' | 'previous'): GroupRun[] {
  const byGroup = new Map<string, GroupRun[]>();
  for (const run of runs) {
    const key = groupKeyOf(run.group);
    const list = byGroup.get(key);
    if (list) list.push(run);
    else byGroup.set(key, [run]);
  }
  return [...byGroup.values()].flatMap((list) => {
    list.sort((a, b) => (a.last < b.last ? -1 : a.last > b.last ? 1 : 0));
    return pick === 'latest' ? list.slice(-1) : list.slice(-2, -1);
  });
}

type ResolvedMetric = MetricSpec & { aggregate: Aggregate; tolerance: Tolerance };

function compareMetric(metric: ResolvedMetric, base: number[] | undefined, cand: number[] | undefined, options: CompareOptions & { confidence: number }): MetricComparison {
  const common = { metric: metric.name, direction: metric.direction, tolerance: metric.tolerance, toleranceText: toleranceText(metric.tolerance), aggregate: metric.aggregate };
  if (!base || !cand) {
    const missing = !base ? 'baseline' : 'candidate';
    return {
      ...common,
      baseline: base ? summarize(base) : null,
      candidate: cand ? summarize(cand) : null,
      delta: null,
      verdict: 'missing',
      method: 'none',
      allowed: null,
      reason: `no value in the ${missing} for this group`,
    };
  }
  const decided = decideVerdict(base, cand, {
    direction: metric.direction,
    tolerance: metric.tolerance,
    confidence: options.confidence,
    minSamples: options.minSamples,
    resamples: options.resamples,
    seed: options.seed,
  });
  const baseline = summarize(base);
  const candidate = summarize(cand);
  const absolute = candidate.value - baseline.value;
  return {
    ...common,
    baseline,
    candidate,
    delta: { absolute, relative: baseline.value === 0 ? null : absolute / Math.abs(baseline.value) },
    verdict: decided.verdict,
    method: decided.method,
    allowed: decided.allowed,
    ...(decided.test ? { test: decided.test } : {}),
    reason: decided.reason,
  };
}

/** A group value as JSON carries it: bigints within 2^53 as numbers, beyond as text; bytes as base64. */
function jsonCell(value: CellValue): CellValue {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return value;
}
