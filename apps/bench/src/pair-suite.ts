import { interleave, makeFigure, type Measurement } from './measure.js';
import type { BenchOptions, Suite, Target, Unit } from './suite.js';

/** Ours and the baseline, ready to be measured alternately; each measurement resolves its timing. */
export interface Pair {
  ours: Measurement;
  raw: Measurement;
  /** Removes what `prepare` created. */
  dispose?(): void | Promise<void>;
}

export interface PairSuiteSpec {
  name: string;
  title: string;
  baseline: string;
  /** `rows/s` and `µs/call` are computed from the measured ms and the size. */
  unit: Extract<Unit, 'rows/s' | 'ms' | 'µs/call'>;
  target: Target;
  /** Rows (or calls) per measurement: full run and `--quick`. */
  size: { full: number; quick: number };
  /** Builds whatever both sides need (e.g. a file to read) and the two measurements. */
  prepare(options: BenchOptions, size: number): Pair | Promise<Pair>;
}

/**
 * A suite for the common case: one figure, ours against a baseline, both timed in milliseconds
 * for the same amount of work and converted to the figure's unit.
 */
export function pairSuite(spec: PairSuiteSpec): Suite {
  return {
    name: spec.name,
    async run(options) {
      const size = options.quick ? spec.size.quick : spec.size.full;
      options.log(`${spec.name}: ${size.toLocaleString('en-US')} per run, ${options.rounds} rounds`);
      const pair = await spec.prepare(options, size);
      try {
        const ms = await interleave(options.rounds, pair.ours, pair.raw);
        const convert = (value: number) => (spec.unit === 'rows/s' ? size / (value / 1000) : spec.unit === 'µs/call' ? (value * 1000) / size : value);
        const samples = {
          ours: ms.ours.map(convert),
          raw: ms.raw.map(convert),
          ...(ms.cpu ? { cpu: { ours: ms.cpu.ours.map(convert), raw: ms.cpu.raw.map(convert) } } : {}),
        };
        return [makeFigure({ name: spec.name, title: spec.title, unit: spec.unit, size, baseline: spec.baseline, target: spec.target, samples })];
      } finally {
        await pair.dispose?.();
      }
    },
  };
}
