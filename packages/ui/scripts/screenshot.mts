// Screenshots a page for a person to look at: tsx scripts/screenshot.mts URL NAME [WIDTH HEIGHT light|dark TAB]
import { launch, screenshot } from '../test/support/browser.ts';
const browser = await launch();
const [url, name, width, height, theme, tab] = process.argv.slice(2);
const page = await browser.newPage({ viewport: { width: Number(width ?? 1280), height: Number(height ?? 800) }, colorScheme: (theme ?? 'light') as 'light' });
page.on('console', (m) => console.log('console:', m.text()));
page.on('pageerror', (e) => console.log('pageerror:', e.message));
await page.goto(url!);
await page.waitForSelector('body[data-ready]', { timeout: 30000 });
if (tab) {
  await page.click(`#tab-${tab}`);
  await page.waitForTimeout(500);
}
console.log(await screenshot(page, name!));
await browser.close();
