/**
 * The shape every benchmark suite has. A suite measures one figure: our code path and a raw
 * baseline doing the same work, interleaved in the same process run, so machine noise hits both.
 * New engines or features (DuckDB, PostgreSQL, cache hits, CLI) are new suites in `registry.ts`.
 */

/** Options every suite receives. */
export interface BenchOptions {
  /** Smaller sizes and fewer rounds: a smoke run that checks the harness, not the numbers. */
  quick: boolean;
  /** Measured rounds per side (after one discarded warm-up round). */
  rounds: number;
  /** Scratch directory for this run's database files; removed afterwards. */
  tmpDir: string;
  /** Progress messages go here (stderr), so `--json` output stays a single document. */
  log(message: string): void;
}

/** How a figure is judged. `of: 'ratio'` compares ours/raw; `of: 'ours'` compares our value alone. */
export interface Target {
  of: 'ratio' | 'ours';
  op: '>=' | '<=' | '<';
  value: number;
}

/** `rows/s` is better higher; `ms`, `µs/call` and `MB` are better lower. */
export type Unit = 'rows/s' | 'ms' | 'µs/call' | 'MB';

/** One measured figure, as printed in the table and the JSON document. */
export interface Figure {
  /** Stable id, e.g. `sqlite.log-single` (what `--only` matches). */
  name: string;
  /** What is measured, in a few words. */
  title: string;
  unit: Unit;
  /** Rows (or calls) per measured run. */
  size: number;
  /** Median of our samples. */
  ours: number;
  /** Median of the baseline's samples. */
  raw: number;
  /** What the baseline is, e.g. `better-sqlite3 autocommit INSERT`. */
  baseline: string;
  /** ours / raw (medians). Above 1 is better for rows/s, worse for the other units. */
  ratio: number;
  /** Median of the per-round ours/raw ratios (rounds are paired, so drift cancels). */
  pairedRatio: number;
  target: Target;
  pass: boolean;
  samples: { ours: number[]; raw: number[] };
  /**
   * The same figure from CPU time (user + system) instead of wall-clock time, in the same unit,
   * when the suite measured timings. Steadier than wall-clock on a loaded machine; not judged.
   */
  cpu?: { ours: number; raw: number; ratio: number; samples: { ours: number[]; raw: number[] } };
  /** Anything else worth seeing (e.g. rows/s of a memory figure). */
  extra?: Record<string, number | string>;
}

/** A benchmark: a name (matched by `--only`) and a run that returns its figures. */
export interface Suite {
  name: string;
  run(options: BenchOptions): Promise<Figure[]>;
}
