/**
 * Where the page gets its data: the report's inlined JSON, or the dashboard's server. The views
 * talk only to this interface, so the report and the dashboard are one front end.
 */
import { searchRuns } from '../common/search.js';
import type { AssetInfo, Comparison, FunctionTiming, Histogram, Meta, ReportData, RowsEvent, RowsPage, RunsPage, Series, SystemSeries, TableMeta } from '../common/types.js';

export interface RunsQuery {
  query: string;
  sort?: string;
  desc?: boolean;
  offset?: number;
  limit?: number;
  ids?: string[];
}

export interface DataClient {
  readonly meta: Meta;
  tableMeta(table: string): Promise<TableMeta>;
  runs(table: string, q: RunsQuery): Promise<RunsPage>;
  rows(table: string, offset: number, limit: number, trackIds?: string[]): Promise<RowsPage>;
  series(table: string, metric: string, trackIds: string[]): Promise<Series[]>;
  histogram(table: string, column: string): Promise<Histogram>;
  timings(table: string): Promise<FunctionTiming[]>;
  system(table: string): Promise<SystemSeries>;
  assets(table: string): Promise<AssetInfo[]>;
  compare(table: string, trackIds: string[], baseline: string | null, checks?: string[]): Promise<Comparison>;
  /** Whether any run can be the baseline (the dashboard), or only the one the report was written with. */
  readonly fixedBaseline: (table: string) => string | null | undefined;
  /** Where an asset downloads from (dashboard only). */
  assetUrl?(hash: string): string;
  /** New rows as they are written (dashboard only); returns the unsubscribe. */
  subscribe?(table: string, cursor: string, onRows: (event: RowsEvent) => void, onState: (live: boolean) => void): () => void;
}

/** The report: every answer comes from the data inlined in the page. */
export class ReportClient implements DataClient {
  readonly meta: Meta;

  constructor(private readonly data: ReportData) {
    this.meta = data.meta;
  }

  private t(table: string) {
    const t = this.data.tables[table];
    if (!t) throw new Error(`The report holds no table ${table}.`);
    return t;
  }

  async tableMeta(table: string) {
    return this.t(table).meta;
  }

  async runs(table: string, q: RunsQuery): Promise<RunsPage> {
    let runs = this.t(table).runs;
    if (q.ids) runs = runs.filter((r) => q.ids!.includes(r.track_id));
    const matched = searchRuns(runs, q.query, q.sort ? { column: q.sort, desc: q.desc === true } : undefined);
    const offset = q.offset ?? 0;
    return { runs: matched.slice(offset, offset + (q.limit ?? matched.length)), total: matched.length };
  }

  async rows(table: string, offset: number, limit: number, trackIds?: string[]): Promise<RowsPage> {
    const page = this.t(table).rows;
    const idIndex = page.columns.indexOf('track_id');
    const rows = trackIds ? page.rows.filter((r) => trackIds.includes(String(r[idIndex]))) : page.rows;
    return { columns: page.columns, rows: rows.slice(offset, offset + limit), offset, total: rows.length };
  }

  async series(table: string, metric: string, trackIds: string[]) {
    const all = this.t(table).series[metric] ?? [];
    return trackIds.map((id) => all.find((s) => s.track_id === id)).filter((s): s is Series => s !== undefined);
  }

  async histogram(table: string, column: string) {
    return this.t(table).histograms[column] ?? { column, edges: [], counts: [] };
  }

  async timings(table: string) {
    return this.t(table).timings;
  }

  async system(table: string) {
    return this.t(table).system;
  }

  async assets(table: string) {
    return this.t(table).assets;
  }

  readonly fixedBaseline = (table: string) => this.t(table).comparison?.baseline ?? null;

