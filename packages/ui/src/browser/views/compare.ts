/** Compare: the selected runs side by side, only what differs unless asked, and the baseline's verdicts. */
import type { App } from '../app.js';
import { h, select } from '../dom.js';
import { formatCell, shortId } from '../format.js';

export async function renderCompare(app: App, el: HTMLElement): Promise<void> {
  const { state } = app;
  if (state.selected.length === 0) {
    el.append(h('p', { className: 'empty' }, 'Select two or more runs in the Runs view to compare them.'), h('button', { type: 'button', onclick: () => app.show('runs') }, 'Go to Runs'));
    return;
  }
  const comparison = await app.client.compare(state.table, state.selected, state.baseline);
  const lines = comparison.lines.filter((l) => state.showAll || l.differs);
  const baselineIndex = comparison.baseline === null ? -1 : comparison.runs.indexOf(comparison.baseline);
  const cell = (line: (typeof lines)[number], i: number) => {
    const value = formatCell(line.values[i]);
    const delta = line.delta?.[i];
    const rel = line.relative?.[i];
    const verdict = line.verdict?.[i];
    const showDelta = i !== baselineIndex && typeof delta === 'number' && delta !== 0;
    return h('td', { className: `num${line.differs ? ' differs' : ''}` },
      value,
      showDelta ? h('span', { className: `delta ${delta! > 0 ? 'up' : 'down'}` }, ` ${delta! > 0 ? '+' : ''}${formatCell(delta!)}${typeof rel === 'number' ? ` (${rel > 0 ? '+' : ''}${(rel * 100).toFixed(1)}%)` : ''}`) : null,
      verdict && i !== baselineIndex ? h('span', { className: `verdict ${verdict}` }, verdict) : null);
  };
  el.append(
    h('div', { className: 'toolbar' },
      select('Baseline', ['(none)', ...comparison.runs], comparison.baseline ?? '(none)', (v) => { state.baseline = v === '(none)' ? null : v; void app.render(); }, 'baseline'),
      h('label', { className: 'check' }, h('input', { type: 'checkbox', id: 'show-all', checked: state.showAll, onchange: (e: Event) => { state.showAll = (e.target as HTMLInputElement).checked; void app.render(); } }), ' Show values that are the same'),
      comparison.verdict ? h('strong', { className: `verdict big ${comparison.verdict}`, id: 'check-verdict' }, comparison.verdict === 'pass' ? 'check: pass (nothing regressed)' : 'check: fail (a metric regressed)') : null),
    h('p', { className: 'help' }, `${comparison.runs.length} runs; ${lines.length} of ${comparison.lines.length} params and metrics shown${state.showAll ? '' : ' (only what differs)'}. Metrics are each run's last value${comparison.baseline ? '; deltas are against the baseline' : '; choose a baseline for deltas and the check verdict'}.`),
    lines.length === 0
      ? h('p', { className: 'empty', id: 'compare-empty' }, 'The selected runs do not differ in any param or metric.')
      : h('div', { className: 'scroll' }, h('table', { className: 'grid', id: 'compare-table' },
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'name'), ...comparison.runs.map((id, i) => h('th', { scope: 'col', title: id }, shortId(id), i === baselineIndex ? ' (baseline)' : '')))),
          h('tbody', {}, ...lines.map((line) => h('tr', { 'data-name': line.name }, h('th', { scope: 'row' }, line.name, h('span', { className: 'kind' }, line.kind)), ...comparison.runs.map((_, i) => cell(line, i))))))),
  );
}
