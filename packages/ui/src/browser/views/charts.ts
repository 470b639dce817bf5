/**
 * Charts: a metric over steps for the selected runs overlaid, param vs metric, parallel
 * coordinates, histograms, system readings of tracked calls and function timings.
 */
import type uPlot from 'uplot';
import type { RunInfo } from '../../common/types.js';
import type { App } from '../app.js';
import { alignSeries, chart, sortedPairs } from '../charts/uplot-chart.js';
import { parallelCoordinates } from '../charts/parallel.js';
import { h, select } from '../dom.js';
import { formatCell, shortId } from '../format.js';

/** Runs drawn when none are selected. */
const DEFAULT_RUNS = 10;
/** Runs on the scatter and parallel plots. */
const MAX_RUNS = 2000;

export async function renderCharts(app: App, el: HTMLElement): Promise<void> {
  const { state, meta } = app;
  const width = app.chartWidth();
  const numeric = (c: { type: string }) => ['integer', 'float', 'boolean'].includes(c.type);
  const metrics = meta.columns.filter((c) => c.role === 'metric').map((c) => c.name);
  const params = meta.columns.filter((c) => c.role === 'param').map((c) => c.name);
  const numericColumns = meta.columns.filter((c) => c.role !== 'key' && numeric(c)).map((c) => c.name);
  const { runs: matching } = await app.client.runs(state.table, { query: state.query, limit: MAX_RUNS });
  const chosen = state.selected.length ? state.selected : matching.slice(0, DEFAULT_RUNS).map((r) => r.track_id);

  // metric over steps
  const metric = state.metric && metrics.includes(state.metric) ? state.metric : metrics[0];
  const stepSection = h('section', { className: 'card', id: 'chart-steps' }, h('h2', {}, 'Metric over steps'));
  if (metric) {
    const series = await app.client.series(state.table, metric, chosen);
    const drawn = series.filter((s) => s.x.length > 0);
    const sampled = series.filter((s) => s.points > s.x.length).length;
    stepSection.append(
      h(
        'div',
        { className: 'toolbar' },
        select(
          'Metric',
          metrics,
          metric,
          (v) => {
            state.metric = v;
            void app.render();
          },
          'metric-select',
        ),
        h(
          'span',
          { className: 'help' },
          state.selected.length ? `${chosen.length} selected runs` : `the first ${chosen.length} runs (select runs in the Runs view to choose)`,
          sampled ? ` · ${sampled} lines down-sampled` : '',
        ),
      ),
      drawn.length
        ? chart(
            { label: `${metric} over ${meta.stepColumn ?? 'row index'}`, data: alignSeries(drawn), series: drawn.map((s) => shortId(s.track_id)), xLabel: meta.stepColumn ?? 'row', yLabel: metric },
            width,
          )
        : h('p', { className: 'empty' }, `No ${metric} values in these runs.`),
    );
  } else stepSection.append(h('p', { className: 'empty' }, 'No metric changes within a run in this table.'));

  // params that vary across the runs come first (a constant one makes a flat plot); numeric before text
  const valueOf = (r: RunInfo, c: string) => (c in r.params ? r.params[c]! : (r.metrics[c]?.last ?? null));
  const distinct = (c: string) => new Set(matching.map((r) => JSON.stringify(valueOf(r, c)))).size;
  const numericParam = (p: string) => matching.some((r) => typeof r.params[p] === 'number');
  const varying = params.filter((p) => distinct(p) > 1).sort((a, b) => Number(numericParam(b)) - Number(numericParam(a)));
  const xChoices = [...varying, ...params.filter((p) => !varying.includes(p)), ...metrics];

  // param vs metric
  const scatterX = state.scatterX && xChoices.includes(state.scatterX) ? state.scatterX : xChoices[0];
  const scatterY = state.scatterY && metrics.includes(state.scatterY) ? state.scatterY : metrics[0];
  const scatterSection = h('section', { className: 'card', id: 'chart-scatter' }, h('h2', {}, 'Param vs metric'));
  if (scatterX && scatterY) {
    const cats = [...new Set(matching.map((r) => valueOf(r, scatterX)).filter((v) => typeof v === 'string'))].sort() as string[];
    const xs: number[] = [];
    const ys: (number | null)[] = [];
    for (const r of matching) {
      const xv = valueOf(r, scatterX);
      const yv = r.metrics[scatterY]?.last ?? null;
      const x = typeof xv === 'number' ? xv : typeof xv === 'boolean' ? Number(xv) : typeof xv === 'string' ? cats.indexOf(xv) : null;
      if (x === null || yv === null) continue;
      xs.push(x);
      ys.push(yv);
    }
    const [sx, sy] = sortedPairs(xs, ys);
    scatterSection.append(
      h(
        'div',
        { className: 'toolbar' },
        select(
          'x',
          xChoices,
          scatterX,
          (v) => {
            state.scatterX = v;
            void app.render();
          },
          'scatter-x',
        ),
        select(
          'y',
          metrics,
          scatterY,
          (v) => {
            state.scatterY = v;
            void app.render();
          },
          'scatter-y',
        ),
        h('span', { className: 'help' }, `${xs.length} runs, ${scatterY} last value${cats.length ? ` · x categories: ${cats.map((c, i) => `${i}=${c}`).join(', ')}` : ''}`),
      ),
      chart({ label: `${scatterY} vs ${scatterX}`, data: [sx, sy] as uPlot.AlignedData, series: [scatterY], xLabel: scatterX, yLabel: scatterY, points: true }, width),
    );
  } else scatterSection.append(h('p', { className: 'empty' }, 'Needs a param and a metric.'));

  // parallel coordinates
  const axes = [...varying, ...metrics.filter((m) => distinct(m) > 1)].slice(0, 10);
  const selected = new Set(state.selected);
  const parallelSection = h(
    'section',
    { className: 'card', id: 'chart-parallel' },
    h('h2', {}, 'Parallel coordinates'),
    axes.length >= 2
      ? parallelCoordinates(
          axes,
          matching.map((r) => ({ id: r.track_id, selected: selected.has(r.track_id), values: axes.map((a) => valueOf(r, a)) })),
          width,
        )
      : h('p', { className: 'empty' }, 'Needs at least two params or metrics.'),
  );

  // histogram
  const histColumn = state.histColumn && numericColumns.includes(state.histColumn) ? state.histColumn : (metrics[0] ?? numericColumns[0]);
  const histSection = h('section', { className: 'card', id: 'chart-histogram' }, h('h2', {}, 'Histogram'));
  if (histColumn) {
    const hist = await app.client.histogram(state.table, histColumn);
    const centers = hist.counts.map((_, i) => (hist.edges[i]! + hist.edges[i + 1]!) / 2);
    histSection.append(
      h(
        'div',
        { className: 'toolbar' },
        select(
          'Column',
          numericColumns,
          histColumn,
          (v) => {
            state.histColumn = v;
            void app.render();
          },
          'hist-select',
        ),
        h('span', { className: 'help' }, `${hist.counts.reduce((a, b) => a + b, 0).toLocaleString()} values in ${hist.counts.length} bins, every row of the table`),
      ),
      hist.counts.length
        ? chart({ label: `Histogram of ${histColumn}`, data: [centers, hist.counts], series: ['rows'], xLabel: histColumn, yLabel: 'rows', bars: true, height: 220 }, width)
        : h('p', { className: 'empty' }, 'No values.'),
    );
  }

  // function timings
  const timings = await app.client.timings(state.table);
  const timingSection = h('section', { className: 'card', id: 'chart-timings' }, h('h2', {}, 'Function timings'));
  if (timings.length) {
    const longest = Math.max(...timings.map((t) => t.total)) || 1;
    timingSection.append(
      h(
        'div',
        { className: 'scroll' },
        h(
          'table',
          { className: 'grid', id: 'timings-table' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', { scope: 'col' }, 'function'),
              ...['calls', 'errors', 'mean s', 'min s', 'max s', 'total s'].map((c) => h('th', { scope: 'col', className: 'num' }, c)),
              h('th', { scope: 'col' }, 'total, against the longest'),
            ),
          ),
          h(
            'tbody',
            {},
            ...timings.map((t) =>
              h(
                'tr',
                {},
                h('td', {}, t.function_name),
                ...[t.calls, t.errors, t.mean, t.min, t.max, t.total].map((v) => h('td', { className: 'num' }, formatCell(v))),
                h('td', { className: 'bar-cell' }, h('span', { className: 'bar', style: `width: ${Math.max(1, (t.total / longest) * 100)}%` })),
              ),
            ),
          ),
        ),
      ),
    );
  } else timingSection.append(h('p', { className: 'empty' }, 'No tracked function calls (track() or wrap()) in this table.'));

  // system readings
  const system = await app.client.system(state.table);
  const systemSection = h('section', { className: 'card', id: 'chart-system' }, h('h2', {}, 'System metrics of tracked calls'));
  if (system.columns.length && system.x.length) {
    const groups = [system.columns.filter((c) => c.endsWith('_percent')), system.columns.filter((c) => !c.endsWith('_percent'))].filter((g) => g.length);
    for (const group of groups) {
      systemSection.append(
        chart(
          {
            label: group.every((c) => c.endsWith('_percent')) ? 'Percent over time' : 'Other readings over time',
            data: [system.x, ...group.map((c) => system.values[system.columns.indexOf(c)]!)] as uPlot.AlignedData,
            series: group,
            xLabel: 'seconds since the first call',
            height: 220,
          },
          width,
        ),
      );
    }
    if (system.points > system.x.length) systemSection.append(h('p', { className: 'help' }, `${system.x.length} of ${system.points} calls shown, evenly spread.`));
  } else systemSection.append(h('p', { className: 'empty' }, 'No system readings (track calls with @xetrack/sysmon to see CPU, memory and more).'));

  el.append(stepSection, scatterSection, parallelSection, histSection, timingSection, systemSection);
}
