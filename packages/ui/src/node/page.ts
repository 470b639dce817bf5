/**
 * The one HTML page both ways: the bundled script and styles inlined, and for a report the data
 * too, so the file opens from file:// with no server and no network.
 */
import { readFileSync } from 'node:fs';
import { XetrackError } from '@xetrack/core';
import type { ReportData } from '../common/types.js';

let bundle: { js: string; css: string } | undefined;

/** The page's script and styles, built by `pnpm build` into dist/browser. */
function browserBundle(): { js: string; css: string } {
  if (bundle) return bundle;
  // dist/index.js sits next to dist/browser; the sources (tests) two levels below the package
  for (const base of ['./browser/', '../../dist/browser/']) {
    try {
      const url = new URL(base, import.meta.url);
      bundle = { js: readFileSync(new URL('app.js', url), 'utf8'), css: readFileSync(new URL('app.css', url), 'utf8') };
      return bundle;
    } catch {
      // try the next place
    }
  }
  throw new XetrackError('NOT_FOUND', 'The page bundle of @xetrack/ui (dist/browser/app.js) is missing: build the package with `pnpm build`.');
}

/** Text safe inside a <script> element: no `</script`, no `<!--`, no line separators JSON allows. */
function scriptSafe(text: string): string {
  return text
    .replace(/<\/(script)/gi, '<\\/$1')
    .replace(/<!--/g, '<\\!--')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

export function pageHtml(options: { title: string; data?: ReportData }): string {
  const { js, css } = browserBundle();
  const data = options.data
    ? `<script id="xt-data" type="application/json">${JSON.stringify(options.data)
        .replace(/</g, '\\u003c')
        .replace(/\u2028/g, '\\u2028')
        .replace(/\u2029/g, '\\u2029')}</script>\n`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'">
<title>${escapeHtml(options.title)}</title>
<style>${css.replace(/<\/(style)/gi, '<\\/$1')}</style>
</head>
<body>
<div id="app" aria-busy="true">Loading…</div>
${data}<script>${scriptSafe(js)}</script>
</body>
</html>
`;
}