  /**
   * The selected runs' columns out of the comparison core made when the report was written; deltas
   * and verdicts only against that comparison's baseline (the page cannot run a query).
   */
  async compare(table: string, trackIds: string[], baseline: string | null): Promise<Comparison> {
    const all = this.t(table).comparison;
    const useBaseline = all?.baseline !== null && all?.baseline === baseline && trackIds.includes(baseline);
    const runs = useBaseline ? [baseline!, ...trackIds.filter((id) => id !== baseline)] : trackIds;
    const empty: Comparison = { runs, baseline: useBaseline ? baseline : null, lines: [], checks: all?.checks ?? [] };
    if (!all || runs.length < 2) return { ...empty, problem: 'Select two or more runs to compare them.' };
    const at = runs.map((id) => all.runs.indexOf(id));
    const missing = runs.filter((_, i) => at[i]! < 0);
    if (missing.length)
      return {
        ...empty,
        problem: `This report holds the comparison of its first ${all.runs.length} runs; ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not among them (write the report with --runs to choose).`,
      };
    const pick = <T>(values: T[] | undefined) => (values ? at.map((i) => values[i]!) : undefined);
    const lines = all.lines.map((line) => {
      const values = at.map((i) => line.values[i] ?? null);
      return {
        kind: line.kind,
        name: line.name,
        values,
        differs: values.some((v) => v !== values[0]),
        ...(useBaseline ? { delta: pick(line.delta), relative: pick(line.relative), verdict: pick(line.verdict) } : {}),
      };
    });
    const verdicts = useBaseline ? lines.flatMap((l) => l.verdict ?? []).filter((v): v is string => typeof v === 'string') : [];
    const verdict = ['regressed', 'missing', 'inconclusive', 'improved', 'unchanged'].find((v) => verdicts.includes(v));
    return { ...empty, lines, ...(verdict ? { verdict } : {}) };
  }
}

/** The dashboard: each answer is one request to the server, which queries the database. */
export class LiveClient implements DataClient {
  constructor(
    readonly meta: Meta,
    private readonly token: string | null,
  ) {}

  private url(path: string, params: Record<string, string | number | undefined> = {}): string {
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) search.set(k, String(v));
    if (this.token) search.set('token', this.token);
    const qs = search.toString();
    return `${path}${qs ? `?${qs}` : ''}`;
  }

  private async get<T>(path: string, params: Record<string, string | number | undefined> = {}): Promise<T> {
    const response = await fetch(this.url(path, params));
    if (!response.ok) throw new Error((await response.text()) || `${response.status} ${response.statusText}`);
    return (await response.json()) as T;
  }

  tableMeta(table: string) {
    return this.get<TableMeta>('/api/table', { table });
  }

  runs(table: string, q: RunsQuery) {
    return this.get<RunsPage>('/api/runs', { table, q: q.query, sort: q.sort, desc: q.desc ? 1 : undefined, offset: q.offset, limit: q.limit, ids: q.ids?.join('\n') });
  }

  rows(table: string, offset: number, limit: number, trackIds?: string[]) {
    return this.get<RowsPage>('/api/rows', { table, offset, limit, ids: trackIds?.join('\n') });
  }

  series(table: string, metric: string, trackIds: string[]) {
    return this.get<Series[]>('/api/series', { table, metric, ids: trackIds.join('\n') });
  }

  histogram(table: string, column: string) {
    return this.get<Histogram>('/api/histogram', { table, column });
  }

  timings(table: string) {
    return this.get<FunctionTiming[]>('/api/timings', { table });
  }

  system(table: string) {
    return this.get<SystemSeries>('/api/system', { table });
  }

  assets(table: string) {
    return this.get<AssetInfo[]>('/api/assets', { table });
  }

  readonly fixedBaseline = () => undefined;

  compare(table: string, trackIds: string[], baseline: string | null, checks?: string[]) {
    return this.get<Comparison>('/api/compare', { table, ids: trackIds.join('\n'), baseline: baseline ?? undefined, checks: checks?.join('\n') });
  }

  assetUrl(hash: string): string {
    return this.url(`/api/asset/${encodeURIComponent(hash)}`);
  }

  subscribe(table: string, cursor: string, onRows: (event: RowsEvent) => void, onState: (live: boolean) => void): () => void {
    const source = new EventSource(this.url('/api/events', { table, cursor }));
    source.addEventListener('rows', (e) => onRows(JSON.parse((e as MessageEvent<string>).data) as RowsEvent));
    source.addEventListener('open', () => onState(true));
    source.addEventListener('error', () => onState(false));
    return () => source.close();
  }
}
