// The README's screenshot: a report's Charts view with four runs selected, 1280x800, light.
// tsx scripts/readme-screenshot.mts REPORT.html OUT.png
import { launch } from '../test/support/browser.ts';

const [report, out] = process.argv.slice(2);
const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
await page.goto(`file://${report}`);
await page.waitForSelector('#runs-table tbody tr');
const boxes = await page.$$('#runs-table tbody input[type=checkbox]');
for (const box of boxes.slice(0, 4)) await box.check();
await page.click('#tab-charts');
await page.waitForSelector('#chart-steps figure.chart canvas');
await page.selectOption('#metric-select', { index: 0 });
await page.waitForTimeout(300);
await page.screenshot({ path: out!, type: 'png' });
await browser.close();
