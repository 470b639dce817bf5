/**
 * Compare: the selected runs side by side (core's diffRuns), only what differs unless asked, and
 * with a baseline each run's verdict per metric (core's compare(), as `xt check`).
 */
import type { App } from '../app.js';
import { add, h, select } from '../dom.js';
import { formatCell, shortId } from '../format.js';

export async function renderCompare(app: App, el: HTMLElement): Promise<void> {
  const { state } = app;
  if (state.selected.length < 2) {
    el.append(
      h('p', { className: 'empty', id: 'compare-empty' }, 'Select two or more runs in the Runs view to compare them.'),
      h('button', { type: 'button', onclick: () => app.show('runs') }, 'Go to Runs'),
    );
    return;
  }
  const fixed = app.client.fixedBaseline(state.table);
  const comparison = await app.client.compare(state.table, state.selected, state.baseline, state.checks);
  const lines = comparison.lines.filter((l) => state.showAll || l.differs);
  const baselineIndex = comparison.baseline === null ? -1 : comparison.runs.indexOf(comparison.baseline);
  const cell = (line: (typeof lines)[number], i: number) => {
    const delta = line.delta?.[i];
    const rel = line.relative?.[i];
    const verdict = line.verdict?.[i];
    const showDelta = i !== baselineIndex && typeof delta === 'number' && delta !== 0;
    const text = formatCell(line.values[i]);
    return h(
      'td',
      { className: `num${line.differs ? ' differs' : ''}`, title: text.length > 28 ? text : undefined },
      text,
      showDelta
        ? h(
            'span',
            { className: `delta ${verdict === 'improved' ? 'up' : verdict === 'regressed' ? 'down' : ''}` },
            `${delta! > 0 ? '+' : ''}${formatCell(delta!)}${typeof rel === 'number' ? ` (${rel > 0 ? '+' : ''}${(rel * 100).toFixed(1)}%)` : ''}`,
          )
        : null,
      verdict && i !== baselineIndex ? h('span', { className: `verdict ${verdict}` }, verdict) : null,
    );
  };
  // the report can check only against the baseline it was written with; the dashboard against any run
  const baselineChoices = fixed === undefined ? state.selected : fixed !== null && state.selected.includes(fixed) ? [fixed] : [];
  const checks =
    fixed === undefined && comparison.baseline
      ? h(
          'label',
          { className: 'field grow' },
          h('span', {}, 'Check metrics (as xt check --metric NAME:higher|lower[:tolerance])'),
          h('input', {
            type: 'text',
            id: 'check-metrics',
            value: comparison.checks.join(', '),
            spellcheck: false,
            onchange: (e: Event) => {
              state.checks = (e.target as HTMLInputElement).value
                .split(',')
                .map((c) => c.trim())
                .filter((c) => c !== '');
              void app.render();
            },
          }),
        )
      : null;
  add(
    el,
    h(
      'div',
      { className: 'toolbar' },
      select(
        'Baseline',
        ['(none)', ...baselineChoices],
        comparison.baseline ?? '(none)',
        (v) => {
          state.baseline = v === '(none)' ? null : v;
          void app.render();
        },
        'baseline',
      ),
      checks,
      h(
        'label',
        { className: 'check' },
        h('input', {
          type: 'checkbox',
          id: 'show-all',
          checked: state.showAll,
          onchange: (e: Event) => {
            state.showAll = (e.target as HTMLInputElement).checked;
            void app.render();
          },
        }),
        ' Show values that are the same',
      ),
    ),
    comparison.verdict
      ? h(
          'p',
          {},
          h('strong', { className: `verdict big ${comparison.verdict}`, id: 'check-verdict' }, `check: ${comparison.verdict}`),
          ' ',
          h('span', { className: 'help' }, `against ${shortId(comparison.baseline ?? '')} on ${comparison.checks.join(', ')}`),
        )
      : null,
    comparison.problem ? h('p', { className: 'error', role: 'alert', id: 'compare-problem' }, comparison.problem) : null,
    h(
      'p',
      { className: 'help' },
      `${comparison.runs.length} runs; ${lines.length} of ${comparison.lines.length} columns shown${state.showAll ? '' : ' (only what differs)'}. A metric shows each run's last value${comparison.baseline ? '; deltas and verdicts are against the baseline' : '; choose a baseline for deltas and the check verdicts'}.`,
      fixed === null ? ' Verdicts in a report need a baseline chosen when it is written: xt report --baseline RUN [--check loss:lower].' : '',
    ),
    lines.length === 0
      ? h('p', { className: 'empty' }, 'The selected runs do not differ in any column.')
      : h(
          'div',
          { className: 'scroll' },
          h(
            'table',
            { className: 'grid', id: 'compare-table' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', { scope: 'col' }, 'column'),
                ...comparison.runs.map((id, i) => h('th', { scope: 'col', className: 'num', title: id }, shortId(id), i === baselineIndex ? ' (baseline)' : '')),
              ),
            ),
            h(
              'tbody',
              {},
              ...lines.map((line) =>
                h('tr', { 'data-name': line.name }, h('th', { scope: 'row' }, line.name, h('span', { className: 'kind' }, line.kind)), ...comparison.runs.map((_, i) => cell(line, i))),
              ),
            ),
          ),
        ),
  );
}
