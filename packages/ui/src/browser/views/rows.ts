/** Rows: the raw table a page at a time, and the assets the rows refer to. */
import type { App } from '../app.js';
import { h } from '../dom.js';
import { formatBytes, formatCell } from '../format.js';

const PAGE = 50;

export async function renderRows(app: App, el: HTMLElement): Promise<void> {
  const { state } = app;
  const ids = state.rowsOnlySelected && state.selected.length ? state.selected : undefined;
  const page = await app.client.rows(state.table, state.rowsOffset, PAGE, ids);
  const go = (offset: number) => {
    state.rowsOffset = Math.max(0, offset);
    void app.render();
  };
  const last = Math.max(0, Math.floor((page.total - 1) / PAGE) * PAGE);
  const numeric = new Set(app.meta.columns.filter((c) => ['integer', 'float'].includes(c.type)).map((c) => c.name));
  el.append(
    h(
      'div',
      { className: 'toolbar' },
      h(
        'label',
        { className: 'check' },
        h('input', {
          type: 'checkbox',
          id: 'rows-selected',
          checked: state.rowsOnlySelected,
          disabled: state.selected.length === 0,
          onchange: (e: Event) => {
            state.rowsOnlySelected = (e.target as HTMLInputElement).checked;
            go(0);
          },
        }),
        ` Only the ${state.selected.length} selected runs`,
      ),
      h(
        'div',
        { className: 'pager' },
        h('button', { type: 'button', id: 'rows-first', disabled: state.rowsOffset === 0, onclick: () => go(0) }, '⇤ First'),
        h('button', { type: 'button', id: 'rows-prev', disabled: state.rowsOffset === 0, onclick: () => go(state.rowsOffset - PAGE) }, '← Previous'),
        h('span', { id: 'rows-range' }, page.total ? `rows ${state.rowsOffset + 1}–${Math.min(page.total, state.rowsOffset + PAGE)} of ${page.total.toLocaleString()}` : 'no rows'),
        h('button', { type: 'button', id: 'rows-next', disabled: state.rowsOffset + PAGE >= page.total, onclick: () => go(state.rowsOffset + PAGE) }, 'Next →'),
        h('button', { type: 'button', id: 'rows-last', disabled: state.rowsOffset >= last, onclick: () => go(last) }, 'Last ⇥'),
      ),
    ),
    h(
      'div',
      { className: 'scroll' },
      h(
        'table',
        { className: 'grid rows', id: 'rows-table' },
        h('thead', {}, h('tr', {}, ...page.columns.map((c) => h('th', { scope: 'col', className: numeric.has(c) ? 'num' : undefined }, c)))),
        h(
          'tbody',
          {},
          ...page.rows.map((row) =>
            h('tr', {}, ...row.map((v) => h('td', { className: typeof v === 'number' ? 'num' : undefined, title: typeof v === 'string' && v.length > 40 ? v : undefined }, formatCell(v)))),
          ),
        ),
      ),
    ),
  );
  const assets = await app.client.assets(state.table);
  const section = h('section', { className: 'card', id: 'assets' }, h('h2', {}, 'Assets'));
  if (assets.length === 0) section.append(h('p', { className: 'empty' }, 'No assets stored with this database.'));
  else {
    section.append(
      h(
        'div',
        { className: 'scroll' },
        h(
          'table',
          { className: 'grid', id: 'assets-table' },
          h('thead', {}, h('tr', {}, ...['hash', 'serializer', 'size', 'references', 'columns', 'stored', ''].map((c) => h('th', { scope: 'col' }, c)))),
          h(
            'tbody',
            {},
            ...assets.map((a) =>
              h(
                'tr',
                {},
                h('td', { className: 'id' }, a.hash),
                h('td', {}, a.serializer),
                h('td', { className: 'num' }, formatBytes(a.bytes)),
                h('td', { className: 'num' }, a.count),
                h('td', {}, a.columns.join(', ')),
                h('td', {}, a.created),
                h(
                  'td',
                  {},
                  a.downloadable && app.client.assetUrl
                    ? h('a', { href: app.client.assetUrl(a.hash), download: `${a.hash}.bin` }, 'Download')
                    : h('span', { className: 'help' }, app.client.assetUrl ? 'not in the store' : 'open with xt ui to download'),
                ),
              ),
            ),
          ),
        ),
      ),
    );
  }
  el.append(section);
}
