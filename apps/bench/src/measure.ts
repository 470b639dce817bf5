import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Figure, Target, Unit } from './suite.js';

/**
 * Wall-clock and CPU time of one timed region. The verdicts use wall-clock time; CPU time (user +
 * system, all threads of the process) is reported beside it because on a shared, loaded machine it
 * is the steadier measure of the work each side does.
 */
export interface Timing {
  ms: number;
  cpuMs: number;
}

/** Times `work`: wall-clock (high-resolution clock) and CPU time. */
export async function timeMs(work: () => unknown): Promise<Timing> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await work();
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000 };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Resident set size in MB. */
export function rssMb(): number {
  return process.memoryUsage.rss() / (1024 * 1024);
}

let gcFunction: (() => void) | undefined;

/**
 * A full garbage collection between measurements, so one side does not pay for the other's
 * garbage. Works without `--expose-gc` (the flag is switched on at run time).
 */
export function collectGarbage(): void {
  if (gcFunction === undefined) {
    setFlagsFromString('--expose-gc');
    gcFunction = runInNewContext('gc') as () => void;
  }
  gcFunction();
}

/** One measurement of one side: the timing of its timed part only, or a plain value (e.g. MB). */
export type Measurement = () => Promise<Timing | number>;

/** Paired samples of both sides; `cpu` when the measurements were timings. */
export interface Samples {
  ours: number[];
  raw: number[];
  cpu?: { ours: number[]; raw: number[] };
}

/**
 * Runs `ours` and `raw` alternately: a discarded warm-up round (JIT, page cache) unless `warmup`
 * is false, then `rounds` measured rounds, swapping which side goes first each round so neither always runs on a
 * warmer (or more fragmented) process.
 */
export async function interleave(rounds: number, ours: Measurement, raw: Measurement, { warmup = true }: { warmup?: boolean } = {}): Promise<Samples> {
  const samples = { ours: [] as number[], raw: [] as number[] };
  const cpu = { ours: [] as number[], raw: [] as number[] };
  for (let round = warmup ? -1 : 0; round < rounds; round++) {
    const order: ['ours' | 'raw', Measurement][] =
      round % 2 === 0
        ? [
            ['ours', ours],
            ['raw', raw],
          ]
        : [
            ['raw', raw],
            ['ours', ours],
          ];
    for (const [side, measure] of order) {
      collectGarbage();
      const result = await measure();
      if (round < 0) continue;
      samples[side].push(typeof result === 'number' ? result : result.ms);
      if (typeof result !== 'number') cpu[side].push(result.cpuMs);
    }
  }
  return cpu.ours.length === samples.ours.length && cpu.ours.length > 0 ? { ...samples, cpu } : samples;
}

/** rows/s of `rows` rows done in `ms` milliseconds. */
export function rowsPerSecond(rows: number, ms: number): number {
  return rows / (ms / 1000);
}

/** True when `value` meets `target`. */
export function meets(value: number, target: Target): boolean {
  if (!Number.isFinite(value)) return false;
  if (target.op === '>=') return value >= target.value;
  if (target.op === '<=') return value <= target.value;
  return value < target.value;
}

export interface FigureInput {
  name: string;
  title: string;
  unit: Unit;
  size: number;
  baseline: string;
  target: Target;
  samples: Samples;
  extra?: Record<string, number | string>;
}

/** A figure from paired samples: medians, ratios and the verdict (on the wall-clock samples). */
export function makeFigure(input: FigureInput): Figure {
  const ours = median(input.samples.ours);
  const raw = median(input.samples.raw);
  const ratio = ours / raw;
  const paired = input.samples.ours.map((value, i) => value / input.samples.raw[i]!);
  const judged = input.target.of === 'ratio' ? ratio : ours;
  return {
    name: input.name,
    title: input.title,
    unit: input.unit,
    size: input.size,
    ours,
    raw,
    baseline: input.baseline,
    ratio,
    pairedRatio: median(paired),
    target: input.target,
    pass: meets(judged, input.target),
    samples: { ours: input.samples.ours, raw: input.samples.raw },
    ...(input.samples.cpu ? { cpu: cpuFigure(input.samples.cpu) } : {}),
    ...(input.extra ? { extra: input.extra } : {}),
  };
}

function cpuFigure(cpu: { ours: number[]; raw: number[] }): NonNullable<Figure['cpu']> {
  const ours = median(cpu.ours);
  const raw = median(cpu.raw);
  return { ours, raw, ratio: ours / raw, samples: cpu };
}
