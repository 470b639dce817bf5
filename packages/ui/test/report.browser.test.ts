/** The report opened from file:// in Chromium: what a person sees, with no network at all. */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Reader } from '@xetrack/core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../src/index.js';
import { chromiumMissing, launch, screenshot, watchRequests } from './support/browser.js';
import { makeSweep } from './support/make-db.js';

const WAIT = { timeout: 60_000 };

describe.skipIf(chromiumMissing() && !process.env.CI)('xt report in a browser', () => {
  let dir: string;
  let ids: string[];
  let file: string;
  let browser: Browser;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'xt-report-'));
    const db = path.join(dir, 'sweep.db');
    ids = await makeSweep(db, { runs: 4, epochs: 30 });
    const reader = await Reader.open(db);
    file = path.join(dir, 'report.html');
    await writeReport(reader, file, { maxPoints: 12, baseline: ids[0] });
    await reader.close();
    browser = await launch();
  });

  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Waits until the runs table shows exactly `expected`, in order. */
  async function waitRuns(page: Page, expected: string[]): Promise<void> {
    await page.waitForFunction((want) => JSON.stringify([...document.querySelectorAll('#runs-table tbody tr')].map((r) => r.getAttribute('data-run'))) === JSON.stringify(want), expected, WAIT);
  }

  async function open(options: { width?: number; height?: number; dark?: boolean } = {}): Promise<{ page: Page; outside: string[]; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width: options.width ?? 1280, height: options.height ?? 800 }, colorScheme: options.dark ? 'dark' : 'light' });
    const outside = watchRequests(page, (url) => url.startsWith('file://') || url.startsWith('data:'));
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('#runs-table tbody tr', WAIT);
    return { page, outside, errors };
  }

  it('is one file holding its code and data, and shows every run from file:// without any request', async () => {
    const html = readFileSync(file, 'utf8');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\/(?!www\.w3\.org)/);
    expect(statSync(file).size).toBeLessThan(1_000_000);
    const { page, outside, errors } = await open();
    const shown = await page.$$eval('#runs-table tbody tr', (rows) => rows.map((r) => r.getAttribute('data-run')));
    expect(shown).toEqual(ids);
    expect(await page.textContent('#report-limits')).toContain('12 points per chart line');
    await screenshot(page, 'report-runs-light');
    expect(outside).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("filters runs with the search box (text and the query API's JSON) and sorts by a column", async () => {
    const { page } = await open();
    await page.fill('#search', 'model = "cnn"');
    await waitRuns(page, [ids[1]!, ids[3]!]);
    expect(await page.textContent('#runs-count')).toMatch(/^2 of 4 runs/);
    await page.fill('#search', '{"or":[{"column":"lr","op":">=","value":0.05},{"column":"model","op":"=","value":"nope"}]}');
    await waitRuns(page, [ids[0]!, ids[3]!]);
    await page.fill('#search', '{"model":"mlp","lr":{"lt":0.05}}');
    await waitRuns(page, [ids[2]!]);
    await page.fill('#search', 'lr <');
    await page.waitForSelector('#search-error:not(:empty)', WAIT);
    expect(await page.textContent('#search-error')).toMatch(/value/);
    await page.fill('#search', '');
    await waitRuns(page, ids);
    await page.click('#runs-table thead button:text-is("lr")');
    await waitRuns(page, [ids[2]!, ids[1]!, ids[3]!, ids[0]!]);
    await page.click('#runs-table thead button:text-is("lr ▲")');
    await waitRuns(page, [ids[0]!, ids[3]!, ids[1]!, ids[2]!]);
    await page.close();
  });

  it('compares selected runs: only what differs, then deltas against a baseline', async () => {
    const { page } = await open();
    await page.check(`input[aria-label="Select run ${ids[0]}"]`);
    await page.check(`input[aria-label="Select run ${ids[2]}"]`);
    await page.click('#tab-compare');
    await page.waitForSelector('#compare-table', WAIT);
    const names = await page.$$eval('#compare-table tbody tr', (r) => r.map((x) => x.getAttribute('data-name')));
    expect(names).toContain('lr');
    expect(names).not.toContain('model'); // both runs are mlp: the same, so hidden by default
    expect(await page.textContent('#compare-table tr[data-name="lr"]')).toContain('0.001');
    expect(await page.$$eval('#baseline option', (o) => o.map((x) => x.textContent))).toEqual(['(none)', ids[0]]);
    await page.selectOption('#baseline', ids[0]!);
    await page.waitForSelector('#compare-table .delta', WAIT);
    // core's compare(): loss lower and accuracy higher are better; run 2 has both
    expect(await page.textContent('#check-verdict')).toBe('check: improved');
    expect(await page.textContent('#compare-table tr[data-name="loss"] .verdict')).toBe('improved');
    // loss last: 1/(30+0) for run 0 and 1/(30+2) for run 2
    const delta = 1 / 32 - 1 / 30;
    expect(await page.textContent('#compare-table tr[data-name="loss"]')).toContain(String(Number(delta.toPrecision(5))));
    await page.check('#show-all');
    await page.waitForSelector('#compare-table tr[data-name="model"]', WAIT);
    await screenshot(page, 'report-compare');
    await page.close();
  });

  it('draws the selected runs overlaid, down-sampled as the page says, and the other charts', async () => {
    const { page } = await open({ dark: true });
    await page.check(`input[aria-label="Select run ${ids[1]}"]`);
    await page.check(`input[aria-label="Select run ${ids[3]}"]`);
    await page.check(`input[aria-label="Select run ${ids[0]}"]`);
    await page.click('#tab-charts');
    await page.waitForSelector('#chart-steps figure.chart canvas', WAIT);
    expect(await page.getAttribute('#chart-steps figure.chart', 'data-series')).toBe('3');
    expect(await page.textContent('#chart-steps')).toContain('3 lines down-sampled');
    await page.selectOption('#metric-select', 'accuracy');
    await page.waitForFunction(() => document.querySelector('#chart-steps figcaption')?.textContent?.startsWith('accuracy'), undefined, WAIT);
    expect(await page.getAttribute('#chart-steps figure.chart', 'data-series')).toBe('3');
    expect(await page.getAttribute('#chart-parallel figure.chart', 'data-series')).toBe('4');
    expect(await page.textContent('#chart-timings')).toContain('evaluate');
    expect(await page.textContent('#chart-system')).toContain('cpu_percent');
    expect(await page.$$eval('#chart-histogram canvas', (c) => c.length)).toBeGreaterThan(0);
    await screenshot(page, 'report-charts-dark');
    await page.close();
  });

  it('pages through raw rows, and reads well on a phone', async () => {
    const { page } = await open({ width: 390, height: 844 });
    await page.click('#tab-rows');
    await page.waitForSelector('#rows-table tbody tr', WAIT);
    expect(await page.textContent('#rows-range')).toBe('rows 1–50 of 124');
    await page.click('#rows-last');
    await page.waitForFunction(() => document.querySelector('#rows-range')?.textContent === 'rows 101–124 of 124', undefined, WAIT);
    expect(await page.$$eval('#rows-table tbody tr', (r) => r.length)).toBe(24);
    // nothing wider than the phone but the scrolling tables themselves
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'report-rows-phone');
    await page.click('#tab-runs');
    await page.waitForSelector('#runs-table', WAIT);
    await screenshot(page, 'report-runs-phone');
    await page.close();
  });

  it('is reachable from the keyboard: tabs with arrows, then a run selected with space', async () => {
    const { page } = await open();
    await page.focus('#tab-runs');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => document.activeElement?.id === 'tab-compare' && document.querySelector('#tab-compare')?.getAttribute('aria-selected') === 'true', undefined, WAIT);
    await page.keyboard.press('ArrowLeft');
    await page.waitForSelector('#runs-table', WAIT);
    await page.focus('#search');
    // past the buttons and the sortable headers to the first run's checkbox
    for (let i = 0; i < 20 && !(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type === 'checkbox')); i++) await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(`Select run ${ids[0]}`);
    await page.keyboard.press('Space');
    await page.waitForFunction(() => document.querySelector('#runs-count')?.textContent?.includes('1 selected'), undefined, WAIT);
    expect(await page.textContent('#tab-compare')).toBe('Compare (1)');
    await page.close();
  });
});
