/** Runs: one line per run (params, metric last values), sortable, searchable, selectable, paged. */
import type { RunInfo } from '../../common/types.js';
import type { App } from '../app.js';
import { h } from '../dom.js';
import { formatCell } from '../format.js';

const PAGE = 100;

export async function renderRuns(app: App, el: HTMLElement): Promise<void> {
  const { state, meta } = app;
  const params = meta.columns.filter((c) => c.role === 'param').map((c) => c.name);
  const metrics = meta.columns.filter((c) => c.role === 'metric').map((c) => c.name);
  const numericParams = new Set(meta.columns.filter((c) => c.role === 'param' && ['integer', 'float'].includes(c.type)).map((c) => c.name));
  const error = h('p', { className: 'error', id: 'search-error', role: 'alert' });
  let page: { runs: RunInfo[]; total: number } = { runs: [], total: 0 };
  try {
    page = await app.client.runs(state.table, { query: state.query, sort: state.sort, desc: state.desc, offset: state.runsOffset, limit: PAGE });
  } catch (e) {
    error.textContent = (e as Error).message;
  }
  let typing: ReturnType<typeof setTimeout> | undefined;
  const search = h('input', {
    type: 'search',
    id: 'search',
    value: state.query,
    spellcheck: false,
    autocomplete: 'off',
    placeholder: 'model = "mlp" and lr < 0.05',
    'aria-describedby': 'search-help',
    oninput: (e: Event) => {
      clearTimeout(typing);
      typing = setTimeout(() => {
        state.query = (e.target as HTMLInputElement).value;
        state.runsOffset = 0;
        void app.render();
      }, 250);
    },
  });
  const selected = new Set(state.selected);
  const toggle = (id: string, on: boolean) => {
    if (on) selected.add(id);
    else selected.delete(id);
    app.setSelected([...selected]);
    count.textContent = summary();
  };
  const summary = () => `${page.total.toLocaleString()} of ${meta.totalRuns.toLocaleString()} runs · ${selected.size} selected`;
  const count = h('span', { id: 'runs-count', 'aria-live': 'polite' }, summary());
  const sortButton = (column: string, label = column, numeric = false) => {
    const active = state.sort === column;
    return h(
      'th',
      { scope: 'col', className: numeric ? 'num' : undefined, 'aria-sort': active ? (state.desc ? 'descending' : 'ascending') : 'none' },
      h(
        'button',
        {
          type: 'button',
          className: 'sort',
          onclick: () => {
            state.desc = active ? !state.desc : false;
            state.sort = column;
            void app.render();
          },
        },
        label,
        active ? (state.desc ? ' ▼' : ' ▲') : '',
      ),
    );
  };
  const table = h(
    'table',
    { className: 'grid', id: 'runs-table' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, h('span', { className: 'sr-only' }, 'Select')),
        sortButton('track_id'),
        sortButton('rows', 'rows', true),
        ...params.map((p) => sortButton(p, p, numericParams.has(p))),
        ...metrics.map((m) => sortButton(m, `${m} (last)`, true)),
      ),
    ),
    h(
      'tbody',
      {},
      ...page.runs.map((run) =>
        h(
          'tr',
          { 'data-run': run.track_id, className: app.freshRuns.has(run.track_id) ? 'fresh' : undefined },
          h(
            'td',
            {},
            h('input', {
              type: 'checkbox',
              checked: selected.has(run.track_id),
              'aria-label': `Select run ${run.track_id}`,
              onchange: (e: Event) => toggle(run.track_id, (e.target as HTMLInputElement).checked),
            }),
          ),
          h('td', { className: 'id' }, run.track_id),
          h('td', { className: 'num' }, run.rows),
          ...params.map((p) => h('td', { className: typeof run.params[p] === 'number' ? 'num' : undefined }, formatCell(run.params[p]))),
          ...metrics.map((m) => h('td', { className: 'num' }, formatCell(run.metrics[m]?.last))),
        ),
      ),
    ),
  );
  const pageButtons = h(
    'div',
    { className: 'pager' },
    h(
      'button',
      {
        type: 'button',
        disabled: state.runsOffset === 0,
        onclick: () => {
          state.runsOffset = Math.max(0, state.runsOffset - PAGE);
          void app.render();
        },
      },
      '← Previous',
    ),
    h('span', {}, page.total ? `${state.runsOffset + 1}–${Math.min(page.total, state.runsOffset + PAGE)} of ${page.total}` : 'no runs'),
    h(
      'button',
      {
        type: 'button',
        disabled: state.runsOffset + PAGE >= page.total,
        onclick: () => {
          state.runsOffset += PAGE;
          void app.render();
        },
      },
      'Next →',
    ),
  );
  el.append(
    h(
      'div',
      { className: 'toolbar' },
      h('label', { className: 'field grow' }, h('span', {}, 'Search runs'), search),
      h(
        'button',
        {
          type: 'button',
          onclick: () => {
            page.runs.forEach((r) => selected.add(r.track_id));
            app.setSelected([...selected]);
            void app.render();
          },
        },
        'Select page',
      ),
      h(
        'button',
        {
          type: 'button',
          onclick: () => {
            app.setSelected([]);
            void app.render();
          },
        },
        'Clear selection',
      ),
      h('button', { type: 'button', disabled: selected.size === 0, onclick: () => app.show('compare') }, 'Compare selected'),
    ),
    h(
      'p',
      { className: 'help', id: 'search-help' },
      'Filter by params and metrics (last value): ',
      h('code', {}, 'lr >= 0.01 and model in ("mlp", "cnn")'),
      ', ',
      h('code', {}, 'name like "bert%"'),
      ', ',
      h('code', {}, 'loss is not null'),
      ", or the query API's where object as JSON: ",
      h('code', {}, '{"lr":{"lt":0.1},"or":[{"model":"mlp"},{"model":"cnn"}]}'),
      '. A plain word matches run ids and param values.',
    ),
    error,
    count,
    h('div', { className: 'scroll' }, table),
    pageButtons,
  );
}
