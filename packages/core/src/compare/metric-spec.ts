import { XetrackError } from '../errors.js';

/** Which way is better for a metric. */
export type Direction = 'higher' | 'lower';

/**
 * How the rows of one run become that run's value of a metric: `last`/`first` row (by timestamp),
 * `mean`, `median`, `min`, `max`; or `samples`: every row is a sample of its own (repeated benchmark
 * rows, as `xt import` writes). The default `last` is the single value of a metric logged once per
 * run, and the final value of one logged every step.
 */
export type Aggregate = 'last' | 'first' | 'mean' | 'median' | 'min' | 'max' | 'samples';

export const AGGREGATES: readonly Aggregate[] = ['last', 'first', 'mean', 'median', 'min', 'max', 'samples'];

/**
 * How much worse a metric may get before it counts as a regression (and better before it counts as
 * an improvement). With both, the larger allowance applies: a change counts only when it exceeds
 * both.
 */
export interface Tolerance {
  /** In the metric's own unit, e.g. 0.01 accuracy. */
  absolute?: number;
  /** A fraction of the baseline's value, e.g. 0.05 for 5%. */
  relative?: number;
}

export interface MetricSpec {
  /** The column holding the metric. */
  name: string;
  direction: Direction;
  tolerance?: Tolerance;
  /** Default `last`. */
  aggregate?: Aggregate;
}

/**
 * Parses `NAME:DIRECTION[:TOLERANCE[:AGGREGATE]]`, e.g. `acc:higher:0.01`, `latency_ms:lower:5%`,
 * `time_ms:lower:2+5%:samples` (absolute 2 or 5%, whichever allows more), `loss:lower::min`.
 */
export function parseMetricSpec(text: string): MetricSpec {
  const parts = text.split(':');
  const [name = '', direction = '', tolerance = '', aggregate = ''] = parts;
  const example = 'e.g. acc:higher:0.01, latency_ms:lower:5% or time_ms:lower:5%:samples';
  if (parts.length > 4 || name.trim() === '') {
    throw new XetrackError('INVALID_ARGUMENT', `Metric ${JSON.stringify(text)} is not NAME:DIRECTION[:TOLERANCE[:AGGREGATE]] (${example}).`);
  }
  const spec: MetricSpec = { name: name.trim(), direction: parseDirection(direction, text) };
  if (tolerance.trim() !== '') spec.tolerance = parseTolerance(tolerance, text);
  if (aggregate.trim() !== '') spec.aggregate = parseAggregate(aggregate.trim(), text);
  return spec;
}

export function parseDirection(text: string, context = text): Direction {
  const word = text.trim().toLowerCase();
  if (word === 'higher' || word === 'max' || word === 'up') return 'higher';
  if (word === 'lower' || word === 'min' || word === 'down') return 'lower';
  throw new XetrackError('INVALID_ARGUMENT', `Metric ${JSON.stringify(context)}: the direction must be "higher" or "lower" (which way is better), not ${JSON.stringify(text)}.`);
}

export function parseAggregate(text: string, context = text): Aggregate {
  if ((AGGREGATES as readonly string[]).includes(text)) return text as Aggregate;
  throw new XetrackError('INVALID_ARGUMENT', `Metric ${JSON.stringify(context)}: the aggregate must be one of ${AGGREGATES.join(', ')}, not ${JSON.stringify(text)}.`);
}

/** Parses `0.01` (absolute), `5%` (relative) or both joined with `+` (`0.01+5%`). */
export function parseTolerance(text: string, context = text): Tolerance {
  const tolerance: Tolerance = {};
  for (const raw of text.split('+')) {
    const part = raw.trim();
    const relative = part.endsWith('%');
    const number = Number(relative ? part.slice(0, -1) : part);
    if (part === '' || part === '%' || !Number.isFinite(number) || number < 0) {
      throw new XetrackError(
        'INVALID_ARGUMENT',
        `Metric ${JSON.stringify(context)}: the tolerance must be a non-negative number (absolute, e.g. 0.01), a percentage (relative, e.g. 5%), or both joined with + (0.01+5%), not ${JSON.stringify(text)}.`,
      );
    }
    if (relative) tolerance.relative = number / 100;
    else tolerance.absolute = number;
  }
  return tolerance;
}

/** The change a metric may make before it counts, in the metric's unit, for a baseline value. */
export function allowedChange(tolerance: Tolerance | undefined, baseline: number): number {
  return Math.max(tolerance?.absolute ?? 0, (tolerance?.relative ?? 0) * Math.abs(baseline));
}

/** `5%`, `0.01`, `0.01+5%`, or `0` without a tolerance: the spec as a user writes it. */
export function toleranceText(tolerance: Tolerance | undefined): string {
  const parts: string[] = [];
  if (tolerance?.absolute !== undefined) parts.push(String(tolerance.absolute));
  if (tolerance?.relative !== undefined) parts.push(`${Number((tolerance.relative * 100).toPrecision(12))}%`);
  return parts.length === 0 ? '0' : parts.join('+');
}
