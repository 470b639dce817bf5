import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { suites } from '../src/registry.js';
import type { Figure } from '../src/suite.js';

const run = promisify(execFile);
const APP = fileURLToPath(new URL('..', import.meta.url));

/** The SQLite figures of the first benchmark issue; a suite dropped from the registry fails here. */
const EXPECTED = ['sqlite.log-single', 'sqlite.log-burst', 'sqlite.log-batch', 'sqlite.track', 'sqlite.to-rows', 'sqlite.iterate-memory'];

interface BenchDocument {
  benchmark: string;
  quick: boolean;
  figures: Figure[];
  errors: string[];
}

/** The median, worked out independently of the harness's own `median`. */
function middle(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const half = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[half]! : (sorted[half - 1]! + sorted[half]!) / 2;
}

function judge(value: number, op: '>=' | '<=' | '<', limit: number): boolean {
  return op === '>=' ? value >= limit : op === '<=' ? value <= limit : value < limit;
}

// The harness end to end: whether targets pass depends on the machine and is not asserted, but every
// figure must follow from its own samples (a swapped or self-compared ratio fails here).
describe('pnpm bench --quick --json', () => {
  let document: BenchDocument;

  beforeAll(async () => {
    // `pnpm bench` runs `tsx src/main.ts`; the same, without pnpm in between.
    const { stdout } = await run(process.execPath, ['--import', import.meta.resolve('tsx'), 'src/main.ts', '--', '--quick', '--json'], {
      cwd: APP,
      maxBuffer: 16 << 20,
    });
    document = JSON.parse(stdout) as BenchDocument;
  }, 0); // several child processes: no wall-clock limit

  it('prints one JSON document for a quick run, without errors', () => {
    expect(document.benchmark).toBe('xetrack-ts');
    expect(document.quick).toBe(true);
    expect(document.errors).toEqual([]);
  });

  it('has every figure the issue asks for, and one from every registered suite', () => {
    const names = document.figures.map((f) => f.name);
    for (const name of EXPECTED) expect(names).toContain(name);
    for (const suite of suites)
      expect(
        names.some((n) => n === suite.name || n.startsWith(`${suite.name}.`)),
        suite.name,
      ).toBe(true);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(EXPECTED)('%s has positive numbers for ours, raw and their ratio', (name) => {
    const figure = document.figures.find((f) => f.name === name)!;
    for (const value of [figure.ours, figure.raw, figure.ratio, figure.pairedRatio, figure.size, figure.target.value]) {
      expect(Number.isFinite(value) && value > 0, `${name}: ${JSON.stringify(figure)}`).toBe(true);
    }
    expect(figure.samples.ours.length).toBeGreaterThan(0);
    expect(figure.samples.ours).toHaveLength(figure.samples.raw.length);
    // Every summary number is what the document's own samples say (worked out here, not by the harness).
    expect(figure.ours, `${name}: ours is the median of its samples`).toBeCloseTo(middle(figure.samples.ours), 9);
    expect(figure.raw, `${name}: raw is the median of its samples`).toBeCloseTo(middle(figure.samples.raw), 9);
    expect(figure.ratio, `${name}: ratio is ours over raw, not raw over ours`).toBeCloseTo(middle(figure.samples.ours) / middle(figure.samples.raw), 9);
    expect(figure.pairedRatio, `${name}: pairedRatio pairs round i of ours with round i of raw`).toBeCloseTo(middle(figure.samples.ours.map((value, i) => value / figure.samples.raw[i]!)), 9);
    expect(figure.pass, `${name}: pass judges ${figure.target.of} ${figure.target.op} ${figure.target.value}`).toBe(
      judge(figure.target.of === 'ratio' ? figure.ratio : figure.ours, figure.target.op, figure.target.value),
    );
    expect(['rows/s', 'ms', 'µs/call', 'MB']).toContain(figure.unit);
    if (figure.unit !== 'MB') {
      // timed figures also carry the CPU-time view of the same samples
      expect(figure.cpu, name).toBeDefined();
      for (const value of [figure.cpu!.ours, figure.cpu!.raw, figure.cpu!.ratio]) expect(Number.isFinite(value) && value > 0, name).toBe(true);
      expect(figure.cpu!.ratio, `${name}: CPU ratio from its samples`).toBeCloseTo(middle(figure.cpu!.samples.ours) / middle(figure.cpu!.samples.raw), 9);
    }
  });
});
