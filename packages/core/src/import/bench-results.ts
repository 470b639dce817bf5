import { createHash } from 'node:crypto';
import { XetrackError } from '../errors.js';

/** The benchmark tools whose result files `parseBenchResults` reads. */
export type BenchTool = 'vitest' | 'tinybench' | 'mitata' | 'hyperfine';

/**
 * One row to log. Every row has `tool`, `group` (null when the tool has none) and `bench`. A
 * benchmark's summary row (`kind: 'summary'`) holds its statistics in milliseconds; each recorded
 * sample is a row of its own (`kind: 'sample'`, `sample` index, `time_ms`).
 */
export type BenchRow = Record<string, string | number | null>;

export interface BenchResults {
  tool: BenchTool;
  /** How many benchmarks the file holds. */
  benchmarks: number;
  rows: BenchRow[];
  /** A run id derived from the file's bytes: the same file always gets the same id. */
  trackId: string;
}

/**
 * Reads the results of a JS benchmark tool from a file's text, whichever it is:
 *
 * | tool | file | samples |
 * | --- | --- | --- |
 * | vitest | `vitest bench --outputJson FILE` | none (vitest leaves them out) |
 * | tinybench | `JSON.stringify(bench.tasks.map(({ name, result }) => ({ name, result })))` | `latency.samples` with `retainSamples: true` |
 * | mitata | `run({ format: 'json' })` | `stats.samples` (ns per iteration) |
 * | hyperfine | `hyperfine --export-json FILE` | `times` (seconds per run) |
 *
 * Times become milliseconds. A file that is not JSON or matches none of these is INVALID_ARGUMENT
 * naming what was expected; nothing is returned in part.
 */
