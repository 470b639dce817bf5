/**
 * @xetrack/ui: the dashboard's first render of a 1,000-run x 100-step database in Chromium (against
 * the same browser loading a static page holding a 1,000-line table), and the size of `xt report`
 * files (against the SQLite file they describe).
 */
import { existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { Reader, Tracker } from '@xetrack/core';
import { sqliteEngine } from '@xetrack/engine-sqlite';
import { startDashboard, writeReport } from '@xetrack/ui';
import { chromium } from 'playwright-core';
import { makeFigure, timeMs } from '../measure.js';
import { pairSuite } from '../pair-suite.js';
import { removeDatabase, scratchPath } from '../scratch.js';
import type { BenchOptions, Figure, Suite } from '../suite.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A sweep: `runs` runs of `steps` rows (step, loss, accuracy) with three params each. */
async function sweepDatabase(path: string, runs: number, steps: number): Promise<void> {
  for (let r = 0; r < runs; r++) {
    const tracker = await Tracker.open(path, { engine: sqliteEngine, warnings: false, params: { model: ['mlp', 'cnn', 'rnn'][r % 3], lr: 10 ** -(1 + (r % 4)), seed: r } });
    await tracker.logBatch(Array.from({ length: steps }, (_, step) => ({ step, loss: 1 / (step + 1) + (r % 7) / 100, accuracy: 1 - 1 / (step + 2) })));
    await tracker.close();
  }
}

/** A static page with the same 1,000 lines the dashboard's runs table shows. */
function staticTablePage(runs: number): string {
  const rows = Array.from({ length: runs }, (_, r) => `<tr><td><input type="checkbox"></td><td>run-${r}</td><td>100</td><td>mlp</td><td>0.01</td><td>${r}</td><td>0.5</td><td>0.99</td></tr>`).join('');
  return `<!doctype html><html><body><table id="runs-table"><tbody>${rows}</tbody></table></body></html>`;
}

export const dashboardRenderSuite: Suite = pairSuite({
  name: 'ui.dashboard-first-render',
  title: 'xt ui: a page opened until its runs table is drawn (1,000 runs x 100 steps)',
  baseline: 'Chromium loading a static 1,000-line table',
  unit: 'ms',
  target: { of: 'ours', op: '<', value: 2_000 },
  size: { full: 1_000, quick: 50 },
  async prepare(options: BenchOptions, runs: number) {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    const db = scratchPath(options.tmpDir, 'ui-render');
    await sweepDatabase(db, runs, 100);
    const reader = await Reader.open(db, { engine: sqliteEngine });
    let dashboard!: Awaited<ReturnType<typeof startDashboard>>;
    const start = await timeMs(async () => (dashboard = await startDashboard(reader, { port: 0 })));
    options.log(`ui.dashboard-first-render: server started, run lines indexed, in ${start.ms.toFixed(0)} ms`);
    const page = staticTablePage(runs);
    const server = createServer((_, response) => response.end(page));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const staticUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    const visit = (url: string, selector: string) => async () => {
      const tab = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      try {
        return await timeMs(async () => {
          await tab.goto(url);
          await tab.waitForSelector(selector, { timeout: 120_000 });
        });
      } finally {
        await tab.close();
      }
    };
    return {
      // the dashboard shows runs 100 to a page: the 100th line drawn is the whole first page
      ours: visit(dashboard.url, `#runs-table tbody tr:nth-child(${Math.min(100, runs)})`),
      raw: visit(staticUrl, `#runs-table tbody tr:nth-child(${runs})`),
      async dispose() {
        await browser.close();
        server.close();
        await dashboard.close();
        await reader.close();
        removeDatabase(db);
      },
    };
  },
});

const MB = 1024 * 1024;

/** `xt report` of two databases, in MB beside the database file's own size. */
export const reportSizeSuite: Suite = {
  name: 'ui.report-size',
  async run(options) {
    const cases = options.quick
      ? [
          { name: 'ui.report-size.sweep', runs: 50, steps: 100, label: '50 runs x 100 steps' },
          { name: 'ui.report-size.long-run', runs: 1, steps: 10_000, label: '1 run x 10,000 steps' },
        ]
      : [
          { name: 'ui.report-size.sweep', runs: 1_000, steps: 100, label: '1,000 runs x 100 steps' },
          { name: 'ui.report-size.long-run', runs: 1, steps: 100_000, label: '1 run x 100,000 steps' },
        ];
    const figures: Figure[] = [];
    for (const c of cases) {
      options.log(`${c.name}: ${c.label}`);
      const db = scratchPath(options.tmpDir, 'ui-report');
      const file = `${db}.html`;
      await sweepDatabase(db, c.runs, c.steps);
      const reader = await Reader.open(db, { engine: sqliteEngine });
      const write = await timeMs(() => writeReport(reader, file));
      await reader.close();
      const reportMb = statSync(file).size / MB;
      const databaseMb = (statSync(db).size + (existsSync(`${db}-wal`) ? statSync(`${db}-wal`).size : 0)) / MB;
      figures.push(
        makeFigure({
          name: c.name,
          title: `xt report of ${c.label} (default limits: 200 points a line, 1,000 raw rows), written in ${(write.ms / 1000).toFixed(1)} s`,
          unit: 'MB',
          size: c.runs * c.steps,
          baseline: 'the SQLite file',
          target: { of: 'ours', op: '<=', value: 10 },
          samples: { ours: [reportMb], raw: [databaseMb] },
        }),
      );
      removeDatabase(db);
      removeDatabase(file);
    }
    return figures;
  },
};
