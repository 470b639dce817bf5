/**
 * The data the browser shows, as it crosses from Node to the page: inlined in a report, or answered
 * by the dashboard's server. Plain JSON only (no bigint, no bytes), so both ways carry the same shapes.
 */

/** A cell as the page sees it: bigints become numbers or text, bytes a short description. */
export type Cell = string | number | boolean | null;

/** What a column holds, which decides where the page shows it. */
export type ColumnRole = 'key' | 'step' | 'param' | 'metric' | 'system' | 'call' | 'other';

export interface ColumnInfo {
  name: string;
  /** The column's logical type (integer, float, text, boolean, blob, json). */
  type: string;
  role: ColumnRole;
}

export interface TableMeta {
  table: string;
  columns: ColumnInfo[];
  /** The column used as the x axis of metric charts (`step`, `epoch`…), or null: the row's index in its run. */
  stepColumn: string | null;
  totalRows: number;
  totalRuns: number;
  /** The newest timestamp read: a live page asks for rows newer than this. */
  cursor: string;
}

export interface Meta {
  /** The database location (a URL without its password). */
  source: string;
  engine: string;
  tables: string[];
  mode: 'report' | 'live';
  /** When the page's data was read (ISO time). */
  generated: string;
  /** Report only: what was left out to keep the file small, said on the page. */
  limits?: ReportLimits;
}

export interface ReportLimits {
  maxRows: number;
  maxPoints: number;
  maxRuns: number;
  /** Per table: rows, runs and series points that did not fit. */
  dropped: Record<string, { rows: number; runs: number; sampledSeries: number }>;
}

/** A metric within one run (core's `runs()`): its last value and its best (the least for `loss`-like names, else the greatest). */
export interface MetricSummary {
  last: number | null;
  best: number | null;
}

/** One line of the runs table. */
export interface RunInfo {
  track_id: string;
  rows: number;
  first: string;
  last: string;
  /** Columns with one value on every row of the run (core's `runs()`). */
  params: Record<string, Cell>;
  metrics: Record<string, MetricSummary>;
}

export interface RunsPage {
  runs: RunInfo[];
  /** Runs matching the search, before paging. */
  total: number;
}

export interface RowsPage {
  columns: string[];
  rows: Cell[][];
  offset: number;
  /** Rows matching, before paging. */
  total: number;
}

/** A metric over steps for one run; `points` is how many rows it had before down-sampling. */
export interface Series {
  track_id: string;
  metric: string;
  x: number[];
  y: (number | null)[];
  points: number;
}

export interface Histogram {
  column: string;
  /** Left edges of the bins, then the right edge of the last: `counts.length + 1` values. */
  edges: number[];
  counts: number[];
}

/** Timings of one tracked function (rows with a `function_name`). */
export interface FunctionTiming {
  function_name: string;
  calls: number;
  errors: number;
  mean: number;
  min: number;
  max: number;
  total: number;
}

/** System metrics of tracked calls over time (seconds since the first call). */
export interface SystemSeries {
  columns: string[];
  /** x (seconds), then one array per column. */
  x: number[];
  values: (number | null)[][];
  points: number;
}

export interface AssetInfo {
  hash: string;
  serializer: string;
  bytes: number;
  count: number;
  columns: string[];
  created: string;
  /** The page can download it (the dashboard serves it; a report never carries asset bytes). */
  downloadable: boolean;
}

/** One line of a comparison: a column across the compared runs (from core's `diffRuns`). */
export interface CompareLine {
  /** `param`: the same on every row of each run; `metric`: changes within a run (its last value shown). */
  kind: 'param' | 'metric';
  name: string;
  /** One value per compared run, in `runs` order. */
  values: Cell[];
  differs: boolean;
  /** Against the first run (the baseline when one is chosen): candidate − baseline, and that over |baseline|. */
  delta?: (number | null)[];
  relative?: (number | null)[];
  /** core `compare()`'s verdict per run against the baseline (`regressed`, `improved`, `unchanged`…). */
  verdict?: (string | null)[];
}

export interface Comparison {
  /** The compared runs, the baseline first when there is one. */
  runs: string[];
  baseline: string | null;
  lines: CompareLine[];
  /** The metric specs the verdicts used (`loss:lower`, `acc:higher:0.01`, as `xt check --metric`). */
  checks: string[];
  /** The worst verdict of any metric of any run (core's order: regressed, missing, inconclusive, improved, unchanged). */
  verdict?: string;
  /** Why the comparison could not be made (too few runs, a bad metric spec). */
  problem?: string;
}

/** Everything a report carries for one table. */
export interface TableData {
  meta: TableMeta;
  runs: RunInfo[];
  rows: RowsPage;
  /** metric → series of every run in the report (down-sampled). */
  series: Record<string, Series[]>;
  /** numeric column → histogram over the report's rows. */
  histograms: Record<string, Histogram>;
  /** Every compared run's columns, computed when the report was written (the browser cannot query). */
  comparison: Comparison | null;
  timings: FunctionTiming[];
  system: SystemSeries;
  assets: AssetInfo[];
}

export interface ReportData {
  meta: Meta;
  tables: Record<string, TableData>;
}

/** New rows since the page's cursor, sent by the dashboard's event stream. */
export interface RowsEvent {
  table: string;
  columns: string[];
  rows: Cell[][];
  /** The newest timestamp sent: the page's next cursor. */
  cursor: string;
}
