/**
 * The page: a header (table, theme, live state), four views (Runs, Compare, Charts, Rows) and the
 * state they share: the table, the runs search, the selected runs and the baseline.
 */
import type { RowsEvent, TableMeta } from '../common/types.js';
import type { DataClient } from './client.js';
import { fill, h, select } from './dom.js';
import { renderCharts } from './views/charts.js';
import { renderCompare } from './views/compare.js';
import { renderRows } from './views/rows.js';
import { renderRuns } from './views/runs.js';

export type ViewName = 'runs' | 'compare' | 'charts' | 'rows';
const VIEWS: [ViewName, string][] = [
  ['runs', 'Runs'],
  ['compare', 'Compare'],
  ['charts', 'Charts'],
  ['rows', 'Rows'],
];

export interface AppState {
  table: string;
  view: ViewName;
  query: string;
  sort?: string;
  desc: boolean;
  selected: string[];
  baseline: string | null;
  showAll: boolean;
  /** Metric specs for the verdicts (`loss:lower`); undefined: the server's default. */
  checks?: string[];
  runsOffset: number;
  rowsOffset: number;
  rowsOnlySelected: boolean;
  metric?: string;
  scatterX?: string;
  scatterY?: string;
  histColumn?: string;
}

export class App {
  state: AppState;
  meta!: TableMeta;
  private readonly main = h('main', { id: 'view', tabindex: '-1' });
  private readonly liveBadge = h('span', { className: 'live', id: 'live-state', role: 'status' });
  private readonly tabs = h('nav', { className: 'tabs', role: 'tablist', 'aria-label': 'Views' });
  private unsubscribe: (() => void) | undefined;
  private pending: ReturnType<typeof setTimeout> | undefined;
  /** Rows received live since the view last drew (the views use it to refresh cheaply). */
  freshRuns = new Set<string>();

  constructor(
    readonly client: DataClient,
    private readonly root: HTMLElement,
  ) {
    this.state = {
      table: client.meta.tables[0] ?? 'default',
      view: 'runs',
      query: '',
      desc: false,
      selected: [],
      baseline: null,
      showAll: false,
      runsOffset: 0,
      rowsOffset: 0,
      rowsOnlySelected: false,
    };
  }

