/**
 * The dashboard over http in Chromium: paged answers from the server, and a row logged by another
 * process reaching the open page through the event stream.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Reader, Tracker } from '@xetrack/core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from '../src/index.js';
import { chromiumMissing, launch, screenshot, watchRequests } from './support/browser.js';
import { makeSweep } from './support/make-db.js';

const WAIT = { timeout: 90_000 };
const LOG_ROWS = fileURLToPath(new URL('./support/log-rows.mjs', import.meta.url));
const run = promisify(execFile);

describe.skipIf(chromiumMissing() && !process.env.CI)('xt ui in a browser', () => {
  let dir: string;
  let db: string;
  let ids: string[];
  let reader: Reader;
  let dashboard: Dashboard;
  let browser: Browser;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'xt-ui-'));
    db = path.join(dir, 'live.db');
    ids = await makeSweep(db, { runs: 3, epochs: 10 });
    reader = await Reader.open(db);
    dashboard = await startDashboard(reader, { port: 0 });
    browser = await launch();
  });

  afterAll(async () => {
    await browser?.close();
    await dashboard?.close();
    await reader?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers in pages, never the whole table', async () => {
    const base = dashboard.url.replace(/\/$/, '');
    const rows = await (await fetch(`${base}/api/rows?offset=5&limit=7`)).json();
    expect(rows.rows).toHaveLength(7);
    expect(rows.total).toBe(33);
    expect(rows.offset).toBe(5);
    const runs = await (await fetch(`${base}/api/runs?limit=2&sort=lr&desc=1`)).json();
    expect(runs.runs.map((r: { track_id: string }) => r.track_id)).toEqual([ids[0], ids[1]]);
    expect(runs.total).toBe(3);
    const bad = await fetch(`${base}/api/runs?q=${encodeURIComponent('lr <')}`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/value/);
    expect((await fetch(`${base}/api/rows?table=nope`)).status).toBe(404);
    expect((await fetch(`${base}/api/rows`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${base}/api/series?metric=nope`)).status).toBe(404);
    // compare goes through core's diffRuns/compare: loss is lower-is-better, run 1's last loss is lower
    const comparison = await (await fetch(`${base}/api/compare?ids=${ids[0]}%0A${ids[1]}&baseline=${ids[0]}&checks=loss:lower`)).json();
    expect(comparison.runs).toEqual([ids[0], ids[1]]);
    expect(comparison.lines.find((l: { name: string }) => l.name === 'loss').verdict).toEqual([null, 'improved']);
    expect(comparison.verdict).toBe('improved');
    const unknown = await fetch(`${base}/api/compare?ids=${ids[0]}%0Anope&baseline=${ids[0]}`);
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toMatch(/No run "nope"/);
  });

  it('shows the runs, then a run logged by another process appears within the open page', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const base = new URL(dashboard.url).origin;
    const outside = watchRequests(page, (url) => url.startsWith(base));
    await page.goto(dashboard.url);
    await page.waitForSelector('#runs-table tbody tr', WAIT);
    expect(await page.$$eval('#runs-table tbody tr', (r) => r.map((x) => x.getAttribute('data-run')))).toEqual(ids);
    await page.waitForSelector('#live-state:text("● live")', WAIT);
    await page.check(`input[aria-label="Select run ${ids[0]}"]`);
    await page.check(`input[aria-label="Select run ${ids[1]}"]`);
    await page.click('#tab-charts');
    await page.waitForSelector('#chart-steps figure.chart', WAIT);
    expect(await page.getAttribute('#chart-steps figure.chart', 'data-series')).toBe('2');
    await page.click('#tab-runs');
    await page.waitForSelector('#runs-table', WAIT);

    const { stdout: newId } = await run(process.execPath, [
      LOG_ROWS,
      db,
      JSON.stringify({ model: 'transformer', lr: 0.003 }),
      JSON.stringify([
        { epoch: 1, loss: 0.77 },
        { epoch: 2, loss: 0.66 },
      ]),
    ]);
    await page.waitForSelector(`#runs-table tr[data-run="${newId}"]`, WAIT);
    expect(await page.textContent(`#runs-table tr[data-run="${newId}"]`)).toContain('transformer');
    await screenshot(page, 'dashboard-live-run');

    await page.click('#tab-rows');
    await page.waitForFunction(() => document.querySelector('#rows-range')?.textContent === 'rows 1–35 of 35', undefined, WAIT);
    expect(await page.textContent('#rows-table tbody tr:last-child')).toContain('0.66');
    // a row logged while the Rows view is open shows up there too
    await run(process.execPath, [LOG_ROWS, db, JSON.stringify({ model: 'transformer', lr: 0.003 }), JSON.stringify([{ epoch: 3, loss: 0.5551 }])]);
    await page.waitForFunction(() => document.querySelector('#rows-range')?.textContent?.endsWith('of 36'), undefined, WAIT);
    await page.waitForSelector('#rows-table tbody tr:last-child:has-text("0.5551")', WAIT);
    await screenshot(page, 'dashboard-rows');
    expect(outside).toEqual([]);
    await page.close();
  });

  it('sends only rows newer than the cursor it is given', async () => {
    const meta = await (await fetch(`${new URL(dashboard.url).origin}/api/table`)).json();
    const controller = new AbortController();
    const response = await fetch(`${new URL(dashboard.url).origin}/api/events?cursor=${encodeURIComponent(meta.cursor)}`, { signal: controller.signal });
    const reader = response.body!.getReader();
    const { stdout: id } = await run(process.execPath, [LOG_ROWS, db, JSON.stringify({ model: 'sse' }), JSON.stringify([{ loss: 0.123 }])]);
    let text = '';
    while (!text.includes('event: rows')) text += new TextDecoder().decode((await reader.read()).value);
    while (!text.endsWith('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    const event = JSON.parse(
      text
        .split('\n')
        .find((l) => l.startsWith('data: '))!
        .slice(6),
    );
    expect(event.rows).toHaveLength(1);
    expect(event.rows[0][event.columns.indexOf('track_id')]).toBe(id);
    expect(event.cursor > meta.cursor).toBe(true);
  });

  it('with expose, every request needs the token, and the page carries it', async () => {
    const exposed = await startDashboard(reader, { port: 0, expose: true });
    try {
      expect(exposed.token).toMatch(/^[\w-]{20,}$/);
      const origin = new URL(exposed.url).origin;
      expect((await fetch(`${origin}/`)).status).toBe(401);
      expect((await fetch(`${origin}/api/runs?token=wrong`)).status).toBe(401);
      expect((await fetch(`${origin}/api/runs`, { headers: { authorization: `Bearer ${exposed.token}` } })).status).toBe(200);
      const page = await browser.newPage();
      await page.goto(exposed.url);
      await page.waitForSelector('#runs-table tbody tr', WAIT);
      expect(await page.$$eval('#runs-table tbody tr', (r) => r.length)).toBeGreaterThanOrEqual(3);
      await page.close();
    } finally {
      await exposed.close();
    }
  });

  it('lists the assets by hash in the Rows view and downloads their bytes', async () => {
    const assetsDb = path.join(dir, 'assets.db');
    const bytes = new Uint8Array([7, 1, 2, 3, 250]);
    const tracker = await Tracker.open(assetsDb, { assets: true, params: { model: 'with-asset' } });
    await tracker.log({ epoch: 1, weights: bytes });
    const hash = String((await tracker.toRows())[0]!.weights);
    await tracker.close();
    const assetsReader = await Reader.open(assetsDb);
    const server = await startDashboard(assetsReader, { port: 0 });
    try {
      const listed = (await (await fetch(`${server.url}api/assets`)).json()) as { hash: string; downloadable: boolean; columns: string[] }[];
      expect(listed).toEqual([expect.objectContaining({ hash, downloadable: true, columns: ['weights'] })]);
      const page = await browser.newPage();
      await page.goto(server.url);
      await page.click('#tab-rows');
      await page.waitForSelector('#assets-table tbody tr', WAIT);
      expect(await page.textContent('#assets-table tbody tr')).toContain(hash);
      const href = await page.getAttribute('#assets-table a[download]', 'href');
      const download = await fetch(new URL(href!, server.url));
      expect(new Uint8Array(await download.arrayBuffer())).toEqual(bytes);
      expect((await fetch(`${server.url}api/asset/0123456789abcdef`)).status).toBe(404);
      await page.close();
    } finally {
      await server.close();
      await assetsReader.close();
    }
  });

  it('refuses a port in use and a non-loopback address without expose, each with one clear message', async () => {
    await expect(startDashboard(reader, { port: dashboard.port })).rejects.toThrow(`Port ${dashboard.port} on 127.0.0.1 is in use`);
    await expect(startDashboard(reader, { port: 0, host: '0.0.0.0' })).rejects.toThrow(/add --expose/);
  });
});
