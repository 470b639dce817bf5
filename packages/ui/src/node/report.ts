/**
 * `xt report`: one HTML file holding the page's code and the data it shows, bounded in size: at
 * most `maxRuns` runs, the first `maxRows` raw rows and `maxPoints` points per chart line per table
 * (longer lines are down-sampled), each limit stated in the page.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { Reader, XetrackError } from '@xetrack/core';
import { isNumericType } from './column-roles.js';
import { listAssets } from './assets.js';
import { compareView } from './compare-view.js';
import { pageHtml } from './page.js';
import { TableSource } from './table-source.js';
import type { ReportData, TableData } from '../common/types.js';

export interface ReportOptions {
  /** Tables to include (default: the reader's table). */
  tables?: string[];
  /** Only these runs (track ids). */
  runs?: string[];
  /** Only the runs matching this search (the runs search box's syntax: a where-tree as JSON or text). */
  search?: string;
  /** Only these metrics in run lines and charts (default: every metric). */
  metrics?: string[];
  /** Runs kept per table, oldest first (default 2,000). */
  maxRuns?: number;
  /** Raw rows kept per table for the Rows view (default 1,000). */
  maxRows?: number;
  /** Points per chart line; longer lines are down-sampled (default 200). */
  maxPoints?: number;
  /** The run the Compare view checks the others against (core's compare(), as `xt check`). */
  baseline?: string;
  /** Metric specs for those verdicts, as `xt check --metric` (default: every metric, direction guessed from its name). */
  checks?: string[];
  /** Runs whose comparison the report carries (default 200). */
  maxCompare?: number;
  /** The page's title (default: "xetrack report: <db>"). */
  title?: string;
  /** Where the data came from, shown in the page (default: the reader's path). */
  source?: string;
}

export const REPORT_DEFAULTS = { maxRuns: 2_000, maxRows: 1_000, maxPoints: 200, maxCompare: 200, bins: 30 } as const;

/** The data a report inlines, read from `reader`'s database. */
export async function reportData(reader: Reader, options: ReportOptions = {}): Promise<ReportData> {
  const maxRuns = options.maxRuns ?? REPORT_DEFAULTS.maxRuns;
  const maxRows = options.maxRows ?? REPORT_DEFAULTS.maxRows;
  const maxPoints = options.maxPoints ?? REPORT_DEFAULTS.maxPoints;
  const names = options.tables?.length ? options.tables : [reader.table];
  const tables: Record<string, TableData> = {};
  const dropped: Record<string, { rows: number; runs: number; sampledSeries: number }> = {};
  for (const name of names) {
    const tableReader = name === reader.table ? reader : await Reader.open(reader.path, { engine: reader.engine, table: name });
    const source = await TableSource.open(tableReader);
    const meta = source.meta();
    if (options.metrics) {
      const known = new Set(meta.columns.map((c) => c.name));
      const unknown = options.metrics.filter((m) => !known.has(m));
      if (unknown.length) throw new XetrackError('UNKNOWN_COLUMN', `No column ${unknown.join(', ')} in table ${name}: the columns are ${[...known].join(', ')}.`);
      meta.columns = meta.columns.map((c) => (c.role === 'metric' && !options.metrics!.includes(c.name) ? { ...c, role: 'other' as const } : c));
    }
    const metrics = meta.columns.filter((c) => c.role === 'metric').map((c) => c.name);
    let runs = source.runsPage(options.search ?? '').runs;
    if (options.runs) runs = runs.filter((r) => options.runs!.includes(r.track_id));
    const matchedRuns = runs.length;
    runs = runs.slice(0, maxRuns);
    const keep = new Set(metrics.concat(meta.columns.filter((c) => c.role === 'system' || c.name === 'function_time').map((c) => c.name)));
    for (const run of runs) for (const m of Object.keys(run.metrics)) if (!keep.has(m)) delete run.metrics[m];
    const ids = runs.length === meta.totalRuns ? undefined : runs.map((r) => r.track_id);
    const rows = await source.rowsPage(0, maxRows, ids);
    const series: TableData['series'] = {};
    let sampledSeries = 0;
    for (const metric of metrics) {
      series[metric] = await source.series(metric, ids ?? runs.map((r) => r.track_id), maxPoints);
      sampledSeries += series[metric]!.filter((s) => s.points > s.x.length).length;
    }
    const histograms: TableData['histograms'] = {};
    for (const column of meta.columns) {
      if (column.role !== 'key' && isNumericType(column.type)) histograms[column.name] = await source.histogram(column.name, REPORT_DEFAULTS.bins, ids);
    }
    const compared = runs.slice(0, options.maxCompare ?? REPORT_DEFAULTS.maxCompare).map((r) => r.track_id);
    if (options.baseline && !compared.includes(options.baseline)) {
      if (!runs.some((r) => r.track_id === options.baseline))
        throw new XetrackError('INVALID_ARGUMENT', `The baseline ${options.baseline} is not among the report's runs in table ${name}: name one listed by \`xt runs\`.`);
      compared.unshift(options.baseline);
    }
    const comparison = compared.length >= 2 ? await compareView(tableReader, compared, options.baseline ?? null, options.checks) : null;
    if (comparison?.problem && options.checks) throw new XetrackError('INVALID_ARGUMENT', comparison.problem);
    tables[name] = {
      meta: { ...meta, totalRuns: runs.length, totalRows: rows.total },
      runs,
      rows,
      series,
      histograms,
      timings: await source.timings(),
      system: await source.system(maxPoints * 5),
      assets: await listAssets(tableReader, false),
      comparison,
    };
    dropped[name] = { rows: Math.max(0, rows.total - rows.rows.length), runs: matchedRuns - runs.length, sampledSeries };
    if (tableReader !== reader) await tableReader.close();
  }
  return {
    meta: { source: options.source ?? reader.path, engine: reader.engine.name, tables: names, mode: 'report', generated: new Date().toISOString(), limits: { maxRows, maxPoints, maxRuns, dropped } },
    tables,
  };
}

/** The report's HTML: one self-contained page. */
export async function renderReport(reader: Reader, options: ReportOptions = {}): Promise<string> {
  const data = await reportData(reader, options);
  return pageHtml({ title: options.title ?? `xetrack report: ${data.meta.source}`, data });
}

/**
 * Writes the report to `file` (through a temporary file renamed into place, so a failure never
 * leaves half a report); resolves its size in bytes.
 */
export async function writeReport(reader: Reader, file: string, options: ReportOptions = {}): Promise<number> {
  const html = await renderReport(reader, options);
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, html);
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new XetrackError('INVALID_ARGUMENT', `Could not write the report to ${file}: ${(error as Error).message}. Check that the folder exists and is writable.`, { cause: error });
  }
  return Buffer.byteLength(html);
}