export function parseBenchResults(text: string, file = 'the file'): BenchResults {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new XetrackError(
      'INVALID_ARGUMENT',
      `${file} is not JSON (${(error as Error).message}): give the JSON a benchmark tool wrote (vitest bench --outputJson, tinybench, mitata format json, hyperfine --export-json).`,
    );
  }
  const fail = (what: string) => new XetrackError('INVALID_ARGUMENT', `${file}: ${what}`);
  const rows = readRows(data, fail);
  const tool = rows.tool;
  const benchmarks = new Set(rows.rows.map((r) => `${String(r.group)}\u0000${String(r.bench)}`)).size;
  if (benchmarks === 0) throw fail(`holds no benchmark results (a ${tool} file without benchmarks).`);
  const trackId = `${tool}-${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
  return { tool, benchmarks, rows: rows.rows, trackId };
}

type Fail = (what: string) => XetrackError;
type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function readRows(data: unknown, fail: Fail): { tool: BenchTool; rows: BenchRow[] } {
  if (isObject(data) && Array.isArray(data.results)) return { tool: 'hyperfine', rows: hyperfine(data.results, fail) };
  if (isObject(data) && Array.isArray(data.files)) return { tool: 'vitest', rows: vitest(data.files, fail) };
  if (isObject(data) && Array.isArray(data.benchmarks) && Array.isArray(data.layout)) return { tool: 'mitata', rows: mitata(data, fail) };
  if (Array.isArray(data) && data.every((t) => isObject(t) && 'name' in t && 'result' in t)) return { tool: 'tinybench', rows: tinybench(data as Json[], fail) };
  throw fail(
    'is not a result file of vitest bench (an object with "files"), tinybench (a list of {name, result}), mitata (an object with "benchmarks" and "layout") or hyperfine (an object with "results").',
  );
}

/** A number field, checked; `scale` converts to milliseconds. */
function num(value: unknown, what: string, fail: Fail, scale = 1): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw fail(`${what} must be a number, not ${JSON.stringify(value) ?? 'nothing'}.`);
  return value * scale;
}

function optionalNum(value: unknown, scale = 1): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value * scale : null;
}

function str(value: unknown, what: string, fail: Fail): string {
  if (typeof value !== 'string' || value === '') throw fail(`${what} must be a non-empty string.`);
  return value;
}

/** The summary row, then one row per sample. */
function benchRows(base: BenchRow, summary: BenchRow, samples: number[]): BenchRow[] {
  return [
    { ...base, kind: 'summary', ...summary, samples: samples.length > 0 ? samples.length : (summary.samples ?? null) },
    ...samples.map((time_ms, sample) => ({ ...base, kind: 'sample', sample, time_ms })),
  ];
}

function vitest(files: unknown[], fail: Fail): BenchRow[] {
  const rows: BenchRow[] = [];
  files.forEach((f, i) => {
    if (!isObject(f) || !Array.isArray(f.groups)) throw fail(`files[${i}] has no "groups" list (is this vitest bench --outputJson output?).`);
    f.groups.forEach((g, j) => {
      if (!isObject(g) || !Array.isArray(g.benchmarks)) throw fail(`files[${i}].groups[${j}] has no "benchmarks" list.`);
      const fullName = str(g.fullName, `files[${i}].groups[${j}].fullName`, fail);
      const group = fullName.split(' > ').slice(1).join(' > ') || fullName;
      g.benchmarks.forEach((b, k) => {
        const at = `files[${i}].groups[${j}].benchmarks[${k}]`;
        if (!isObject(b)) throw fail(`${at} is not an object.`);
        const samples = Array.isArray(b.samples) ? b.samples.map((s, n) => num(s, `${at}.samples[${n}]`, fail)) : [];
        const summary: BenchRow = {
          mean_ms: num(b.mean, `${at}.mean`, fail),
          median_ms: optionalNum(b.median),
          min_ms: num(b.min, `${at}.min`, fail),
          max_ms: num(b.max, `${at}.max`, fail),
          sd_ms: optionalNum(b.sd),
          p99_ms: optionalNum(b.p99),
          hz: optionalNum(b.hz),
          rme: optionalNum(b.rme),
          samples: optionalNum(b.sampleCount),
        };
        rows.push(...benchRows({ tool: 'vitest', group, bench: str(b.name, `${at}.name`, fail) }, summary, samples));
      });
    });
  });
  return rows;
}

function tinybench(tasks: Json[], fail: Fail): BenchRow[] {
  return tasks.flatMap((task, i) => {
    const at = `[${i}] (${String(task.name)})`;
    const result = task.result;
    if (!isObject(result) || !isObject(result.latency)) throw fail(`${at}.result has no "latency" (did the task run? tinybench 6 writes result.latency).`);
    const latency = result.latency;
    const samples = Array.isArray(latency.samples) ? latency.samples.map((s, n) => num(s, `${at}.result.latency.samples[${n}]`, fail)) : [];
    const summary: BenchRow = {
      mean_ms: num(latency.mean, `${at}.result.latency.mean`, fail),
      median_ms: optionalNum(latency.p50),
      min_ms: num(latency.min, `${at}.result.latency.min`, fail),
      max_ms: num(latency.max, `${at}.result.latency.max`, fail),
      sd_ms: optionalNum(latency.sd),
      p99_ms: optionalNum(latency.p99),
      hz: isObject(result.throughput) ? optionalNum(result.throughput.mean) : null,
      rme: optionalNum(latency.rme),
      samples: optionalNum(latency.samplesCount),
    };
    return benchRows({ tool: 'tinybench', group: null, bench: str(task.name, `${at}.name`, fail) }, summary, samples);
  });
}

const NS = 1e-6;

function mitata(data: Json, fail: Fail): BenchRow[] {
  const layout = data.layout as unknown[];
  return (data.benchmarks as unknown[]).flatMap((b, i) => {
    const at = `benchmarks[${i}]`;
    if (!isObject(b) || !Array.isArray(b.runs)) throw fail(`${at} has no "runs" list (is this mitata's format: 'json' output?).`);
    const entry = typeof b.group === 'number' ? layout[b.group] : undefined;
    const group = isObject(entry) && typeof entry.name === 'string' ? entry.name : null;
    return b.runs.flatMap((run, j) => {
      const where = `${at}.runs[${j}]`;
      if (!isObject(run) || !isObject(run.stats)) throw fail(`${where} has no "stats" (did the benchmark throw? mitata records an error instead).`);
      const stats = run.stats;
      const samples = Array.isArray(stats.samples) ? stats.samples.map((s, n) => num(s, `${where}.stats.samples[${n}]`, fail, NS)) : [];
      const summary: BenchRow = {
        mean_ms: num(stats.avg, `${where}.stats.avg`, fail, NS),
        median_ms: optionalNum(stats.p50, NS),
        min_ms: num(stats.min, `${where}.stats.min`, fail, NS),
        max_ms: num(stats.max, `${where}.stats.max`, fail, NS),
        sd_ms: null,
        p99_ms: optionalNum(stats.p99, NS),
        hz: null,
        rme: null,
        samples: null,
      };
      const name = typeof run.name === 'string' && run.name !== '' ? run.name : str(b.alias, `${at}.alias`, fail);
      return benchRows({ tool: 'mitata', group, bench: name }, summary, samples);
    });
  });
}

const SECONDS = 1000;

function hyperfine(results: unknown[], fail: Fail): BenchRow[] {
  return results.flatMap((r, i) => {
    const at = `results[${i}]`;
    if (!isObject(r)) throw fail(`${at} is not an object (is this hyperfine --export-json output?).`);
    const times = Array.isArray(r.times) ? r.times.map((t, n) => num(t, `${at}.times[${n}]`, fail, SECONDS)) : [];
    const summary: BenchRow = {
      mean_ms: num(r.mean, `${at}.mean`, fail, SECONDS),
      median_ms: optionalNum(r.median, SECONDS),
      min_ms: num(r.min, `${at}.min`, fail, SECONDS),
      max_ms: num(r.max, `${at}.max`, fail, SECONDS),
      sd_ms: optionalNum(r.stddev, SECONDS),
      p99_ms: null,
      hz: null,
      rme: null,
      samples: null,
    };
    const base: BenchRow = { tool: 'hyperfine', group: null, bench: str(r.command, `${at}.command`, fail) };
    if (isObject(r.parameters)) for (const [key, value] of Object.entries(r.parameters)) base[`param_${key}`] = typeof value === 'number' ? value : String(value);
    return benchRows(base, summary, times);
  });
}
