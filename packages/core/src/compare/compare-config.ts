import { XetrackError } from '../errors.js';
import type { CompareOptions } from './compare.js';
import { parseAggregate, parseDirection, parseMetricSpec, parseTolerance, type MetricSpec, type Tolerance } from './metric-spec.js';
import type { SideSelector } from './side-selector.js';

/** A comparison as a checked-in JSON file holds it (every field optional; flags may add the rest). */
export interface CompareConfig extends Partial<CompareOptions> {
  /** The table to read (default `default`). */
  table?: string;
}

const KEYS = ['table', 'baseline', 'candidate', 'metrics', 'groupBy', 'confidence', 'minSamples', 'resamples', 'seed'];

/**
 * Checks a parsed comparison config (the JSON of `xt check --config`) and returns it with metric
 * objects normalized. A metric is `"NAME:DIRECTION[:TOLERANCE[:AGGREGATE]]"` or
 * `{ "name", "direction", "tolerance"?: "5%" | 0.01 | "0.01+5%", "aggregate"? }`; a side is
 * selector text (`"branch=main"`) or a selector object. `where` names the file for messages.
 */
export function parseCompareConfig(value: unknown, where = 'the config'): CompareConfig {
  const fail = (what: string) => new XetrackError('INVALID_ARGUMENT', `${where}: ${what}`);
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw fail('must be a JSON object such as {"baseline": "branch=main", "candidate": "latest", "metrics": ["acc:higher:0.01"]}.');
  const raw = value as Record<string, unknown>;
  const unknown = Object.keys(raw).filter((k) => !KEYS.includes(k));
  if (unknown.length > 0) throw fail(`unknown key ${JSON.stringify(unknown[0])}; the keys are ${KEYS.join(', ')}.`);
  const config: CompareConfig = {};
  if (raw.table !== undefined) config.table = text(raw.table, 'table', fail);
  for (const side of ['baseline', 'candidate'] as const) {
    const given = raw[side];
    if (given === undefined) continue;
    if (typeof given === 'string') config[side] = given;
    else if (typeof given === 'object' && given !== null && !Array.isArray(given)) config[side] = given as SideSelector;
    else throw fail(`"${side}" must be selector text (e.g. "commit:abc123") or a selector object.`);
  }
  if (raw.metrics !== undefined) {
    if (!Array.isArray(raw.metrics)) throw fail('"metrics" must be a list.');
    config.metrics = raw.metrics.map((m, i) => metric(m, i, fail));
  }
  if (raw.groupBy !== undefined) {
    const list = typeof raw.groupBy === 'string' ? [raw.groupBy] : raw.groupBy;
    if (!Array.isArray(list) || !list.every((g) => typeof g === 'string')) throw fail('"groupBy" must be a column name or a list of them.');
    config.groupBy = list as string[];
  }
  for (const key of ['confidence', 'minSamples', 'resamples', 'seed'] as const) {
    const v = raw[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw fail(`"${key}" must be a number.`);
    config[key] = v;
  }
  return config;
}

function text(value: unknown, key: string, fail: (what: string) => XetrackError): string {
  if (typeof value !== 'string' || value === '') throw fail(`"${key}" must be a non-empty string.`);
  return value;
}

function metric(value: unknown, index: number, fail: (what: string) => XetrackError): MetricSpec {
  if (typeof value === 'string') return parseMetricSpec(value);
  if (typeof value !== 'object' || value === null) throw fail(`metrics[${index}] must be "NAME:DIRECTION[:TOLERANCE[:AGGREGATE]]" or an object with name and direction.`);
  const m = value as Record<string, unknown>;
  const name = text(m.name, `metrics[${index}].name`, fail);
  const spec: MetricSpec = { name, direction: parseDirection(text(m.direction, `metrics[${index}].direction`, fail), name) };
  if (m.tolerance !== undefined) spec.tolerance = tolerance(m.tolerance, name, fail);
  if (m.aggregate !== undefined) spec.aggregate = parseAggregate(text(m.aggregate, `metrics[${index}].aggregate`, fail), name);
  return spec;
}

function tolerance(value: unknown, name: string, fail: (what: string) => XetrackError): Tolerance {
  if (typeof value === 'number') return parseTolerance(String(value), name);
  if (typeof value === 'string') return parseTolerance(value, name);
  if (typeof value === 'object' && value !== null) {
    const t = value as Record<string, unknown>;
    const out: Tolerance = {};
    for (const key of ['absolute', 'relative'] as const) {
      if (t[key] === undefined) continue;
      if (typeof t[key] !== 'number' || !(t[key] >= 0)) throw fail(`the tolerance of "${name}" needs a non-negative number as ${key}.`);
      out[key] = t[key];
    }
    return out;
  }
  throw fail(`the tolerance of "${name}" must be "5%", 0.01, "0.01+5%" or {"absolute": 0.01, "relative": 0.05}.`);
}