  async start(): Promise<void> {
    const theme = localStorageGet('xt-theme') ?? (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
    document.documentElement.dataset.theme = theme;
    this.renderShell();
    await this.openTable(this.state.table);
    let resize: ReturnType<typeof setTimeout> | undefined;
    let lastWidth = window.innerWidth;
    window.addEventListener('resize', () => {
      if (window.innerWidth === lastWidth) return;
      lastWidth = window.innerWidth;
      clearTimeout(resize);
      resize = setTimeout(() => void this.render(), 200);
    });
  }

  private renderShell(): void {
    const meta = this.client.meta;
    const themeButton = h('button', { type: 'button', className: 'ghost', id: 'theme', onclick: () => this.toggleTheme() }, 'Dark / light');
    const tables = meta.tables.length > 1 ? select('Table', meta.tables, this.state.table, (t) => void this.openTable(t), 'table-select') : null;
    const source = h('span', { className: 'source', title: meta.source }, meta.source);
    fill(
      this.root,
      h(
        'header',
        {},
        h('h1', {}, 'xetrack'),
        source,
        tables,
        h('span', { className: 'spacer' }),
        meta.mode === 'live' ? this.liveBadge : h('span', { className: 'badge' }, `report · ${new Date(meta.generated).toLocaleString()}`),
        themeButton,
      ),
      this.tabs,
      this.main,
    );
    if (meta.limits) {
      const notes = Object.entries(meta.limits.dropped).filter(([, d]) => d.rows || d.runs || d.sampledSeries);
      this.root.insertBefore(
        h(
          'p',
          { className: 'note', id: 'report-limits' },
          `This report keeps at most ${meta.limits.maxRuns.toLocaleString()} runs, the first ${meta.limits.maxRows.toLocaleString()} raw rows per table and ${meta.limits.maxPoints.toLocaleString()} points per chart line (longer lines are down-sampled, keeping each stretch's lowest and highest point).`,
          notes.length
            ? ` Left out: ${notes.map(([t, d]) => `${t}: ${d.rows.toLocaleString()} rows, ${d.runs.toLocaleString()} runs, ${d.sampledSeries.toLocaleString()} lines down-sampled`).join('; ')}.`
            : ' Nothing was left out.',
        ),
        this.main,
      );
    }
    this.renderTabs();
  }

  private renderTabs(): void {
    fill(
      this.tabs,
      ...VIEWS.map(([name, label]) =>
        h(
          'button',
          {
            type: 'button',
            role: 'tab',
            id: `tab-${name}`,
            'aria-selected': String(this.state.view === name),
            'aria-controls': 'view',
            onclick: () => this.show(name),
            onkeydown: (e: KeyboardEvent) => this.tabKey(e, name),
          },
          label,
          name === 'compare' && this.state.selected.length ? ` (${this.state.selected.length})` : null,
        ),
      ),
    );
  }

  /** Left/right arrows move between tabs, as in any tab list. */
  private tabKey(e: KeyboardEvent, name: ViewName): void {
    const i = VIEWS.findIndex(([v]) => v === name);
    const next = e.key === 'ArrowRight' ? (i + 1) % VIEWS.length : e.key === 'ArrowLeft' ? (i + VIEWS.length - 1) % VIEWS.length : -1;
    if (next < 0) return;
    e.preventDefault();
    this.show(VIEWS[next]![0]);
    document.getElementById(`tab-${VIEWS[next]![0]}`)?.focus();
  }

  show(view: ViewName): void {
    this.state.view = view;
    this.renderTabs();
    void this.render();
  }

  private toggleTheme(): void {
    const next = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark';
    document.documentElement.dataset.theme = next;
    localStorageSet('xt-theme', next);
    void this.render();
  }

  private async openTable(table: string): Promise<void> {
    this.state = { ...this.state, table, selected: [], baseline: null, runsOffset: 0, rowsOffset: 0, metric: undefined, scatterX: undefined, scatterY: undefined, histColumn: undefined };
    this.meta = await this.client.tableMeta(table);
    this.unsubscribe?.();
    this.unsubscribe = this.client.subscribe?.(
      table,
      this.meta.cursor,
      (e) => this.onRows(e),
      (live) => {
        this.liveBadge.textContent = live ? '● live' : '○ reconnecting';
        this.liveBadge.classList.toggle('off', !live);
      },
    );
    await this.render();
  }

  /** New rows arrived: redraw the view at most once a second, from the server's paged answers. */
  private onRows(event: RowsEvent): void {
    if (event.table !== this.state.table) return;
    const idIndex = event.columns.indexOf('track_id');
    for (const row of event.rows) this.freshRuns.add(String(row[idIndex]));
    this.meta = { ...this.meta, totalRows: this.meta.totalRows + event.rows.length, cursor: event.cursor };
    if (this.pending) return;
    this.pending = setTimeout(async () => {
      this.pending = undefined;
      this.meta = await this.client.tableMeta(this.state.table);
      await this.render();
      this.freshRuns.clear();
    }, 300);
  }

  setSelected(ids: string[]): void {
    this.state.selected = ids;
    if (this.state.baseline && !ids.includes(this.state.baseline)) this.state.baseline = null;
    this.renderTabs();
  }

  /** Draws the current view (keeping the focus where it was when the element is redrawn). */
  async render(): Promise<void> {
    const focused = document.activeElement?.id;
    const content = h('div', { className: `view view-${this.state.view}` });
    try {
      const views = { runs: renderRuns, compare: renderCompare, charts: renderCharts, rows: renderRows };
      await views[this.state.view](this, content);
    } catch (error) {
      fill(content, h('p', { className: 'error', role: 'alert' }, (error as Error).message));
    }
    fill(this.main, content);
    if (focused) {
      const el = document.getElementById(focused);
      if (el && el !== document.activeElement) {
        el.focus();
        if (el instanceof HTMLInputElement && el.type === 'search') el.setSelectionRange(el.value.length, el.value.length);
      }
    }
    document.body.dataset.ready = 'true';
  }

  /** The width charts get: the view's width less padding. */
  chartWidth(): number {
    return Math.min(1100, Math.max(260, this.main.clientWidth - 24));
  }
}

function localStorageGet(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function localStorageSet(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // a file:// page in some browsers has no storage: the theme just is not remembered
  }
}
